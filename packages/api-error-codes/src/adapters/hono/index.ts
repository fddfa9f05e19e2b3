/**
 * The contract on Hono 4, on any runtime: only web `Request`/`Response` are used. One call right
 * after `new Hono()` installs a first middleware that decides 405 / OPTIONS / 501 from the app's own
 * routes before anything else runs, plus `onError` and `notFound`, so that every error (thrown,
 * `HTTPException`, another middleware's, an error response some middleware returned) ends in the
 * contract's JSON answer with `X-Request-Id`. `api.route()` adds a route's auth, body and schemas;
 * its handler reads them typed through `c.req.valid(...)` and `c.get("principal")`.
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
import type { RouterRoute } from "hono/types";
import { getPathNoStrict } from "hono/utils/url";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline } from "../../pipeline/pipeline.js";
import type { ErrorContext } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import { StackScan } from "../../pipeline/stacks.js";
import { readLimited } from "../../pipeline/web/body.js";
import { bridgeError } from "../../pipeline/web/bridge.js";
import { bodyText, replacing } from "../../pipeline/web/guard.js";
import { targetOf, toResponse, WebPort } from "../../pipeline/web/port.js";
import { requestId } from "../../response.js";
import { type NodeBindings, stampRequestId } from "./node.js";
import type { HonoApiOptions, RouteMiddleware } from "./types.js";

// Node only, imported by nothing else here: the adapter itself still runs on any runtime.
export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";
export type {
  ApiVariables,
  HonoApiOptions,
  RouteInputParts,
  RouteMiddleware,
  RouteVariables,
  SchemaOutput,
  ValidatedParts,
} from "./types.js";
export { type RespondingApi, standardHook, zodHook } from "./validators.js";

/** An OPTIONS answer the first middleware decided, which the app's CORS middleware may give instead. */
const OPTIONS = "apiErrorCodes.options";
/** The contract's own answers, which the first middleware need not inspect on their way out. */
const ANSWERS = new WeakSet<Response>();
/**
 * Every `api.route()` middleware and its contract: the pipeline learns which routes read their body
 * themselves, and one registered with `app.use()` (where it would run for every path) is refused.
 */
const ROUTE_MIDDLEWARE = new WeakMap<object, PreparedRoute>();

/**
 * The answer as a Response. Its length is left to the server (@hono/node-server 1.19.10 and older
 * add their own `Content-Length` and would send two), except for HEAD: Hono answers it from the GET
 * response without the body, so the length must be given.
 */
function answerResponse(answer: Parameters<typeof toResponse>[0], method?: string): Response {
  const response = toResponse(answer, method === "HEAD");
  ANSWERS.add(response);
  return response;
}

/**
 * An error answer that replaces a response already made (by a handler, another middleware, or
 * Hono's own code), keeping what {@link replacing} keeps.
 */
function settle(c: Context, response: Response): Response {
  if (!c.finalized) return response;
  replacing(c.res, response);
  // Without this Hono would copy the replaced response's headers over the answer's own.
  c.res = undefined;
  return response;
}

/** The port of one request; once Hono runs, the body it reads is given back to Hono's request. */
class HonoPort extends WebPort {
  constructor(
    request: Request,
    env: unknown,
    /** Hono's request, whose `raw` gets the bytes read; absent before Hono runs. */
    private readonly hono?: Context["req"],
  ) {
    super(request, { env });
  }

  /** Read bounded; the request the app sees gets the bytes back. */
  override async readBody(limit: number): Promise<Uint8Array> {
    const hono = this.hono as Context["req"];
    if (this.method === "GET" || this.method === "HEAD") {
      // No Request can hold the body of a GET: Hono's own cache keeps the bytes for c.req.json().
      if (this.header("content-length") === undefined) return readLimited(this.request.body, limit);
      return new Uint8Array(await hono.arrayBuffer());
    }
    const bytes = await readLimited(this.request.body, limit);
    // The stream is consumed: c.req.json(), and c.req.raw handed to another library, read this copy.
    hono.raw = new Request(this.request.url, {
      method: this.method,
      headers: this.request.headers,
      body: bytes as Uint8Array<ArrayBuffer>,
    });
    return bytes;
  }
}

/** What `apiErrorCodes(app)` returns; made by {@link apiErrorCodes}. */
export class HonoApi<P extends PrincipalFields = Principal> {
  /** The framework-free pipeline behind the app (route table, auth, bodies, error answers). */
  readonly pipeline: Pipeline<P>;
  private readonly scan = new StackScan<RouterRoute>((entry) => this.read(entry));
  /** Routes the table cannot express (wildcards, regexes, optional parameters, `app.all`): Hono decides. */
  private readonly foreign = new Set<RouterRoute>();
  /** Whether the first middleware is the app's first route entry (see {@link HonoApi.wrapFetch}). */
  private readonly onTop: boolean;
  /** Whether only our first middleware is registered for every path: nothing else can serve an unknown one. */
  private alone = true;

  constructor(app: Hono, options: HonoApiOptions<P>) {
    // A non-strict app treats /orders/ as /orders: the table has to agree.
    const loose = app.getPath === getPathNoStrict ? true : undefined;
    const ignoreTrailingSlash = options.ignoreTrailingSlash ?? loose;
    this.pipeline = new Pipeline(
      ignoreTrailingSlash === undefined ? options : { ...options, ignoreTrailingSlash },
      "api-error-codes/hono",
    );
    this.scan.watch(app.routes);
    this.onTop = app.routes.length === 0;
    claimApp(app, "api-error-codes/hono");
    app.use(this.first as MiddlewareHandler);
    app.fetch = this.wrapFetch(app.fetch as FetchLike) as typeof app.fetch;
    app.onError(this.onError);
    app.notFound(this.notFound);
  }

  /**
   * The contract of one route, as a middleware placed before its handler: bearer auth (6/7/8/9),
   * then the JSON body (415/413/3/4), then schema validation (3/5/4).
   * @example
   * app.get("/orders/:id", api.route({ schema: { params: IdParams } }), (c) => c.json(find(c.req.valid("param").id)));
   */
  route<const C extends RouteContract>(spec: C): RouteMiddleware<P, C> {
    const prepared = this.pipeline.prepare(spec, "api-error-codes/hono: api.route()");
    const middleware = (c: Context, next: Next) => this.run(c, next, prepared);
    ROUTE_MIDDLEWARE.set(middleware, prepared);
    return middleware as unknown as RouteMiddleware<P, C>;
  }

  /**
   * Reads routes added to the app since the last call into the contract's route table. Runs by itself
   * when the app has more routes than last seen; call it once after defining the routes to compile
   * schemas at startup and have a bad route or schema fail there rather than on the first request.
   * @example
   * api.sync();
   */
  sync(): void {
    this.scan.sync();
  }

  /** One entry of `app.routes`: a route for the table, or what tells that Hono decides some paths. */
  private read(entry: RouterRoute): void {
    if (entry.handler === (this.first as unknown)) return;
    if (entry.method === "ALL") {
      if (ROUTE_MIDDLEWARE.has(entry.handler)) {
        throw new TypeError(
          `api-error-codes/hono: api.route() on app.use/app.all("${entry.path}"): put it on a method route`,
        );
      }
      this.alone = false;
      // app.use("*") and app.use("/x/*") are middleware; app.all("/x") is most likely a handler.
      if (!entry.path.includes("*")) this.foreign.add(entry);
    } else if (!this.pipeline.adopt(entry.method, entry.path, ROUTE_MIDDLEWARE.get(entry.handler))) {
      this.foreign.add(entry);
      this.alone = false;
    }
  }

  /**
   * The contract's answer for anything thrown, as a Response, for code that catches errors itself.
   * @example
   * try { await work(); } catch (error) { return api.respond(c, error); }
   */
  respond(c: Context, thrown: unknown): Response {
    return answerResponse(this.pipeline.fail(thrown, this.contextOf(c)), c.req.method);
  }

  /**
   * The contract's answer for an error raised before the app could run, for a server's error hook.
   * `@hono/node-server` answers a request it cannot turn into a `Request` (a backslash in the path,
   * a bad Host) with an empty 400; its `getRequestListener` takes this as `errorHandler` (`serve()`
   * has no such option). Its `RequestError` becomes 400 / 3, anything else 500 / 0.
   * @example
   * const listener = getRequestListener(app.fetch, { errorHandler: api.requestError });
   * protectServer(http.createServer(listener)).listen(3000);
   */
  readonly requestError = (error: unknown): Response => answerResponse(bridgeError(this.pipeline, error));

  /** Where an error of this request happened: built only when one does. */
  private contextOf(c: Context): ErrorContext {
    const raw = c.req.raw;
    // Without an id the request failed before the first middleware ran (in middleware added earlier).
    const id = (c.get("requestId") as string | undefined) ?? requestId(raw.headers.get("x-request-id"));
    return { requestId: id, method: raw.method, target: targetOf(raw.url), port: c.req };
  }

  /**
   * `app.fetch`, answering what the route table refuses (404, 405 + Allow, 501, 400) before Hono
   * builds a context or runs a middleware: at once, with no promise, which lets @hono/node-server
   * write the answer straight away. Only while nothing but the first middleware could answer those
   * paths; HEAD and OPTIONS go the ordinary way.
   */
  private wrapFetch(fetch: FetchLike): FetchLike {
    return (request: Request, ...rest: unknown[]): Response | Promise<Response> => {
      const method = request.method;
      if (!this.onTop || method === "HEAD" || method === "OPTIONS") return fetch(request, ...rest);
      try {
        if (this.scan.stale()) this.scan.sync();
        if (this.foreign.size !== 0) return fetch(request, ...rest);
        const port = new HonoPort(request, rest[0]);
        const entered = this.pipeline.enter(port);
        if (entered.kind === "answer") return answerResponse(entered);
        // Carried on the request itself (cheaper than a WeakMap): the first middleware does not route it again.
        (request as Request & Carrier)[ENTERED] = entered;
        if (entered.kind === "unrouted" && this.alone) {
          const context = { requestId: entered.requestId, method, target: port.target, port };
          return answerResponse(this.pipeline.notFound(context));
        }
      } catch {
        // The first middleware meets the same problem and answers it.
      }
      return fetch(request, ...rest);
    };
  }

  // The first middleware: route decisions, request id, and the guard on what comes back.
  // Not an async function: a refusal is answered without a promise, and a request that goes on costs
  // one `then` rather than an async frame.
  private readonly first = (c: Context, next: Next): Response | undefined | Promise<Response | undefined> => {
    const raw = c.req.raw;
    const carried = (raw as Request & Carrier)[ENTERED];
    // Routed already by wrapFetch: no port needed, nor a second look-up.
    const port = carried === undefined ? new HonoPort(raw, c.env, c.req) : undefined;
    const id = carried?.requestId ?? requestId(port?.header("x-request-id"));
    c.set("requestId", id);
    // On node the header is added to what goes to node's writeHead (unless the app's response has its
    // own X-Request-Id); elsewhere onto the web response, once it exists.
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    const direct = typeof outgoing?.writeHead === "function";
    try {
      if (this.scan.stale()) this.scan.sync();
      const entered = carried ?? this.pipeline.enter(port as HonoPort, id);
      if (entered.kind === "answer") return answerResponse(entered, raw.method);
      if (entered.kind === "preflight") c.set(OPTIONS, answerResponse(entered.answer, raw.method));
      if (direct) stampRequestId(outgoing as NonNullable<NodeBindings["outgoing"]>, id);
      else c.header("X-Request-Id", id);
      // A JSON body on a route without api.route() (c.req.json(), a zod validator): read and checked
      // here with the same refusals; Hono keeps the bytes for the handler's own read. No port is made
      // for a route that declares its contract or a method without a body (ownBody would decline).
      const bodied = entered.kind === "routed" && entered.route === undefined;
      const own =
        bodied && raw.method !== "GET" && raw.method !== "HEAD"
          ? this.pipeline.ownBody(entered, port ?? new HonoPort(raw, c.env, c.req))
          : undefined;
      if (own === undefined) return this.proceed(c, next, id, direct);
      return Promise.resolve(own).then((outcome) =>
        outcome.kind === "answer" ? answerResponse(outcome, raw.method) : this.proceed(c, next, id, direct),
      );
    } catch (thrown) {
      return this.thrown(c, thrown);
    }
  };

  /** The rest of the app, then the guard on what comes back. */
  private proceed(c: Context, next: Next, id: string, direct: boolean): Promise<undefined> {
    return next().then(
      () => this.after(c, id, direct),
      (thrown: unknown) => this.thrown(c, thrown),
    );
  }

  /** Hono hands only Error instances to onError; anything else thrown arrives here. */
  private thrown(c: Context, thrown: unknown): undefined {
    c.res = settle(c, this.respond(c, thrown));
    return undefined;
  }

  /** The guard on what comes back from the app. */
  private after(c: Context, id: string, direct: boolean): undefined | Promise<undefined> {
    const res = c.res;
    // An error response made outside the pipeline: an onError or notFound the app registered after
    // ours, a sub-app's own onError, one some middleware or handler returned. Judged by its body.
    if (res.status >= 400 && !ANSWERS.has(res)) return this.guard(c, res);
    if (!direct && !res.headers.has("x-request-id")) {
      try {
        res.headers.set("X-Request-Id", id);
      } catch {
        c.header("X-Request-Id", id); // immutable headers (a proxied fetch response): copied
      }
    }
    return undefined;
  }

  private async guard(c: Context, res: Response): Promise<undefined> {
    const text = await bodyText(res);
    // Hono keeps the error its (or the app's) onError turned into this response in c.error.
    const answer = this.pipeline.guard(res.status, text, this.contextOf(c), c.error);
    c.res = settle(c, answerResponse(answer, c.req.method));
    return undefined;
  }

  /** The route middleware: auth, then the body, then validation, then the handler. */
  private async run(c: Context, next: Next, prepared: PreparedRoute): Promise<Response | undefined> {
    const id = c.get("requestId") as string | undefined;
    if (id === undefined) {
      throw new Error("api-error-codes: call apiErrorCodes(app) right after new Hono(), before any route");
    }
    const outcome = await this.pipeline.check(
      prepared,
      new HonoPort(c.req.raw, c.env, c.req),
      id,
      c.req.param(),
    );
    if (outcome.kind === "answer") return settle(c, answerResponse(outcome, c.req.method));
    if (prepared.auth) c.set("principal", outcome.principal);
    const schema = prepared.contract.schema;
    if (schema?.body !== undefined) c.req.addValidatedData("json", outcome.body as object);
    if (schema?.query !== undefined) c.req.addValidatedData("query", outcome.query);
    if (schema?.params !== undefined) c.req.addValidatedData("param", outcome.params);
    if (schema?.headers !== undefined) c.req.addValidatedData("header", outcome.headers);
    await next();
  }

  private readonly onError: ErrorHandler = (error, c) => settle(c, this.respond(c, error));

  private readonly notFound: NotFoundHandler = (c) =>
    (c.get(OPTIONS) as Response | undefined) ??
    answerResponse(this.pipeline.notFound(this.contextOf(c)), c.req.method);
}

/** What {@link HonoApi.wrapFetch} decided for a request it passed on. */
const ENTERED = Symbol("api-error-codes.entered");
interface Carrier {
  [ENTERED]?: Exclude<ReturnType<Pipeline<PrincipalFields>["enter"]>, { kind: "answer" }>;
}

/** `app.fetch`, as far as the adapter wraps it. */
type FetchLike = (request: Request, ...rest: unknown[]) => Response | Promise<Response>;

/**
 * Makes a Hono app keep the contract. Call it right after `new Hono()`, before any route and before
 * other middleware (middleware registered earlier runs before the route decisions; put CORS there
 * if 405 answers must carry its headers).
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
  return new HonoApi<P>(app as unknown as Hono, options);
}
