/**
 * The contract on Hono 4, on any runtime: only web `Request`/`Response` are used. One call right
 * after `new Hono()` installs a first middleware that decides 404 / 405 / OPTIONS / 501 from the
 * app's own routes before anything else runs, plus `onError` and `notFound`, so that every error
 * (thrown, `HTTPException`, another middleware's, an error response some middleware returned) ends
 * in the contract's JSON answer with `X-Request-Id`. `api.route()` adds a route's auth, body and
 * schemas; its handler reads them typed through `c.req.valid(...)` and `c.get("principal")`.
 * @example
 * import { Hono } from "hono";
 * import { apiErrorCodes } from "api-error-codes/hono";
 * const app = new Hono();
 * const api = apiErrorCodes(app, { auth: { lookup: findSession } });
 * app.post("/orders", api.route({ auth: true, schema: { body: Order } }), (c) =>
 *   c.json(createOrder(c.req.valid("json"), c.get("principal")), 201),
 * );
 * export default app;
 */
import type {
  Context,
  Env,
  ErrorHandler,
  Hono,
  MiddlewareHandler,
  Next,
  NotFoundHandler,
  Schema,
} from "hono";
import { HTTPException } from "hono/http-exception";
import { matchedRoutes } from "hono/route";
import type { RouterRoute } from "hono/types";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { getPathNoStrict } from "hono/utils/url";
import { ApiError, isApiError } from "../api-error.js";
import { headerOccurrences, type Principal, type PrincipalFields, type RequestHeaders } from "../auth.js";
import { Contract, type ErrorLogger, type PreparedRoute, type RouteContract } from "../contract.js";
import { parseQuery } from "../query.js";
import { type ErrorResponse, JSON_CONTENT_TYPE, requestId } from "../response.js";
import type { RouteResolution } from "../routes.js";
import { readDeclared, readLimited } from "./hono-body.js";
import type { HonoApi, HonoApiOptions, RouteMiddleware } from "./hono-types.js";

export type { RouteContract } from "../contract.js";
export { notRealized } from "../routes.js";
export type {
  ApiVariables,
  HonoApi,
  HonoApiOptions,
  RouteInputParts,
  RouteMiddleware,
  RouteVariables,
  SchemaOutput,
  ValidatedParts,
} from "./hono-types.js";

/** What the first middleware decided, for the route middleware, `onError` and `notFound`. */
interface RequestState {
  readonly id: string;
  readonly method: string;
  /** Path and query as received. */
  readonly target: string;
  /** `undefined` when the request failed before the route was resolved. */
  readonly resolution: RouteResolution | undefined;
  readonly route: PreparedRoute | undefined;
}

const STATE = "apiErrorCodes";
/** Headers of a replaced response that describe its body, not the request's outcome. */
const ENTITY_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-range",
  "etag",
]);

/** Whether a header object (or `[name, value, ...]` list) of node's writeHead has this header. */
function hasHeader(headers: unknown, lowerName: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === lowerName) return true;
    }
    return false;
  }
  for (const name in headers as object) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/**
 * Adds `X-Request-Id` to the headers @hono/node-server hands to node's `writeHead`. Not with
 * `setHeader`: once a response has a header set that way, node takes every header of `writeHead`
 * through `setHeader` one by one, which made this header cost more than the rest of the adapter.
 */
function stampRequestId(outgoing: ServerResponse, id: string): void {
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function stampedWriteHead(
    this: ServerResponse,
    status: number,
    a?: unknown,
    b?: unknown,
  ) {
    if (typeof a === "string") return writeHead.call(this, status, a, withRequestId(b, id));
    return writeHead.call(this, status, withRequestId(a, id));
  };
}

/** The headers of a writeHead call with `X-Request-Id`, unless they have one (a copy: they may be shared). */
function withRequestId(headers: unknown, id: string): unknown {
  if (headers === undefined || headers === null) return { "X-Request-Id": id };
  if (hasHeader(headers, "x-request-id")) return headers;
  if (Array.isArray(headers)) return [...headers, "X-Request-Id", id];
  const out: Record<string, unknown> = { "X-Request-Id": id };
  for (const name in headers as Record<string, unknown>)
    out[name] = (headers as Record<string, unknown>)[name];
  return out;
}

/** The request target (path and query) of an absolute request URL, as Hono's getPath finds it. */
function targetOf(url: string): string {
  const start = url.indexOf("/", url.indexOf(":") + 3);
  return start === -1 ? "/" : url.slice(start);
}

/** The contract's own answers, which the first middleware need not inspect on their way out. */
const ANSWERS = new WeakSet<Response>();

/** Bytes of a string in UTF-8, without encoding it (its surrogates come in pairs: JSON escapes lone ones). */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) length += 1;
    else {
      // Three bytes; a surrogate pair is four bytes for two units, so its low half adds nothing.
      length += 2;
      const next = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}

const ENCODER = new TextEncoder();
const SCRATCH = new Uint8Array(16 * 1024);

/** Bytes of a string in UTF-8: natively encoded into scratch space (5x faster than the loop), or counted. */
function byteLength(text: string): number {
  if (text.length > SCRATCH.length / 3) return utf8Length(text);
  return ENCODER.encodeInto(text, SCRATCH).written;
}

function toResponse(answer: ErrorResponse): Response {
  // Set explicitly so that HEAD, which Hono answers from the GET response without its body, keeps it.
  // The body stays a string: @hono/node-server writes it as it is, with no copy into bytes.
  answer.headers["Content-Length"] = String(byteLength(answer.body));
  const response = new Response(answer.body, { status: answer.status, headers: answer.headers });
  ANSWERS.add(response);
  return response;
}

function optionsResponse(state: RequestState, allow: Readonly<Record<string, string>>): Response {
  return new Response(null, { status: 204, headers: { ...allow, "X-Request-Id": state.id } });
}

/**
 * An error answer that replaces a response already made (by a handler, another middleware, or
 * Hono's own code): headers such a response got from CORS or other middleware survive, its entity
 * headers do not, and the contract's own headers win.
 */
function settle(c: Context, response: Response): Response {
  if (!c.finalized) return response;
  const previous = c.res;
  for (const [name, value] of previous.headers) {
    if (name === "set-cookie") response.headers.append(name, value);
    else if (!ENTITY_HEADERS.has(name) && !response.headers.has(name)) response.headers.set(name, value);
  }
  // Without this Hono would copy the replaced response's headers over the answer's own.
  c.res = undefined;
  return response;
}

/** Lower-case header object for the contract: everything, or only what auth and framing need. */
function headerObject(
  headers: Headers,
  all: boolean,
  authHeader: string,
  incoming: IncomingMessage | undefined,
): RequestHeaders {
  if (!all && incoming !== undefined) {
    // Node's view, as the node:http and Express adapters see it: a doubled credential header is a
    // list of two (3 / duplicate), framing headers are node's checked values.
    const node = incoming.headers;
    return {
      [authHeader]: headerOccurrences(incoming.rawHeaders, authHeader),
      "content-type": node["content-type"],
      "content-length": node["content-length"],
      "transfer-encoding": node["transfer-encoding"],
    };
  }
  const out: Record<string, string | undefined> = {};
  if (all) {
    headers.forEach((value, name) => {
      out[name] = value;
    });
    return out;
  }
  // Repeated headers come joined with ", "; the auth module counts the credentials in the value.
  out[authHeader] = headers.get(authHeader) ?? undefined;
  out["content-type"] = headers.get("content-type") ?? undefined;
  out["content-length"] = headers.get("content-length") ?? undefined;
  out["transfer-encoding"] = headers.get("transfer-encoding") ?? undefined;
  return out;
}

/**
 * The contract's default logger writes to `process.stderr`, which Workers and other runtimes may
 * lack; there the same JSON lines go to the console instead.
 */
const consoleLogger: ErrorLogger = {
  info: (entry, message) =>
    console.info(JSON.stringify({ level: 30, time: Date.now(), ...entry, msg: message })),
  error: (entry, message) =>
    console.error(JSON.stringify({ level: 50, time: Date.now(), ...entry, msg: message })),
};

/** The contract's options, completed from the app and the runtime. */
function contractOptions<P extends PrincipalFields>(
  getPath: unknown,
  options: HonoApiOptions<P>,
): HonoApiOptions<P> {
  const out = { ...options };
  // A non-strict app treats /orders/ as /orders: the table has to agree.
  if (getPath === getPathNoStrict && out.ignoreTrailingSlash === undefined) out.ignoreTrailingSlash = true;
  const stderr = (globalThis as { process?: { stderr?: { write?: unknown } } }).process?.stderr;
  if (out.logger === undefined && typeof stderr?.write !== "function") out.logger = consoleLogger;
  return out;
}

/**
 * What {@link HonoAdapter.wrapFetch} decided for a request it passed on, kept on the request itself
 * (cheaper than a WeakMap lookup per request).
 */
const DECIDED = Symbol("api-error-codes.resolution");
const DECIDED_ID = Symbol("api-error-codes.request-id");
interface Decided {
  [DECIDED]?: RouteResolution;
  [DECIDED_ID]?: string;
}

/** `app.fetch`, as far as the adapter wraps it. */
type FetchLike = (request: Request, ...rest: unknown[]) => Response | Promise<Response>;

/**
 * What @hono/node-server passes in `env`: node's own request and response, described here by the
 * members used (this adapter imports nothing from node, so that it runs on any runtime).
 */
interface IncomingMessage {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly rawHeaders: readonly string[];
}
interface ServerResponse {
  writeHead(status: number, reasonOrHeaders?: unknown, headers?: unknown): unknown;
}
interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

/** Node's request under @hono/node-server; `undefined` on other runtimes and for `app.request()`. */
function incomingOf(c: Context): IncomingMessage | undefined {
  const incoming = (c.env as NodeBindings | undefined)?.incoming;
  return typeof incoming?.headers === "object" ? incoming : undefined;
}

/**
 * Whether the server framed the request from the wire, so that a request without Content-Length or
 * Transfer-Encoding has no body. @hono/node-server (which passes `incoming` in env) hands every
 * POST a body stream, even an empty one; reading it just to find nothing would cost on every call.
 */
function framedByServer(c: Context): boolean {
  return (c.env as NodeBindings | undefined)?.incoming !== undefined;
}

/**
 * A header as `Headers.get` gives it. Under @hono/node-server it is read from node's request: the
 * web `Headers` of a request are only built when someone asks for them, and building them on every
 * request would cost more than the rest of the adapter's work.
 */
function headerOf(c: Context, name: string): string | null {
  const incoming = incomingOf(c);
  if (incoming === undefined) return c.req.raw.headers.get(name);
  const value = incoming.headers[name];
  if (value === undefined) return null;
  return typeof value === "string" ? value : value.join(", ");
}

/** A route that `app.route()` wrapped to give a sub-app its own error handler. */
function unwrap(handler: unknown): unknown {
  const inner = (handler as { __COMPOSED_HANDLER?: unknown }).__COMPOSED_HANDLER;
  return inner ?? handler;
}

class HonoAdapter<P extends PrincipalFields> implements HonoApi<P> {
  readonly contract: Contract<P>;
  private readonly routes: readonly RouterRoute[];
  private readonly authHeader: string;
  private readonly hasAuth: boolean;
  private readonly specs = new WeakMap<object, RouteContract>();
  /** The prepared route of each app route carrying `api.route()`, for when Hono and the table disagree. */
  private readonly byEntry = new Map<RouterRoute, PreparedRoute>();
  /** Routes the table cannot express (wildcards, regexes, optional parameters, `app.all`): Hono decides. */
  private readonly foreign = new Set<RouterRoute>();
  private synced = 0;
  /** Whether the first middleware is the app's first route entry (see {@link HonoAdapter.wrapFetch}). */
  private readonly onTop: boolean;

  constructor(routes: readonly RouterRoute[], options: HonoApiOptions<P>) {
    this.routes = routes;
    this.onTop = routes.length === 0;
    this.contract = new Contract(options);
    this.authHeader = (options.auth?.header ?? "authorization").toLowerCase();
    this.hasAuth = options.auth !== undefined;
  }

  route<const C extends RouteContract>(spec: C): RouteMiddleware<P, C> {
    if (spec.auth !== undefined && spec.auth !== false && !this.hasAuth) {
      throw new TypeError("api.route({ auth }) needs apiErrorCodes(app, { auth: { lookup } })");
    }
    const middleware = (c: Context, next: Next) => this.run(c, next, spec);
    this.specs.set(middleware, spec);
    return middleware as unknown as RouteMiddleware<P, C>;
  }

  sync(): void {
    const routes = this.routes;
    for (; this.synced < routes.length; this.synced++) {
      const entry = routes[this.synced] as RouterRoute;
      const spec = this.specs.get(unwrap(entry.handler) as object);
      if (entry.method === "ALL") {
        if (spec !== undefined) {
          throw new TypeError(`api.route() on app.use/app.all("${entry.path}"): put it on a method route`);
        }
        // app.use("*") and app.use("/x/*") are middleware; app.all("/x") is most likely a handler.
        if (!entry.path.includes("*")) this.foreign.add(entry);
        continue;
      }
      if (spec !== undefined) {
        this.byEntry.set(entry, this.contract.route(entry.method, entry.path, spec));
        continue;
      }
      try {
        this.contract.table.markRealized(entry.method, entry.path);
      } catch {
        this.foreign.add(entry);
      }
    }
  }

  respond(c: Context, thrown: unknown): Response {
    const state = this.stateOf(c);
    return toResponse(
      this.contract.fail(thrown, { requestId: state.id, method: state.method, url: state.target }),
    );
  }

  readonly requestError = (error: unknown): Response => {
    const malformed = error instanceof Error && error.name === "RequestError";
    const thrown = malformed
      ? ApiError.invalidStructure(
          [{ in: "header", pointer: "", rule: "parse", message: "Malformed HTTP request" }],
          { cause: error, headers: { Connection: "close" } },
        )
      : error;
    return toResponse(this.contract.fail(thrown, { requestId: requestId(undefined), method: "", url: "" }));
  };

  private stateOf(c: Context): RequestState {
    const state = c.get(STATE) as RequestState | undefined;
    if (state !== undefined) return state;
    // The request failed before its route was resolved (in sync(), or in middleware added earlier).
    const raw = c.req.raw;
    const id = (c.get("requestId") as string | undefined) ?? requestId(raw.headers.get("x-request-id"));
    return { id, method: raw.method, target: targetOf(raw.url), resolution: undefined, route: undefined };
  }

  /**
   * `app.fetch`, answering what the route table refuses (404, 405 + Allow, 501, 400) before Hono
   * builds a context or runs a middleware: at once, with no promise, which is what lets
   * @hono/node-server write the answer straight away. Only when the first middleware is the app's
   * first (nothing registered before apiErrorCodes would have run) and the table can judge every
   * route; HEAD and OPTIONS go the ordinary way. Other requests carry the decision to the first
   * middleware, which does not resolve them again.
   */
  wrapFetch(fetch: FetchLike): FetchLike {
    return (request: Request, ...rest: unknown[]): Response | Promise<Response> => {
      const method = request.method;
      if (this.onTop && method !== "HEAD" && method !== "OPTIONS") {
        try {
          if (this.synced !== this.routes.length) this.sync();
          if (this.foreign.size === 0) {
            const target = targetOf(request.url);
            const resolution = this.contract.resolve(method, target);
            const incoming = (rest[0] as NodeBindings | undefined)?.incoming;
            const header =
              typeof incoming?.headers === "object"
                ? incoming.headers["x-request-id"]
                : request.headers.get("x-request-id");
            const id = requestId(header);
            if (resolution.kind !== "match" && resolution.kind !== "options") {
              return toResponse(this.contract.refuse(resolution, { requestId: id, method, url: target }));
            }
            const carrier = request as Request & Decided;
            carrier[DECIDED_ID] = id;
            carrier[DECIDED] = resolution;
          }
        } catch {
          // The first middleware meets the same problem and answers it.
        }
      }
      return fetch(request, ...rest);
    };
  }

  // The first middleware: route decisions, request id, and the guard on what comes back.
  // Not an async function: a refusal is answered without a promise, and a request that goes on costs
  // one `then` rather than an async frame.
  readonly first = (c: Context, next: Next): Response | undefined | Promise<Response | undefined> => {
    const raw = c.req.raw;
    const decided = (raw as Request & Decided)[DECIDED];
    const id = (raw as Request & Decided)[DECIDED_ID] ?? requestId(headerOf(c, "x-request-id"));
    const method = raw.method;
    const target = targetOf(raw.url);
    c.set("requestId", id);
    // On node the header is added to what goes to node's writeHead (unless the app's response has its
    // own X-Request-Id); elsewhere onto the web response, once it exists.
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    const direct = typeof outgoing?.writeHead === "function";
    try {
      if (this.synced !== this.routes.length) this.sync();
      const resolution = decided ?? this.contract.resolve(method, target);
      const route = resolution.kind === "match" ? this.contract.matched(resolution) : undefined;
      const state: RequestState = { id, method, target, resolution, route };
      c.set(STATE, state);
      if (resolution.kind === "options") {
        // A CORS preflight belongs to the app's CORS middleware; notFound answers it otherwise.
        if (headerOf(c, "access-control-request-method") === null)
          return optionsResponse(state, resolution.headers);
      } else if (resolution.kind !== "match" && !this.passes(c, resolution.kind)) {
        return toResponse(this.contract.refuse(resolution, { requestId: id, method, url: target }));
      }
      if (direct) stampRequestId(outgoing as ServerResponse, id);
      else c.header("X-Request-Id", id);
      return next().then(
        () => this.after(c, id, direct),
        (thrown: unknown) => this.thrown(c, thrown),
      );
    } catch (thrown) {
      return this.thrown(c, thrown);
    }
  };

  /** Hono hands only Error instances to onError; anything else thrown arrives here. */
  private thrown(c: Context, thrown: unknown): undefined {
    c.res = settle(c, this.respond(c, thrown));
    return undefined;
  }

  /** The guard on what comes back from the app. */
  private after(c: Context, id: string, direct: boolean): undefined {
    const res = c.res;
    if (res.status >= 400 && !ANSWERS.has(res) && res.headers.get("content-type") !== JSON_CONTENT_TYPE) {
      // An error response made outside the contract: a sub-app's own onError page (Hono keeps the
      // error it handled in c.error), or one some middleware or handler returned as text or HTML
      // (hono/body-limit's custom onError, c.text("...", 404)), answered for its status instead.
      const thrown = c.error ?? new HTTPException(res.status as ContentfulStatusCode, { res });
      c.res = settle(c, this.respond(c, thrown));
    } else if (!direct && !res.headers.has("x-request-id")) {
      try {
        res.headers.set("X-Request-Id", id);
      } catch {
        c.header("X-Request-Id", id); // immutable headers (a proxied fetch response): copied
      }
    }
    return undefined;
  }

  /** Whether a request the table has no route for matches a route only Hono can judge. */
  private passes(c: Context, kind: RouteResolution["kind"]): boolean {
    if (this.foreign.size === 0 || (kind !== "not_found" && kind !== "not_allowed")) return false;
    for (const entry of matchedRoutes(c)) {
      if (!this.foreign.has(entry)) continue;
      // app.all() and app.use() on a plain path may be middleware: they never turn a 405 into a pass.
      if (entry.method !== "ALL" || kind === "not_found") return true;
    }
    return false;
  }

  /** The route middleware: auth, then the body, then validation, then the handler. */
  private async run(c: Context, next: Next, spec: RouteContract): Promise<Response | undefined> {
    const state = c.get(STATE) as RequestState | undefined;
    if (state === undefined) {
      throw new Error("api-error-codes: call apiErrorCodes(app) right after new Hono(), before any route");
    }
    let route = state.route;
    let params: Readonly<Record<string, string>> | undefined =
      state.resolution?.kind === "match" ? state.resolution.params : undefined;
    if (route?.contract !== spec) {
      // Hono runs this route while the table chose another (overlapping templates): follow Hono.
      route = this.byEntry.get(matchedRoutes(c)[c.req.routeIndex] as RouterRoute);
      params = c.req.param() as Record<string, string>;
      if (route === undefined)
        throw new Error(`api-error-codes: no contract for ${state.method} ${c.req.path}`);
    }
    const schema = spec.schema;
    const raw = c.req.raw;
    const headers = headerObject(raw.headers, schema?.headers !== undefined, this.authHeader, incomingOf(c));
    if (spec.auth !== undefined && spec.auth !== false) {
      const found = this.contract.admit(route, headers);
      // A refused token is answered here, as onError would, without an exception.
      if (isApiError<number>(found)) return settle(c, this.respond(c, found));
      c.set("principal", found instanceof Promise ? await found : found);
    }
    let body: unknown;
    let bytes: Uint8Array | undefined;
    if (this.contract.expectBody(headers)) {
      bytes =
        headers["content-length"] !== undefined
          ? await readDeclared(raw)
          : await readLimited(raw.body, this.contract.bodyLimit);
    } else if (headers["content-length"] === undefined && !framedByServer(c) && raw.body !== null) {
      // A Request made in-process (app.request, tests) has a body but no framing headers: its
      // media type can only be checked once it is read (bounded by the limit all the same).
      bytes = await readLimited(raw.body, this.contract.bodyLimit);
      if (bytes.byteLength === 0) bytes = undefined;
      else this.contract.expectBody({ ...headers, "content-length": String(bytes.byteLength) });
    }
    if (bytes !== undefined) {
      body = this.contract.parseBody(bytes);
      // c.req.json()/text() keep working after the stream was consumed here (Hono caches promises).
      Object.assign(c.req.bodyCache, { arrayBuffer: Promise.resolve(bytes.buffer) });
    }
    // Parsed on every route, as the other adapters do: bad percent-encoding is 400 / 3 even where
    // nothing validates the query.
    let query: Record<string, string | string[]>;
    try {
      query = parseQuery(state.target);
    } catch (refused) {
      return settle(c, this.respond(c, refused));
    }
    if (route.validate !== undefined && schema !== undefined) {
      const parts = this.contract.check(route, { body, params: { ...params }, query, headers });
      if (isApiError<number>(parts)) return settle(c, this.respond(c, parts));
      if (schema.body !== undefined) c.req.addValidatedData("json", parts.body as object);
      if (schema.query !== undefined) c.req.addValidatedData("query", parts.query ?? {});
      if (schema.params !== undefined) c.req.addValidatedData("param", parts.params ?? {});
      if (schema.headers !== undefined) c.req.addValidatedData("header", parts.headers ?? {});
    }
    await next();
  }

  readonly onError: ErrorHandler = (error, c) => settle(c, this.respond(c, error));

  readonly notFound: NotFoundHandler = (c) => {
    const state = this.stateOf(c);
    const resolution = state.resolution;
    if (resolution?.kind === "options") return optionsResponse(state, resolution.headers);
    const path = state.target.split("?", 1)[0] as string;
    return this.respond(c, ApiError.notExist({ method: state.method, path }));
  };
}

/**
 * Makes a Hono app keep the contract. Call it right after `new Hono()`, before any route and before
 * other middleware (middleware registered earlier runs before the route decisions; put CORS there
 * if 404/405 answers must carry its headers).
 * @example
 * const app = new Hono();
 * const api = apiErrorCodes(app, { auth: { lookup: (token) => sessions.get(token) }, openapi: spec });
 * app.get("/orders/:id", api.route({ auth: true, schema: { params: IdParams } }), (c) => {
 *   const { id } = c.req.valid("param");
 *   return c.json(findOrder(id, c.get("principal")));
 * });
 */
export function apiErrorCodes<
  E extends Env,
  S extends Schema,
  B extends string,
  P extends PrincipalFields = Principal,
>(app: Hono<E, S, B>, options: HonoApiOptions<P> = {}): HonoApi<P> {
  const adapter = new HonoAdapter<P>(app.routes, contractOptions(app.getPath, options));
  app.use(adapter.first as MiddlewareHandler);
  app.fetch = adapter.wrapFetch(app.fetch as FetchLike) as typeof app.fetch;
  app.onError(adapter.onError);
  app.notFound(adapter.notFound);
  return adapter;
}
