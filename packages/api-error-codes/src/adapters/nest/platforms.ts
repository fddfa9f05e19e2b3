/**
 * What the Nest adapter needs of the HTTP platform under Nest: route decisions before Nest runs,
 * the request's checks, the context of an error and writing an answer. On Express it is the Express
 * adapter; on Fastify the few hooks below (Nest owns Fastify's not-found and error handlers, so the
 * Fastify plugin cannot be used as it is).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Express } from "express";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { NodePort, writeAnswer } from "../../node/port.js";
import { checkRequest, stateOf } from "../../node/state.js";
import type { PrincipalFields } from "../../pipeline/auth.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import type { Answer, ErrorContext, Pass } from "../../pipeline/port.js";
import type { PreparedRoute } from "../../pipeline/route.js";
import { ExpressApi, type ExpressApiOptions } from "../express/index.js";
import { bindPipeline, bodiesFromPipeline, send } from "../fastify/index.js";

/** One platform under Nest, as the adapter's guard and filter use it. */
export interface Platform<P extends PrincipalFields> {
  readonly pipeline: Pipeline<P>;
  /** {@link Pipeline.check} for a request Nest routed; `req` is what Nest's `getRequest()` gives. */
  check(req: unknown, route: PreparedRoute | undefined): Answer | Pass<P> | Promise<Answer | Pass<P>>;
  errorContext(req: unknown): ErrorContext;
  /** Writes `answer`; `res` is what Nest's `getResponse()` gives. */
  write(req: unknown, res: unknown, answer: Answer): void;
}

/** Nest's own body parser ran before the guard: the contract can no longer read the body first. */
function parsedAlready(name: string): TypeError {
  return new TypeError(
    `${name}: Nest's body parser read this request's body before the contract could; create the app with NestFactory.create(AppModule, { bodyParser: false })`,
  );
}

/** The Express platform: the Express adapter, with bodies read by the routes' guard. */
export function expressPlatform<P extends PrincipalFields>(
  app: Express,
  options: ExpressApiOptions<P>,
  name: string,
): Platform<P> {
  const api = new ExpressApi(app, options, name);
  return {
    pipeline: api.pipeline,
    check: (req, route) => {
      // Express 5 leaves `req.body` undefined until a parser sets it.
      if ((req as { body?: unknown }).body !== undefined) throw parsedAlready(name);
      return api.check(req as IncomingMessage, route);
    },
    errorContext: (req) => api.errorContext(req as IncomingMessage),
    write: (req, res, answer) => writeAnswer(req as IncomingMessage, res as ServerResponse, answer),
  };
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

const METHODS_OF = (method: string | string[]): string[] => (Array.isArray(method) ? method : [method]);

/**
 * The Fastify platform (Fastify 5 under `@nestjs/platform-fastify` 11 and 12): the route table learns
 * Nest's routes as Fastify registers them; every request is entered before Nest runs (405 + Allow,
 * OPTIONS, 501, the request id); no body is parsed before the guard, so authentication comes first.
 */
export function fastifyPlatform<P extends PrincipalFields>(
  instance: FastifyInstance,
  options: ExpressApiOptions<P>,
  name: string,
): Platform<P> {
  const pipeline = new Pipeline<P>(options, name);
  bindPipeline(instance, pipeline);
  instance.addHook("onRoute", (route) => {
    for (const method of METHODS_OF(route.method)) {
      if (method !== "HEAD") pipeline.adopt(method, route.url);
    }
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
  return {
    pipeline,
    check: (req, route) => {
      const request = req as FastifyRequest;
      // The adapter's parser leaves every body undefined and unread.
      if (request.body !== undefined) throw parsedAlready(name);
      return checkRequest(pipeline, request.raw, route, request.params as Record<string, string>);
    },
    errorContext: (req) => stateOf((req as FastifyRequest).raw),
    write: (_req, res, answer) => {
      send(res as FastifyReply, answer);
    },
  };
}
