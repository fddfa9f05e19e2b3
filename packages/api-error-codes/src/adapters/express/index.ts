/**
 * The contract on Express. One call after `express()` takes over the app's dispatch: 405 / OPTIONS /
 * 501 are answered from the route table before any middleware runs; a path nobody serves (no route,
 * no static file, no mounted app) ends in 404 / 10; and every error (thrown, rejected, `next(err)`,
 * body-parser's) ends in the contract's JSON answer instead of Express's HTML page.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Express, NextFunction, Request, RequestHandler, Response } from "express";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { type Admitted, admit, unanswered } from "../../pipeline/front.js";
import { type Guard, guardResponse } from "../../pipeline/node/guard.js";
import { NodePort, tapRouteBody, writeAnswer } from "../../pipeline/node/port.js";
import { type ProtectOption, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
import { checkRequest, passedOf, stateOf } from "../../pipeline/node/state.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import { type Answer, isThenable, type Pass } from "../../pipeline/port.js";
import type { RouteContract } from "../../pipeline/route.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { PREPARED, scanRoutes, type Tagged } from "./routes.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";

/** The pipeline's options, and `protect` for the server `app.listen()` returns. */
export interface ExpressApiOptions<P extends PrincipalFields = Principal>
  extends PipelineOptions<P>,
    ProtectOption {}

/** What a handler of an `api.route()` route reaches through `api.context(req)`. */
export type ExpressContext<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> = ValidatedRequest<P, C>;

/** A route handler that receives its validated, typed context first. */
export type ContextHandler<P extends PrincipalFields, C extends RouteContract> = (
  context: ExpressContext<P, C>,
  req: Request,
  res: Response,
  next: NextFunction,
) => unknown;

type Req = IncomingMessage & { originalUrl?: string; params?: Record<string, unknown> };

/** What this adapter uses of an Express app (`app.handle` is how Express dispatches every request). */
interface AppInternals {
  /** Express 5's router; Express 4 makes `_router` in `lazyrouter()` (its `router` getter throws). */
  router: unknown;
  _router?: unknown;
  lazyrouter?: () => void;
  handle(req: IncomingMessage, res: ServerResponse, callback?: (error?: unknown) => void): void;
  listen(...args: unknown[]): Server;
}

/** The adapter for one Express app; made by {@link apiErrorCodes}. */
export class ExpressApi<P extends PrincipalFields = Principal> {
  readonly pipeline: Pipeline<P>;
  private readonly scan: ReturnType<typeof scanRoutes>;
  /** Judges an error answer made outside the pipeline (a handler's, a middleware's, an error handler's). */
  private readonly guard: Guard;
  private readonly bodiesInRoutes: boolean;
  private readonly app: AppInternals;
  /** The app's own dispatch, which {@link ExpressApi.takeOver} replaced. */
  private readonly dispatch: AppInternals["handle"];

  /**
   * `host` is set by an adapter for a framework on top of Express (`api-error-codes/nest`): its
   * routes read their bodies themselves, after authentication, so none is read before dispatch.
   */
  constructor(app: Express, options: ExpressApiOptions<P> = {}, host?: string) {
    const internals = app as unknown as AppInternals;
    this.app = internals;
    this.dispatch = internals.handle;
    const { protect = {} } = options;
    const name = host ?? "api-error-codes/express";
    this.pipeline = new Pipeline(options, name);
    this.bodiesInRoutes = host !== undefined;
    claimApp(app, name);
    let router: unknown;
    if (typeof internals.lazyrouter === "function") {
      internals.lazyrouter();
      router = internals._router;
    } else router = internals.router;
    this.guard = (req, status, text, thrown) =>
      this.pipeline.guard(status, text, stateOf(req, (req as Req).originalUrl), thrown);
    this.scan = scanRoutes(this.pipeline, router, this.guard);
    this.takeOver(internals, protect);
  }

  /**
   * The middleware that declares a route's contract; put it first among the route's handlers. It
   * authenticates (6/7/8/9) before it reads the body (415/413 before a byte, then the hardened
   * parse), validates params, query, headers and body (3/5/4), and leaves the result for
   * {@link ExpressApi.context}. Given a handler, it returns both, the handler receiving the typed context.
   * @example
   * app.get("/orders/:id", api.route({ schema: { params: IdParams } }), (req, res) => {
   *   res.json(findOrder(api.context(req).params.id));
   * });
   * app.post("/orders", ...api.route({ schema: { body: Order } }, ({ body }, req, res) => res.json(body)));
   */
  route(contract?: RouteContract): RequestHandler;
  route<const C extends RouteContract>(
    contract: C,
    handler: ContextHandler<P, C>,
  ): [RequestHandler, RequestHandler];
  route<const C extends RouteContract>(
    contract: C = {} as C,
    handler?: ContextHandler<P, C>,
  ): RequestHandler | [RequestHandler, RequestHandler] {
    const prepared = this.pipeline.prepare(contract, "api-error-codes/express: api.route()");
    const middleware: Tagged = (req: Request, res: Response, next: NextFunction) => {
      const proceed = (done: Answer | Pass<P>): void =>
        done.kind === "answer" ? writeAnswer(req, res, done) : next();
      // Checked with the whole path (`originalUrl`), as its errors are logged, below a mount point too.
      const port = new NodePort(req, req.originalUrl);
      const outcome = checkRequest(this.pipeline, req, prepared, req.params, port);
      if (isThenable(outcome)) return outcome.then(proceed);
      proceed(outcome);
    };
    middleware[PREPARED] = prepared;
    if (handler === undefined) return middleware;
    return [
      middleware,
      (req, res, next) => handler(this.context(req) as ExpressContext<P, C>, req, res, next),
    ];
  }

  /**
   * The principal and the validated, converted request parts of an `api.route()` route.
   * @example
   * const { principal, body } = api.context(req);
   */
  context<C extends RouteContract = RouteContract>(req: IncomingMessage): ExpressContext<P, C> {
    return passedOf(req, "api.context(req)") as unknown as ExpressContext<P, C>;
  }

  /**
   * Adds the routes registered so far to the route table now. Otherwise this happens on
   * `app.listen()` and, for routes added later, on the next request.
   * @example
   * api.sync(); // at startup, when serving with http.createServer(app)
   */
  sync(): void {
    this.scan.sync();
  }

  /**
   * Replaces the app's dispatch rather than adding a first middleware: the route table then decides
   * before anything the app registered, whatever the order of `app.use` calls, and Express's final
   * handler (finalhandler's HTML pages) is never reached, because every dispatch gets our callback.
   */
  private takeOver(app: AppInternals, protect: ProtectOptions | false): void {
    const { pipeline, scan, bodiesInRoutes } = this;
    app.handle = (req: Req, res: ServerResponse): void => {
      // Routed by the path below the app's mount point (req.url), logged with the whole one.
      const port = new NodePort(req);
      const context = stateOf(req, req.originalUrl, port);
      try {
        if (scan.stale()) scan.sync();
        const admitted = admit(pipeline, port, context, !bodiesInRoutes);
        if (isThenable(admitted))
          admitted.then(
            (outcome) => this.onward(req, res, outcome),
            (thrown: unknown) => writeAnswer(req, res, pipeline.fail(thrown, context)),
          );
        else this.onward(req, res, admitted);
      } catch (thrown) {
        writeAnswer(req, res, pipeline.fail(thrown, context));
      }
    };
    const listen = app.listen;
    app.listen = function listenProtected(this: AppInternals, ...args: unknown[]): Server {
      scan.sync();
      const server = listen.apply(this, args);
      return protect === false ? server : protectServer(server, protect);
    };
  }

  /**
   * Gives the app a request {@link admit} let in. A path the table does not know may still be served
   * by middleware (static files, a mounted app) or by a route the table cannot express: the app gets
   * its chance, 404 when nobody answers.
   */
  private onward(req: Req, res: ServerResponse, admitted: Answer | Admitted<P>): void {
    if (admitted.kind === "answer") {
      writeAnswer(req, res, admitted);
      return;
    }
    res.setHeader("X-Request-Id", admitted.requestId);
    // Whatever the app sends for a status >= 400 is judged when it ends: a handler's
    // `res.status(500).send(html)`, a rate limiter's text 429, as much as its error handler's answer.
    guardResponse(req, res, this.guard, undefined);
    const context = stateOf(req);
    // An api.route() route reads the body itself, unless express.json() gets there first.
    if (admitted.kind === "routed") tapRouteBody(req, context.port, admitted.route, this.pipeline);
    // A JSON body read by express.json() or the app's own parser, checked by admit(): body-parser 2
    // skips a request whose stream is finished, body-parser 1 one with `_body`.
    else if (admitted.kind === "pass") Object.assign(req, { body: admitted.body, _body: true });
    this.dispatch.call(this.app, req, res, (error?: unknown) =>
      writeAnswer(req, res, unanswered(this.pipeline, admitted, context, error)),
    );
  }
}

/**
 * Makes an Express app keep the contract; call it right after `express()`, before the routes.
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
