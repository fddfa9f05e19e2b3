/**
 * The HTTP platform under Nest, adapted to make route decisions before Nest runs and to keep the
 * request's state (request id, error context, what passed) on node's request for the guard. On
 * Express the Express adapter; on Fastify the few hooks below (Nest owns Fastify's not-found and
 * error handlers, so the Fastify plugin cannot be used as it is).
 */
import type { IncomingMessage } from "node:http";
import type { Express } from "express";
import type { FastifyInstance } from "fastify";
import type { PrincipalFields } from "../../pipeline/auth.js";
import { NodePort } from "../../pipeline/node/port.js";
import { stateOf } from "../../pipeline/node/state.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import { ExpressApi, type ExpressApiOptions } from "../express/index.js";
import { bindPipeline, bodiesFromPipeline, guardReplies, send } from "../fastify/index.js";

/** The Express platform: the Express adapter, with bodies read by the routes' guard. */
export function expressPipeline<P extends PrincipalFields>(
  app: Express,
  options: ExpressApiOptions<P>,
  name: string,
): Pipeline<P> {
  return new ExpressApi(app, options, name).pipeline;
}

const CONTENT_TYPE = Symbol("api-error-codes.content-type");
/** What Fastify 5's body stage takes for a media type; anything else it refuses with 415 before any guard. */
const MEDIA_TYPE = /^\s*[\w!#$%&'*.^`|~+-]+\/[\w!#$%&'*.^`|~+-]+\s*(?:;|$)/;
type Raw = IncomingMessage & { [CONTENT_TYPE]?: string };

/** The request as the guard reads it: with the `Content-Type` the client sent. */
class FastifyNestPort extends NodePort {
  override header(name: string): string | undefined {
    const sent = (this.req as Raw)[CONTENT_TYPE];
    return name === "content-type" && sent !== undefined ? sent : super.header(name);
  }
}

/**
 * The Fastify platform (Fastify 5 under `@nestjs/platform-fastify` 11 and 12): the route table learns
 * Nest's routes as Fastify registers them; every request is entered before Nest runs (405 + Allow,
 * OPTIONS, 501, the request id); no body is parsed before the guard, so authentication comes first.
 */
export function fastifyPipeline<P extends PrincipalFields>(
  instance: FastifyInstance,
  options: ExpressApiOptions<P>,
  name: string,
): Pipeline<P> {
  const pipeline = new Pipeline<P>(options, name);
  bindPipeline(instance, pipeline);
  instance.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) if (method !== "HEAD") pipeline.adopt(method, route.url);
  });
  // Every media type passes unread: the guard reads and checks the body after authentication.
  bodiesFromPipeline(instance);
  instance.addHook("onRequest", (request, reply, done) => {
    const raw = request.raw as Raw;
    const state = stateOf(raw, undefined, new FastifyNestPort(raw));
    const entered = pipeline.enter(state.port);
    if (entered.kind === "answer") return send(reply, entered);
    state.requestId = entered.requestId;
    // Fastify would refuse a malformed media type (415) before authentication: the guard judges it.
    const type = raw.headers["content-type"];
    if (type !== undefined && !MEDIA_TYPE.test(type)) {
      raw[CONTENT_TYPE] = type;
      raw.headers["content-type"] = "application/octet-stream";
    }
    reply.header("X-Request-Id", entered.requestId);
    if (entered.kind === "preflight") return send(reply, entered.answer);
    done();
  });
  // A reply a handler writes itself (`@Res() reply`) is judged, as on the Express platform.
  guardReplies(instance, pipeline, (request) => stateOf(request.raw));
  return pipeline;
}
