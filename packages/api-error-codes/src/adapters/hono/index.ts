/**
 * The contract on Hono 4, on any runtime (only web `Request`/`Response` are used). One call after
 * `new Hono()` installs a first middleware deciding 405 / OPTIONS / 501 from the app's routes before
 * anything else runs, and `onError` and `notFound`: every error (thrown, `HTTPException`, an error
 * response a middleware returned) ends in the contract's answer. `api.route()` adds a route's auth,
 * body and schemas, read typed through `c.req.valid(...)` and `c.get("principal")`.
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
import { bridgeError, type NodeBindings, stampRequestId } from "../../pipeline/web/bridge.js";
import { enteredOf, type FetchLike, frontDoor } from "../../pipeline/web/front.js";
import { bodyText, replacing } from "../../pipeline/web/guard.js";
import { targetOf, toResponse, WebPort } from "../../pipeline/web/port.js";
import { requestId } from "../../response.js";
import type { HonoApiOptions, RouteMiddleware } from "./types.js";

// Node only, and imported by nothing else here: the adapter itself runs on any runtime.
export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";
// Hooks for @hono/zod-validator (and zod-openapi's defaultHook) and @hono/standard-validator.
export { validatorHook as standardHook, validatorHook as zodHook } from "../../validation/foreign.js";
export type {
  ApiVariables,
  HonoApiOptions,
  RouteInputParts,
  RouteMiddleware,
  RouteVariables,
  SchemaOutput,
  ValidatedParts,
} from "./types.js";

/** An OPTIONS answer the first middleware decided, which the app's CORS middleware may give instead. */
const OPTIONS = "apiErrorCodes.options";
/** The contract's own answers, which the first middleware need not inspect on their way out. */
const ANSWERS = new WeakSet<Response>();
/** Every `api.route()` middleware's contract: for the table, and to refuse one given to `app.use()`. */
const ROUTE_MIDDLEWARE = new WeakMap<object, PreparedRoute>();
/** Hono's name of each validated part, for `c.req.valid(...)`. */
const TARGETS = [
  ["body", "json"],
  ["query", "query"],
  ["params", "param"],
  ["headers", "header"],
] as const;

/**
 * The answer as a Response. Its length is left to the server (@hono/node-server 1.19.10 and older
 * would send two) but for HEAD: Hono answers it from the GET response without the body.
 */
function answerResponse(answer: Parameters<typeof toResponse>[0], method?: string): Response {
  const response = toResponse(answer, method === "HEAD");
  ANSWERS.add(response);
  return response;
}

/** An error answer replacing a response already made, keeping what {@link replacing} keeps. */
function settle(c: Context, response: Response): Response {
  if (!c.finalized) return response;
  replacing(c.res, response);
  // Without this Hono would copy the replaced response's headers over the answer's own.
  c.res = undefined;
  return response;
}

/** The port of one request; once Hono runs (`hono` given), the body it reads is given back to Hono. */
class HonoPort extends WebPort {
  constructor(
    request: Request,
    env: unknown,
    private readonly hono?: Context["req"],
  ) {
    super(request, { env });
  }

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
  /** The framework-free pipeline behind the app. */
  readonly pipeline: Pipeline<P>;
  private readonly scan = new StackScan<RouterRoute>((entry) => this.read(entry));
  /** Routes the table cannot express (wildcards, regexes, optional parameters, `app.all`): Hono decides. */
  private readonly foreign = new Set<RouterRoute>();
  /** Whether nothing but our first middleware runs for every path, so nothing else serves an unknown one. */
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
    // The front door decides only while our first middleware is the app's first route entry.
    const onTop = app.routes.length === 0;
    claimApp(app, "api-error-codes/hono");
    app.use(this.first as MiddlewareHandler);
    app.fetch = frontDoor(this.pipeline, app.fetch as FetchLike, {
      decides: () => {
        if (onTop && this.scan.stale()) this.scan.sync();
        return onTop && this.foreign.size === 0;
      },
      alone: () => this.alone,
      port: (request, env) => new HonoPort(request, env),
      respond: (answer) => answerResponse(answer),
    }) as typeof app.fetch;
    app.onError(this.onError);
    app.notFound(this.notFound);
  }

  /**
   * A route's contract, as a middleware before its handler: auth (6/7/8/9), the JSON body
   * (415/413/3/4), then the schemas (3/5/4).
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
   * Reads the app's new routes into the route table. It runs by itself when the app has more routes
   * than last seen; called after the routes, a bad route or schema fails at startup.
   * @example
   * api.sync();
   */
  sync(): void {
    this.scan.sync();
  }

  /** One entry of `app.routes`: a route for the table, or a sign that Hono decides some paths. */
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
   * The contract's answer for anything thrown, for code that catches errors itself.
   * @example
   * try { await work(); } catch (error) { return api.respond(c, error); }
   */
  respond(c: Context, thrown: unknown): Response {
    return answerResponse(this.pipeline.fail(thrown, this.contextOf(c)), c.req.method);
  }

  /**
   * The answer for an error raised before the app runs: @hono/node-server answers a target no
   * `Request` can hold with an empty 400 unless `getRequestListener` gets this as `errorHandler`.
   * @example
   * const listener = getRequestListener(app.fetch, { errorHandler: api.requestError });
   * protectServer(http.createServer(listener)).listen(3000);
   */
  readonly requestError = (error: unknown): Response => answerResponse(bridgeError(this.pipeline, error));

  /** Where an error of this request happened: built only when one does. */
  private contextOf(c: Context): ErrorContext {
    const raw = c.req.raw;
    // Without an id, it failed in middleware added before ours.
    const id = (c.get("requestId") as string | undefined) ?? requestId(raw.headers.get("x-request-id"));
    return { requestId: id, method: raw.method, target: targetOf(raw.url), port: c.req };
  }

  // The first middleware: route decisions, request id, the guard on what comes back. Not async: a
  // refusal costs no promise, a request that goes on one `then`.
  private readonly first = (c: Context, next: Next): Response | undefined | Promise<Response | undefined> => {
    const raw = c.req.raw;
    const carried = enteredOf(raw);
    const port = carried === undefined ? new HonoPort(raw, c.env, c.req) : undefined;
    const id = carried?.requestId ?? requestId(port?.header("x-request-id"));
    c.set("requestId", id);
    // On node the id goes with node's writeHead; elsewhere onto the web response, once it exists.
    const outgoing = (c.env as NodeBindings | undefined)?.outgoing;
    const direct = typeof outgoing?.writeHead === "function";
    try {
      if (this.scan.stale()) this.scan.sync();
      const entered = carried ?? this.pipeline.enter(port as HonoPort, id);
      if (entered.kind === "answer") return answerResponse(entered, raw.method);
      if (entered.kind === "preflight") c.set(OPTIONS, answerResponse(entered.answer, raw.method));
      if (direct) stampRequestId(outgoing as NonNullable<NodeBindings["outgoing"]>, id);
      else c.header("X-Request-Id", id);
      // A JSON body on a route without api.route() (c.req.json(), a zod validator) is checked here;
      // Hono keeps the bytes for the handler. No port for what ownBody would decline.
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

  private after(c: Context, id: string, direct: boolean): undefined | Promise<undefined> {
    const res = c.res;
    // An error response made outside the pipeline (the app's own onError or notFound, a sub-app's,
    // one a middleware returned) is judged by its body.
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
    // c.error: what an onError turned into this response.
    const answer = this.pipeline.guard(res.status, text, this.contextOf(c), c.error);
    c.res = settle(c, answerResponse(answer, c.req.method));
    return undefined;
  }

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
    for (const [part, target] of TARGETS)
      if (prepared.contract.schema?.[part] !== undefined)
        c.req.addValidatedData(target, outcome[part] as object);
    await next();
  }

  private readonly onError: ErrorHandler = (error, c) => settle(c, this.respond(c, error));

  private readonly notFound: NotFoundHandler = (c) =>
    (c.get(OPTIONS) as Response | undefined) ??
    answerResponse(this.pipeline.notFound(this.contextOf(c)), c.req.method);
}

/**
 * Makes a Hono app keep the contract. Call it right after `new Hono()`, before routes and other
 * middleware (what is registered earlier runs first: CORS there puts its headers on 405 answers).
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
