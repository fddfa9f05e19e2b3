/**
 * The contract on Fastify 5: one plugin, registered before the routes, makes every answer of the app
 * keep it. Routes declare their contract the Fastify way (`schema`, `config.auth`); the plugin checks
 * auth before the body is read, parses JSON bodies hardened, has Fastify validate with the library's
 * rules, answers what Fastify cannot route (404 / 405 + Allow / OPTIONS / 501) and turns everything
 * thrown (by handlers, hooks, other plugins or Fastify itself) into one logged error answer.
 * @example
 * import Fastify from "fastify";
 * import { apiErrorCodes, serverOptions } from "api-error-codes/fastify";
 *
 * const app = Fastify({ logger: true, ...serverOptions });
 * await app.register(apiErrorCodes, { auth: { lookup: (token) => sessions.get(token) } });
 * app.post("/orders", { schema: { body: Order }, config: { auth: true } }, async (request, reply) =>
 *   reply.code(201).send(await createOrder(request.principal, request.body)),
 * );
 */
import type { IncomingMessage, Server } from "node:http";
import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from "fastify";
import { ApiError, isApiError } from "../api-error.js";
import type { Principal, PrincipalFields } from "../auth.js";
import { requestHasBody } from "../body.js";
import {
  Contract,
  type ContractOptions,
  type ErrorLogger,
  type PreparedRoute,
  type RouteContract,
} from "../contract.js";
import { requestId } from "../response.js";
import { createAjv } from "../schema.js";
import { beforeValidation, PartValidators, unmarkMissingBody } from "./fastify-schema.js";
import {
  credentialHeaders,
  type ProtectOptions,
  protectServer,
  readBody,
  readBodyThen,
} from "./node-http.js";

export { notRealized } from "../routes.js";
export { clientErrorResponse, type ProtectOptions, protectServer } from "./node-http.js";

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
 * the protection of the node server.
 * @example
 * await app.register(apiErrorCodes, { auth: { lookup }, openapi: spec, bodyLimit: 64 * 1024 });
 */
export interface ApiErrorCodesOptions<P extends PrincipalFields = Principal> extends ContractOptions<P> {
  /**
   * Conforming 400/408/431 answers to malformed HTTP on `app.server` (see `protectServer`). Default
   * on, with Fastify's `requestTimeout` when one is set; `false` for servers that are not node's
   * HTTP/1 server.
   */
  protect?: ProtectOptions | false;
}

/** Methods Fastify never reads a body for; the contract still refuses a bad one. */
const BODYLESS = new Set(["GET", "HEAD", "TRACE"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the error answers of one app need, also from `frameworkErrors`, which has no plugin scope. */
interface Runtime {
  contract: Contract<PrincipalFields>;
  /** The plugin's `logger` option; `undefined` means Fastify's request logger. */
  logger: ErrorLogger | false | undefined;
}

const runtimes = new WeakMap<object, Runtime>();
let fallback: Runtime | undefined;

/** The id `genReqId` gave a request, kept on node's request so that it is not checked twice. */
const GENERATED = Symbol("api-error-codes.generated-id");

/**
 * The contract's request id for Fastify's `genReqId` option: the incoming well-formed
 * `X-Request-Id`, else a fresh UUID. With it, pino's `reqId` and `X-Request-Id` are the same value.
 * @example
 * const app = Fastify({ logger: true, genReqId });
 */
export function genReqId(req: IncomingMessage): string {
  const id = requestId(req.headers["x-request-id"]);
  (req as IncomingMessage & { [GENERATED]?: string })[GENERATED] = id;
  return id;
}

/** The incoming id when well-formed, else Fastify's own when it is a UUID (`genReqId`), else a new one. */
function contractId(request: FastifyRequest): string {
  const generated = (request.raw as IncomingMessage & { [GENERATED]?: string })[GENERATED];
  if (generated !== undefined && generated === request.id) return generated;
  const incoming = request.headers["x-request-id"];
  if (incoming !== undefined) {
    const id = requestId(incoming);
    if (id === incoming) return id;
  }
  return UUID.test(request.id) ? request.id : requestId(undefined);
}

/**
 * The authenticated principal with the application's own type.
 * @example
 * app.get("/me", { config: { auth: true } }, (request) => principalOf<User>(request));
 */
export function principalOf<P extends PrincipalFields = Principal>(request: FastifyRequest): P | undefined {
  return request.principal as unknown as P | undefined;
}

function fail(runtime: Runtime, thrown: unknown, request: FastifyRequest, reply: FastifyReply): void {
  // A hook of another plugin may have thrown before ours set the id.
  const id = request.requestId || contractId(request);
  const response = runtime.contract.fail(thrown, {
    requestId: id,
    method: request.method,
    url: request.url,
    logger: runtime.logger ?? request.log,
  });
  reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * Fastify's `frameworkErrors` option: the errors its router raises before any hook runs (bad
 * percent-encoding, a path parameter over `maxParamLength`) answered by the contract. Fastify only
 * takes it when the app is created, hence a server option rather than part of the plugin.
 * @example
 * const app = Fastify({ frameworkErrors });
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  fallback ??= { contract: new Contract({ logger: false }), logger: undefined };
  const runtime = runtimes.get(request.server) ?? fallback;
  let thrown: unknown = error;
  if (error.code === "FST_ERR_BAD_URL") {
    const resolved = runtime.contract.resolve(request.method, request.url);
    if (resolved.kind === "bad_request") thrown = resolved.error;
  } else if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    const config = request.server.initialConfig;
    const max = config.routerOptions?.maxParamLength ?? config.maxParamLength ?? 100;
    const message = `Path parameters are limited to ${max} characters`;
    thrown = ApiError.invalidValue([{ in: "path", pointer: "", rule: "maxLength", message, expected: max }]);
  }
  fail(runtime, thrown, request, reply);
}

/**
 * The server options that complete the plugin: {@link frameworkErrors} and {@link genReqId}.
 * @example
 * const app = Fastify({ logger: true, ...serverOptions });
 */
export const serverOptions = { frameworkErrors, genReqId } as const;

/** What a request Fastify could not route gets: OPTIONS 204 + Allow, 404, 405 + Allow, 501 or 400. */
function unrouted(runtime: Runtime, request: FastifyRequest, reply: FastifyReply): void {
  const contract = runtime.contract;
  const resolved = contract.resolve(request.method, request.url);
  if (resolved.kind === "options") {
    reply.code(204).headers(resolved.headers).send();
    return;
  }
  if (resolved.kind !== "match") {
    const response = contract.refuse(resolved, {
      requestId: request.requestId || contractId(request),
      method: request.method,
      url: request.url,
      logger: runtime.logger ?? request.log,
    });
    reply.code(response.status).headers(response.headers).send(response.body);
    return;
  }
  // The table knows the route but Fastify does not (e.g. `exposeHeadRoutes: false`): nothing can serve it.
  const path = request.url.split("?", 1)[0] as string;
  fail(runtime, ApiError.notExist({ method: request.method, path }), request, reply);
}

/** 415 / 413 before a byte is read; reads the body itself only where Fastify never would (GET...). */
function receive(contract: Contract<PrincipalFields>, request: FastifyRequest): Promise<void> | undefined {
  if (!contract.expectBody(request.headers) || !BODYLESS.has(request.method)) return undefined;
  return readBody(request.raw, contract.bodyLimit).then((bytes) => {
    request.body = contract.parseBody(bytes);
  });
}

/**
 * A Content-Type without a body describes nothing, yet Fastify refuses a malformed one (415) before
 * the route runs, where the contract goes on as for any request without a body (400 / 3 when the
 * route needs one). So the header is dropped from such a request.
 */
function dropBodilessType(request: FastifyRequest): void {
  const headers = request.raw.headers;
  if (
    headers["content-type"] !== undefined &&
    !BODYLESS.has(request.method) &&
    !requestHasBody(headers["content-length"], headers["transfer-encoding"])
  ) {
    delete headers["content-type"];
  }
}

/** The body's framing (and reading, where Fastify would not), then `done`. */
function proceed(
  contract: Contract<PrincipalFields>,
  request: FastifyRequest,
  done: HookHandlerDoneFunction,
) {
  dropBodilessType(request);
  let reading: Promise<void> | undefined;
  try {
    reading = receive(contract, request);
  } catch (error) {
    done(error as Error);
    return;
  }
  if (reading === undefined) done();
  else reading.then(() => done(), done);
}

/**
 * The route's own first onRequest hook: auth (6/7/8/9, before the body), then the body's framing.
 * Callback-style and synchronous unless the token lookup is asynchronous: a missing token costs no
 * promise.
 */
function admit(contract: Contract<PrincipalFields>, route: PreparedRoute) {
  const auth = route.contract.auth;
  if (auth === undefined || auth === false) {
    return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void =>
      proceed(contract, request, done);
  }
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    let found: ReturnType<typeof contract.admit>;
    try {
      found = contract.admit(route, credentialHeaders(request.raw, contract.authHeader));
    } catch (error) {
      done(error as Error);
      return;
    }
    if (isApiError<number>(found)) {
      done(found);
      return;
    }
    if (found instanceof Promise) {
      found.then((principal) => {
        request.principal = principal as Principal | undefined;
        proceed(contract, request, done);
      }, done);
      return;
    }
    request.principal = found as Principal | undefined;
    proceed(contract, request, done);
  };
}

const hooks = <H>(first: H, existing: H | H[] | undefined): H[] =>
  existing === undefined ? [first] : [first, ...(Array.isArray(existing) ? existing : [existing])];

type OnRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * find-my-way matches `/items/` to `/items/:id` with an empty id; the contract's table has no such
 * route (404 / 10, or 405 when another method has one). Such a request is answered as unrouted.
 */
function refuseEmptyParams(runtime: Runtime, next: OnRequest): OnRequest {
  return (request, reply, done) => {
    const params = request.params as Record<string, string | undefined>;
    for (const name in params) {
      if (params[name] === "" && name !== "*") {
        unrouted(runtime, request, reply);
        return;
      }
    }
    next(request, reply, done);
  };
}

/** Registers a Fastify route with the contract (route table, auth) and gives it the contract's hooks. */
function collect(runtime: Runtime, route: RouteOptions): void {
  const contract = runtime.contract;
  const auth = route.config?.auth;
  const routeContract: RouteContract = auth === undefined ? {} : { auth };
  let prepared: PreparedRoute | undefined;
  for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
    try {
      prepared = contract.route(method, route.url, routeContract);
    } catch (error) {
      // Wildcards, regexps and multi-parameter segments have no place in the contract's table: such
      // a route keeps auth and bodies, but its path gets no 405 / Allow from the table.
      if (!(error instanceof TypeError) || !error.message.startsWith("route template")) throw error;
      prepared = { method, template: route.url, contract: routeContract, validate: undefined };
    }
  }
  if (prepared === undefined) return;
  const first = admit(contract, prepared);
  route.onRequest = hooks(
    route.url.includes(":") ? refuseEmptyParams(runtime, first) : first,
    route.onRequest,
  );
  const bodySchema = route.schema?.body !== undefined;
  route.preValidation = hooks(beforeValidation(bodySchema), route.preValidation);
  if (bodySchema && route.attachValidation === true)
    route.preHandler = hooks(unmarkMissingBody, route.preHandler);
}

async function plugin(app: FastifyInstance, options: ApiErrorCodesOptions<PrincipalFields>): Promise<void> {
  // Routes are collected as they are declared: an earlier one would silently skip auth and the rest.
  const earlier = app.printRoutes();
  if (!earlier.includes("(empty tree)")) {
    throw new Error(
      `api-error-codes must be registered (and awaited) before any route is declared:\n${earlier}`,
    );
  }
  const { protect, ...rest } = options;
  // The table must agree with Fastify's router on `/orders/` vs `/orders`.
  const config = app.initialConfig;
  const ignoreTrailingSlash =
    config.routerOptions?.ignoreTrailingSlash ?? config.ignoreTrailingSlash ?? false;
  const contract = new Contract<PrincipalFields>({ ignoreTrailingSlash, ...rest });
  const runtime: Runtime = { contract, logger: options.logger };
  runtimes.set(app, runtime);
  const validators = new PartValidators(options.ajv ?? createAjv(), () => app.getSchemas());

  app.decorateRequest("principal", undefined);
  app.decorateRequest("requestId", "");

  app.addHook("onRequest", (request, reply, done) => {
    const id = contractId(request);
    request.requestId = id;
    reply.header("x-request-id", id);
    if (!request.is404) {
      done();
      return;
    }
    // Answered here, before Fastify would read the body of a request nobody handles, and without a
    // detour through Fastify's error handling: the same answer as the not-found handler's.
    unrouted(runtime, request, reply);
  });
  app.addHook("onRoute", (route) => collect(runtime, route));

  app.setValidatorCompiler(validators.compiler);

  // Every body goes through the contract's parser; other media types were refused (415) by `admit`.
  app.removeAllContentTypeParsers();
  // Callback-style, as Fastify's own parsers are: no promise per body.
  app.addContentTypeParser(
    "*",
    (
      request: FastifyRequest,
      payload: IncomingMessage,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      const { headers } = request;
      if (!requestHasBody(headers["content-length"], headers["transfer-encoding"])) {
        done(null, undefined);
        return;
      }
      readBodyThen(payload, contract.bodyLimit, (error, bytes) => {
        if (error !== undefined) {
          done(error);
          return;
        }
        let body: unknown;
        try {
          body = contract.parseBody(bytes as Uint8Array);
        } catch (refused) {
          done(refused as Error);
          return;
        }
        done(null, body);
      });
    },
  );

  app.setNotFoundHandler((request, reply) => unrouted(runtime, request, reply));
  app.setErrorHandler((error, request, reply) =>
    fail(runtime, validators.everyViolation(error, request), request, reply),
  );

  if (protect !== false) {
    // Present at runtime, missing from the types of `initialConfig`.
    const { requestTimeout } = app.initialConfig as { requestTimeout?: number };
    protectServer(app.server as Server, { ...(requestTimeout ? { requestTimeout } : {}), ...protect });
  }
}

/**
 * The Fastify plugin. Register it (awaited) before the routes, at the root: it applies to the whole
 * app (no encapsulation). Errors are logged through `request.log` unless `logger` is given.
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
