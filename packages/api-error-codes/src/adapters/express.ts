/**
 * The contract on Express 5. One call after `express()` takes over the app's dispatch: the route
 * table answers 404 / 405 / OPTIONS / 501 before any middleware runs, and every error (thrown,
 * rejected, `next(err)`, body-parser's, an unmatched request) ends in the contract's JSON answer
 * instead of Express's HTML page.
 * @example
 * import express from "express";
 * import { apiErrorCodes } from "api-error-codes/express";
 * const app = express();
 * const api = apiErrorCodes(app, { auth: { lookup: findSession } });
 * app.post("/orders", api.route({ auth: true, schema: { body: Order } }), (req, res) => {
 *   const { body, principal } = api.context(req);
 *   res.status(201).json(createOrder(body, principal));
 * });
 * app.listen(3000);
 */
import { type IncomingMessage, METHODS, type Server, type ServerResponse } from "node:http";
import type { Express, NextFunction, Request, RequestHandler, Response } from "express";
import { ApiError, isApiError } from "../api-error.js";
import type { Principal, PrincipalFields } from "../auth.js";
import { Contract, type ContractOptions, type PreparedRoute, type RouteContract } from "../contract.js";
import { parseQuery } from "../query.js";
import { requestId } from "../response.js";
import { credentialHeaders, type ProtectOptions, protectServer, readBody, sendError } from "./node-http.js";

export type { RouteContract } from "../contract.js";
export { notRealized } from "../routes.js";
export { clientErrorResponse, type ProtectOptions, protectServer } from "./node-http.js";

export interface ExpressApiOptions<P extends PrincipalFields = Principal> extends ContractOptions<P> {
  /**
   * `app.listen()` returns a server made to answer malformed HTTP with the contract
   * ({@link protectServer}, with these timeouts). `false` leaves the server as Express makes it.
   */
  protect?: ProtectOptions | false;
}

/** What a handler of an `api.route()` route reaches through `api.context(req)`. */
export interface ExpressContext<P extends PrincipalFields = Principal> {
  requestId: string;
  /** The authenticated principal on routes with `auth`; `undefined` elsewhere. */
  principal: P | undefined;
  /** Path parameters, converted to their declared types. */
  params: Record<string, unknown>;
  /** Query parameters (repeated ones as arrays), converted to their declared types. */
  query: Record<string, unknown>;
  /** Request headers (lower-case names), declared ones converted. */
  headers: Record<string, unknown>;
  /** The checked JSON body; `undefined` when the request has none. */
  body: unknown;
}

/** The per-route middleware, tagged so that the route scan finds the contract it carries. */
const ROUTE_CONTRACT = Symbol("api-error-codes.route-contract");
const REQUEST_ID = Symbol("api-error-codes.request-id");
const CONTEXT = Symbol("api-error-codes.context");
const ADAPTED = Symbol("api-error-codes.adapted");

type Tagged = RequestHandler & { [ROUTE_CONTRACT]?: RouteContract };
type Req = IncomingMessage & {
  [REQUEST_ID]?: string;
  [CONTEXT]?: ExpressContext<PrincipalFields>;
  route?: unknown;
  params?: Record<string, unknown>;
  body?: unknown;
};

/** The parts of Express's router this adapter reads (router 2.x, as Express 5 ships it). */
interface RouteLike {
  path: unknown;
  methods: Record<string, unknown>;
  stack: readonly { method?: string | undefined; handle: unknown }[];
}
interface LayerLike {
  route?: RouteLike | undefined;
  handle: unknown;
  rawPath?: unknown;
  name?: string;
}
interface RouterLike {
  stack: readonly LayerLike[];
}
interface AppInternals {
  router: RouterLike;
  handle(req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void): void;
  listen(...args: unknown[]): Server;
  [ADAPTED]?: true;
}

/** A router whose layers have been read up to `seen`; `prefix` is where it is mounted. */
interface Mount {
  router: RouterLike;
  prefix: string;
  seen: number;
}

function isRouter(handle: unknown): handle is RouterLike {
  return typeof handle === "function" && Array.isArray((handle as { stack?: unknown }).stack);
}

function joinPath(prefix: string, path: string): string {
  if (prefix === "") return path;
  return path === "/" ? prefix : prefix + path;
}

/**
 * Keeps the contract's route table in step with the app's router: layers are read when the router
 * grows (checked per request by length, so routes added late still count), including routers
 * mounted with `app.use(path, router)`.
 */
class RouteScan<P extends PrincipalFields> {
  private readonly mounts: Mount[];
  /** Express's Route object -> method -> the contract compiled for it. */
  private readonly byRoute = new WeakMap<object, Map<string, PreparedRoute>>();

  constructor(
    private readonly contract: Contract<P>,
    root: RouterLike,
  ) {
    this.mounts = [{ router: root, prefix: "", seen: 0 }];
  }

  stale(): boolean {
    for (const mount of this.mounts) if (mount.router.stack.length !== mount.seen) return true;
    return false;
  }

  sync(): void {
    // `mounts` grows while scanning when a layer turns out to be a router.
    for (let i = 0; i < this.mounts.length; i++) {
      const mount = this.mounts[i] as Mount;
      const stack = mount.router.stack;
      if (stack.length < mount.seen) mount.seen = stack.length;
      // Advance only past layers that registered: a bad path keeps failing loudly, not 404ing.
      while (mount.seen < stack.length) {
        this.add(mount, stack[mount.seen] as LayerLike);
        mount.seen++;
      }
    }
  }

  /** The contract of the route Express is dispatching (HEAD falls back to GET as in Express). */
  preparedFor(req: Req): PreparedRoute | undefined {
    const route = req.route;
    const byMethod = typeof route === "object" && route !== null ? this.byRoute.get(route) : undefined;
    if (byMethod === undefined) return undefined;
    const method = req.method ?? "GET";
    return byMethod.get(method) ?? (method === "HEAD" ? byMethod.get("GET") : undefined);
  }

  private add(mount: Mount, layer: LayerLike): void {
    if (layer.route !== undefined) {
      this.addRoute(mount.prefix, layer.route);
      return;
    }
    const handle = layer.handle;
    if (isRouter(handle)) {
      const path = typeof layer.rawPath === "string" ? layer.rawPath.replace(/\/+$/, "") : undefined;
      if (path === undefined)
        throw new TypeError("api-error-codes/express: a router mounted on a non-string path");
      this.mounts.push({ router: handle, prefix: joinPath(mount.prefix, path), seen: 0 });
    } else if (typeof handle === "function" && (handle as Tagged)[ROUTE_CONTRACT] !== undefined) {
      throw new TypeError(
        "api-error-codes/express: api.route() goes in a route (app.get/post/...), not app.use()",
      );
    } else if (layer.name === "mounted_app") {
      // Its routes are out of sight: every request to them would be answered 404.
      throw new TypeError("api-error-codes/express: mount an express.Router(), not a second express app");
    }
  }

  private addRoute(prefix: string, route: RouteLike): void {
    const tagged = new Map<string | undefined, RouteContract>();
    for (const layer of route.stack) {
      const contract = (layer.handle as Tagged)[ROUTE_CONTRACT];
      if (contract !== undefined) tagged.set(layer.method?.toUpperCase(), contract);
    }
    const methods: string[] = [];
    for (const name of Object.keys(route.methods)) {
      if (name === "_all") methods.push(...METHODS);
      else methods.push(name.toUpperCase());
    }
    const paths: unknown[] = Array.isArray(route.path)
      ? route.path.flat(Number.POSITIVE_INFINITY)
      : [route.path];
    const byMethod = this.byRoute.get(route) ?? new Map<string, PreparedRoute>();
    for (const path of paths) {
      if (typeof path !== "string") {
        throw new TypeError(`api-error-codes/express: route path ${String(path)} is not a string`);
      }
      const template = joinPath(prefix, path);
      for (const method of methods) {
        let prepared: PreparedRoute;
        try {
          prepared = this.contract.route(method, template, tagged.get(method) ?? tagged.get(undefined) ?? {});
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new TypeError(`api-error-codes/express: ${method} ${template}: ${reason}`, { cause: error });
        }
        if (!byMethod.has(method)) byMethod.set(method, prepared);
      }
    }
    this.byRoute.set(route, byMethod);
  }
}

/** Query parameters from the request target; a repeated name becomes an array, as in every adapter. */
const pathOf = (url: string): string => {
  const mark = url.indexOf("?");
  return mark === -1 ? url : url.slice(0, mark);
};

/** The adapter for one Express app; made by {@link apiErrorCodes}. */
export class ExpressApi<P extends PrincipalFields = Principal> {
  readonly contract: Contract<P>;
  private readonly scan: RouteScan<P>;

  constructor(app: Express, options: ExpressApiOptions<P> = {}) {
    const internals = app as unknown as AppInternals;
    if (internals[ADAPTED] === true)
      throw new TypeError("api-error-codes/express: this app is already adapted");
    internals[ADAPTED] = true;
    const { protect = {}, ...contractOptions } = options;
    this.contract = new Contract(contractOptions);
    this.scan = new RouteScan(this.contract, internals.router);
    this.takeOver(internals, protect);
  }

  /**
   * The middleware that declares a route's contract; put it first among the route's handlers. It
   * authenticates (6/7/8/9) before it reads the body (415/413 before a byte, then the hardened
   * parse), validates params, query, headers and body (3/5/4), and leaves the result for
   * {@link ExpressApi.context}.
   * @example
   * app.get("/orders/:id", api.route({ schema: { params: IdParams } }), (req, res) => {
   *   res.json(findOrder(api.context(req).params.id));
   * });
   */
  route(contract: RouteContract = {}): RequestHandler {
    const middleware: Tagged = (req: Request, _res: Response, next: NextFunction) =>
      this.enter(req as IncomingMessage as Req, next);
    middleware[ROUTE_CONTRACT] = contract;
    return middleware;
  }

  /**
   * The principal and the validated, converted request parts of an `api.route()` route.
   * @example
   * const { principal, body } = api.context(req);
   */
  context(req: IncomingMessage): ExpressContext<P> {
    const context = (req as Req)[CONTEXT];
    if (context === undefined) {
      throw new TypeError("api.context(req) is only available after the route's api.route() middleware");
    }
    return context as ExpressContext<P>;
  }

  /**
   * Adds the routes registered so far to the route table now, and throws for a route path it cannot
   * hold (wildcards, optional groups, RegExps). Otherwise this happens on `app.listen()` and, for
   * routes added later, on the next request.
   * @example
   * api.sync(); // at startup, when serving with http.createServer(app)
   */
  sync(): void {
    this.scan.sync();
  }

  /** What `api.route()` does per request; returns a promise only when it must wait. */
  private enter(req: Req, next: NextFunction): Promise<void> | undefined {
    const route = this.scan.preparedFor(req);
    if (route === undefined) {
      throw new TypeError(
        "api.route() found no route for this request: it goes in app.get/post/... of this app",
      );
    }
    const auth = route.contract.auth;
    // Only an asynchronous token lookup and body reading wait: a route needing neither (most GETs),
    // and a request refused for its token, cost no promise.
    if (auth === undefined || auth === false) return this.admitted(req, route, undefined, next);
    const found = this.contract.admit(route, credentialHeaders(req, this.contract.authHeader));
    if (found instanceof Promise)
      return found.then((principal) => this.admitted(req, route, principal, next));
    if (isApiError<number>(found)) {
      // Handed on rather than thrown: a refused token costs no exception.
      next(found);
      return undefined;
    }
    return this.admitted(req, route, found, next);
  }

  /** After authentication: an anonymous request with a bad body is 6, not 3 or 415. */
  private admitted(
    req: Req,
    route: PreparedRoute,
    principal: P | undefined,
    next: NextFunction,
  ): Promise<void> | undefined {
    if (this.contract.expectBody(req.headers)) return this.withBody(req, route, principal, next);
    // A refusal goes to next(): the answer costs no exception.
    next(this.finish(req, route, principal, undefined));
    return undefined;
  }

  private async withBody(req: Req, route: PreparedRoute, principal: P | undefined, next: NextFunction) {
    const body = await this.readJson(req);
    next(this.finish(req, route, principal, body));
  }

  /**
   * The body, read under the limit and parsed by the hardened parser. When another body parser
   * (express.json/raw/text) already consumed the stream, its result goes through the same parser:
   * bytes and text fully; a parsed value re-serialized, which still catches depth, forbidden keys,
   * NUL characters and size, but no longer duplicate keys, invalid UTF-8 or huge numbers.
   */
  private async readJson(req: Req): Promise<unknown> {
    if (!req.readableEnded) return this.contract.parseBody(await readBody(req, this.contract.bodyLimit));
    const parsed = req.body;
    if (parsed === undefined) return undefined;
    if (parsed instanceof Uint8Array) return this.contract.parseBody(parsed);
    return this.contract.parseBody(Buffer.from(typeof parsed === "string" ? parsed : JSON.stringify(parsed)));
  }

  /** Validates and leaves the context for the handler; returns the refusal (3/5/4), if any. */
  private finish(
    req: Req,
    route: PreparedRoute,
    principal: P | undefined,
    body: unknown,
  ): ApiError<number> | undefined {
    const parts = this.contract.check(route, {
      body,
      query: parseQuery(req.url ?? "/"),
      params: req.params ?? {},
      headers: req.headers,
    });
    if (isApiError<number>(parts)) return parts;
    req[CONTEXT] = {
      requestId: req[REQUEST_ID] ?? requestId(req.headers["x-request-id"]),
      principal,
      params: parts.params ?? {},
      query: parts.query ?? {},
      headers: parts.headers ?? {},
      body: parts.body,
    };
    return undefined;
  }

  /**
   * Replaces the app's dispatch rather than adding a first middleware: the route table then decides
   * before anything the app registered, whatever the order of `app.use` calls, and Express's final
   * handler (finalhandler's HTML pages) is never reached, because every dispatch gets our callback.
   * Mounted in another app, this app still answers everything under its mount path itself: the
   * contract holds there whatever the parent does.
   */
  private takeOver(app: AppInternals, protect: ProtectOptions | false): void {
    const dispatch = app.handle;
    const contract = this.contract;
    const scan = this.scan;
    const answer = (req: Req, res: ServerResponse, thrown: unknown): void => {
      const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
      const context = { requestId: req[REQUEST_ID] ?? "", method: req.method ?? "GET", url };
      sendError(req, res, contract.fail(thrown, context));
    };
    app.handle = function handle(this: AppInternals, req: Req, res: ServerResponse): void {
      const id = req[REQUEST_ID] ?? requestId(req.headers["x-request-id"]);
      req[REQUEST_ID] = id;
      res.setHeader("X-Request-Id", id);
      try {
        if (scan.stale()) scan.sync();
        const resolved = contract.resolve(req.method ?? "GET", req.url ?? "/");
        if (resolved.kind === "options" && req.headers["access-control-request-method"] === undefined) {
          res.writeHead(204, resolved.headers).end();
        } else if (resolved.kind === "options") {
          // A CORS preflight belongs to the app's CORS middleware; 204 + Allow when none answers it.
          dispatch.call(this, req, res, (error?: unknown) => {
            if (error) answer(req, res, error);
            else if (!res.headersSent) res.writeHead(204, resolved.headers).end();
          });
        } else if (resolved.kind !== "match") {
          const url = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "/";
          sendError(req, res, contract.refuse(resolved, { requestId: id, method: req.method ?? "GET", url }));
        } else {
          dispatch.call(this, req, res, (error?: unknown) => {
            // Falsy is how the router says "no error" (`next()`, `next("router")`), as finalhandler reads it.
            if (error) answer(req, res, error);
            // The route exists, but its handlers passed the request on and nobody answered.
            else
              answer(
                req,
                res,
                ApiError.notExist({ method: req.method ?? "GET", path: pathOf(req.url ?? "/") }),
              );
          });
        }
      } catch (thrown) {
        answer(req, res, thrown);
      }
    };
    const listen = app.listen;
    app.listen = function listenProtected(this: AppInternals, ...args: unknown[]): Server {
      scan.sync();
      const server = listen.apply(this, args);
      return protect === false ? server : protectServer(server, protect);
    };
  }
}

/**
 * Makes an Express 5 app keep the contract; call it right after `express()`, before the routes.
 * @example
 * const app = express();
 * const api = apiErrorCodes(app, { auth: { lookup: findSession }, openapi: spec });
 * app.get("/me", api.route({ auth: true }), (req, res) => res.json(api.context(req).principal));
 */
export function apiErrorCodes<P extends PrincipalFields = Principal>(
  app: Express,
  options: ExpressApiOptions<P> = {},
): ExpressApi<P> {
  return new ExpressApi(app, options);
}
