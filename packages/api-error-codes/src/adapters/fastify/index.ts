/**
 * The contract on Fastify 5: one plugin, registered before the routes. Routes declare their contract
 * the Fastify way (`schema`, `config.auth`); the pipeline checks auth before the body, then the
 * hardened body and the schemas, answers what Fastify cannot route (404 / 405 + Allow / OPTIONS /
 * 501) and turns everything thrown (by handlers, hooks, plugins, Fastify) into one logged answer.
 */
import type { IncomingMessage, Server } from "node:http";
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  FastifyTypeProvider,
  HookHandlerDoneFunction,
  RouteOptions,
} from "fastify";
import { ApiError } from "../../api-error.js";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { stderrFailures } from "../../pipeline/log.js";
import { bodyTextOf } from "../../pipeline/node/guard.js";
import { NodePort } from "../../pipeline/node/port.js";
import { type ProtectOption, protectServer } from "../../pipeline/node/protect.js";
import { checkRequest, type RequestState, stateOf } from "../../pipeline/node/state.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { Answer, ErrorLogger, Pass } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import type { SchemaOutput } from "../../pipeline/types.js";
import { requestId } from "../../response.js";
import type { RequestSchema } from "../../validation/schema.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** Require a bearer token (6/7/8); `{ roles }` also one of the roles, `{ scopes }` every scope (9). */
    auth?: RouteContract["auth"];
  }
  interface FastifyRequest {
    /** The principal on routes with `config.auth`, `undefined` elsewhere; see {@link principalOf}. */
    principal: Principal | undefined;
    /** The contract's request id, also sent as `X-Request-Id` and logged with every error. */
    requestId: string;
  }
}

/**
 * The plugin's options: the contract's (auth lookup, OpenAPI document, body limits, logger...) and
 * `protect` for `app.server`, with Fastify's `requestTimeout` when one is set.
 * @example
 * await app.register(apiErrorCodes, { auth: { lookup }, openapi: spec, bodyLimit: 64 * 1024 });
 */
export interface ApiErrorCodesOptions<P extends PrincipalFields = Principal>
  extends PipelineOptions<P>,
    ProtectOption {}

/**
 * Types `request.body`, `params`, `query` and `headers` from the route's schemas (TypeBox, zod,
 * Standard Schema, JSON Schema literals `as const`), as the library validates them.
 * @example
 * const app = Fastify(serverOptions).withTypeProvider<ContractTypeProvider>();
 * app.post("/orders", { schema: { body: Order } }, (request) => request.body.item); // typed
 */
export interface ContractTypeProvider extends FastifyTypeProvider {
  validator: SchemaOutput<this["schema"]>;
  serializer: SchemaOutput<this["schema"]>;
}

/** What one app's error answers need, also in `frameworkErrors`, which has no plugin scope. */
interface Runtime {
  pipeline: Pipeline<PrincipalFields>;
  /** The plugin's `logger` option; `undefined` means Fastify's request logger. */
  logger: ErrorLogger | false | undefined;
}

const runtimes = new WeakMap<object, Runtime>();
let fallback: Runtime | undefined;

/**
 * The contract's request id for Fastify's `genReqId` option: the incoming well-formed
 * `X-Request-Id`, else a fresh UUID. With it, pino's `reqId` and `X-Request-Id` are the same value.
 * @example
 * const app = Fastify({ logger: true, genReqId });
 */
export function genReqId(req: IncomingMessage): string {
  return requestId(req.headers["x-request-id"]);
}

/**
 * The authenticated principal with the application's own type.
 * @example
 * app.get("/me", { config: { auth: true } }, (request) => principalOf<User>(request));
 */
export function principalOf<P extends PrincipalFields = Principal>(request: FastifyRequest): P | undefined {
  return request.principal as unknown as P | undefined;
}

/** Writes an answer of the pipeline (also under NestJS's Fastify platform): the guard lets it pass. */
export function send(reply: FastifyReply, answer: Answer): void {
  stateOf(reply.request.raw).answered = true;
  reply
    .code(answer.status)
    .headers(answer.headers)
    .send(answer.body === "" ? undefined : answer.body);
}

/** The request's state: made by the plugin's first hook, unless another plugin's hook ran before. */
function stateIn(runtime: Runtime, request: FastifyRequest): RequestState {
  const raw = request.raw;
  const state = request.requestId
    ? stateOf(raw)
    : stateOf(raw, undefined, new NodePort(raw, undefined, runtime.logger ?? request.log));
  // Fastify's own id when genReqId made it (a UUID, or the same well-formed incoming id).
  state.requestId ||= requestId(request.headers["x-request-id"], request.id);
  return state;
}

function fail(runtime: Runtime, thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  send(reply, runtime.pipeline.fail(thrown, stateIn(runtime, request)));
}

/**
 * Fastify's `frameworkErrors` option: its router's errors before any hook (bad percent-encoding, a
 * parameter over `maxParamLength`) answered by the contract. A server option: Fastify takes it at creation.
 * @example
 * const app = Fastify({ frameworkErrors });
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  fallback ??= { pipeline: new Pipeline({ logger: false }), logger: undefined };
  const runtime = runtimes.get(request.server) ?? fallback;
  fail(runtime, routerError(runtime.pipeline, error, request), request, reply);
}

/** Lets {@link frameworkErrors} answer for an instance whose pipeline NestJS's Fastify platform made. */
export function bindPipeline(instance: object, pipeline: Pipeline<PrincipalFields>): void {
  runtimes.set(instance, { pipeline, logger: pipeline.logger });
}

/** What to answer for an error of Fastify's router (also under NestJS's Fastify platform). */
export function routerError(
  pipeline: Pipeline<PrincipalFields>,
  error: FastifyError,
  request: FastifyRequest,
): unknown {
  if (error.code === "FST_ERR_BAD_URL") {
    const resolved = pipeline.table.resolve(request.method, request.url);
    return resolved.kind === "bad_request" ? resolved.error : error;
  }
  if (error.code !== "FST_ERR_MAX_PARAM_LENGTH") return error;
  const config = request.server.initialConfig;
  const max = config.routerOptions?.maxParamLength ?? config.maxParamLength ?? 100;
  const message = `Path parameters are limited to ${max} characters`;
  return ApiError.invalidValue([{ in: "path", pointer: "", rule: "maxLength", message, expected: max }]);
}

/**
 * The server options that complete the plugin: {@link frameworkErrors} and {@link genReqId}.
 * @example
 * const app = Fastify({ logger: true, ...serverOptions });
 */
export const serverOptions = { frameworkErrors, genReqId } as const;

/** What a request Fastify could not route gets: OPTIONS 204 + Allow, 404, 405 + Allow, 501 or 400. */
function unrouted(runtime: Runtime, request: FastifyRequest, reply: FastifyReply): void {
  const state = stateIn(runtime, request);
  const entered = runtime.pipeline.enter(state.port, state.requestId);
  if (entered.kind === "answer") send(reply, entered);
  else if (entered.kind === "preflight") send(reply, entered.answer);
  // Unknown to the table, or known to it but not to Fastify (e.g. `exposeHeadRoutes: false`): nobody serves it.
  else send(reply, runtime.pipeline.notFound(state));
}

/** Fastify's name of each part, and where the pipeline's result goes. */
function accept(request: FastifyRequest, passed: Pass<PrincipalFields>, contract: RouteContract): void {
  request.principal = passed.principal as Principal | undefined;
  // Fastify parses no body for GET and HEAD: the pipeline's is the body.
  request.body = passed.body;
  const schema = contract.schema;
  if (schema?.params !== undefined) request.params = passed.params;
  request.query = passed.query;
  if (schema?.headers !== undefined) request.headers = passed.headers as FastifyRequest["headers"];
}

const VALIDATION_CODES = new Set([3, 4, 5]);

/**
 * The route's first onRequest hook: the pipeline after routing. Callback-style, synchronous unless a
 * token lookup, body read or validation is asynchronous: a refused token costs no promise.
 */
function admit(runtime: Runtime, prepared: PreparedRoute, attachValidation: boolean) {
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const params = request.params as Record<string, string | undefined>;
    // find-my-way matches `/items/` to `/items/:id` with an empty id; the table has no such route.
    for (const name in params) {
      if (params[name] === "" && name !== "*") {
        unrouted(runtime, request, reply);
        return;
      }
    }
    const outcome = checkRequest(runtime.pipeline, request.raw, prepared, params);
    const decide = (result: Answer | Pass<PrincipalFields>): void => {
      const error = result.kind === "answer" ? result.error : undefined;
      // The route handles its own validation failures (Fastify's `attachValidation`).
      if (attachValidation && error?.status === 400 && VALIDATION_CODES.has(error.code)) {
        request.validationError = error as unknown as NonNullable<FastifyRequest["validationError"]>;
        done();
      } else if (result.kind === "answer") send(reply, result);
      else {
        accept(request, result, prepared.contract);
        done();
      }
    };
    if (outcome instanceof Promise) outcome.then(decide, done);
    else decide(outcome);
  };
}

/** Registers a Fastify route with the pipeline (route table, contract) and gives it the pipeline's hook. */
function collect(runtime: Runtime, app: FastifyInstance, route: RouteOptions): void {
  const { pipeline } = runtime;
  // Schemas shared with `app.addSchema` are what `$ref`s point at; Fastify gives them only to its own ajv.
  for (const [id, shared] of Object.entries(app.getSchemas())) {
    if (pipeline.ajv.getSchema(id) === undefined) pipeline.ajv.addSchema(shared as object, id);
  }
  const given = (route.schema ?? {}) as Partial<
    Record<"body" | "querystring" | "params" | "headers", RequestSchema>
  >;
  const parts = { body: given.body, query: given.querystring, params: given.params, headers: given.headers };
  const schema = Object.fromEntries(Object.entries(parts).filter(([, part]) => part !== undefined));
  const auth = route.config?.auth;
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const prepared = pipeline.prepare(
    { ...(auth === undefined ? {} : { auth }), ...(Object.keys(schema).length === 0 ? {} : { schema }) },
    `api-error-codes/fastify: ${methods.join(",")} ${route.url}`,
  );
  // A path the table cannot hold (wildcards, regexps) keeps its contract, but gets no 405 / Allow.
  for (const method of methods) pipeline.adopt(method, route.url);
  const own = route.onRequest === undefined ? [] : [route.onRequest].flat();
  route.onRequest = [admit(runtime, prepared, route.attachValidation === true), ...own];
}

/** Fastify's body stage parses nothing (also under NestJS): the pipeline read the body after auth. */
export function bodiesFromPipeline(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", (request: FastifyRequest, _payload: unknown, done) =>
    done(null, stateOf(request.raw).passed?.body),
  );
}

/**
 * What a handler, an error or not-found handler set after the plugin, or another plugin sends for a
 * status >= 400 outside the pipeline is judged (also under NestJS's Fastify platform).
 */
export function guardReplies(
  app: FastifyInstance,
  pipeline: Pipeline<PrincipalFields>,
  stateFor: (request: FastifyRequest) => RequestState,
): void {
  app.addHook("onSend", (request, reply, payload, done) => {
    const state = reply.statusCode < 400 ? undefined : stateFor(request);
    if (state === undefined || state.answered) {
      done(null, payload);
      return;
    }
    const answer = pipeline.guard(reply.statusCode, bodyTextOf(payload), state);
    reply.removeHeader("content-length");
    reply.code(answer.status).headers(answer.headers);
    done(null, answer.body);
  });
}

async function plugin(app: FastifyInstance, options: ApiErrorCodesOptions<PrincipalFields>): Promise<void> {
  claimApp(app, "api-error-codes/fastify");
  // Routes are collected as they are declared: an earlier one would silently skip auth and the rest.
  const earlier = app.printRoutes();
  if (!earlier.includes("(empty tree)")) {
    throw new Error(
      `api-error-codes must be registered (and awaited) before any route is declared:\n${earlier}`,
    );
  }
  const { protect } = options;
  // The table must agree with Fastify's router on `/orders/` vs `/orders`.
  const config = app.initialConfig;
  const ignoreTrailingSlash =
    config.routerOptions?.ignoreTrailingSlash ?? config.ignoreTrailingSlash ?? false;
  const pipeline = new Pipeline<PrincipalFields>(
    { ignoreTrailingSlash, ...options },
    "api-error-codes/fastify",
  );
  // Fastify({ logger: false }) gives a logger without levels that drops everything: 5xx go to stderr.
  const silent = typeof (app.log as Partial<ErrorLogger>).isLevelEnabled !== "function";
  const runtime: Runtime = { pipeline, logger: options.logger ?? (silent ? stderrFailures : undefined) };
  let checkedServerOptions = false;
  runtimes.set(app, runtime);

  app.decorateRequest("principal", undefined);
  app.decorateRequest("requestId", "");

  app.addHook("onRequest", (request, reply, done) => {
    const { requestId: id } = stateIn(runtime, request);
    // Fastify 5 has no public way to read `genReqId` or `frameworkErrors`: the first request tells.
    if (!checkedServerOptions && runtime.logger !== false) {
      checkedServerOptions = true;
      if (request.id !== id) {
        const message =
          "api-error-codes/fastify: Fastify was created without serverOptions (Fastify({ ...serverOptions })): " +
          "request ids differ from X-Request-Id and router errors (bad percent-encoding, long parameters) are not the contract's";
        if (runtime.logger === undefined) request.log.warn(message);
        else runtime.logger.error({ plugin: "api-error-codes" }, message);
      }
    }
    request.requestId = id;
    reply.header("x-request-id", id);
    if (!request.is404) {
      done();
      return;
    }
    // Answered before Fastify reads the body of a request nobody handles, as the not-found handler would.
    unrouted(runtime, request, reply);
  });
  app.addHook("onRoute", (route) => collect(runtime, app, route));

  // The pipeline validated every part in the route's first hook: Fastify's own pass keeps the values.
  app.setValidatorCompiler(() => () => true);
  bodiesFromPipeline(app);

  guardReplies(app, pipeline, (request) => stateIn(runtime, request));

  app.setNotFoundHandler((request, reply) => unrouted(runtime, request, reply));
  app.setErrorHandler((error, request, reply) => fail(runtime, error, request, reply));

  if (protect !== false) {
    // Present at runtime, missing from the types of `initialConfig`.
    const { requestTimeout } = app.initialConfig as { requestTimeout?: number };
    protectServer(app.server as Server, { ...(requestTimeout ? { requestTimeout } : {}), ...protect });
  }
}

/**
 * The Fastify plugin: register it (awaited) before the routes; it applies to the whole app. Errors
 * are logged through `request.log` unless `logger` is given.
 * @example
 * await app.register(apiErrorCodes, { auth: { lookup }, openapi: spec });
 * app.get("/orders/:id", { schema: { params: IdParams }, config: { auth: true } }, handler);
 */
export const apiErrorCodes: FastifyPluginAsync<ApiErrorCodesOptions<PrincipalFields>> = Object.assign(
  plugin,
  {
    // What fastify-plugin would set, without depending on it: no encapsulation, a name, a version range.
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "api-error-codes",
    [Symbol.for("plugin-meta")]: { name: "api-error-codes", fastify: "5.x" },
  },
);
