/**
 * The contract on Express 4 and 5. One call after `express()` takes over the app's dispatch: 405 /
 * OPTIONS / 501 are answered from the route table before the middleware registered after the call
 * runs, a path nobody serves ends in 404 / 10, and every error (thrown, rejected, `next(err)`) in the
 * contract's JSON answer.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Express, NextFunction, Request, RequestHandler, Response } from "express";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { type Admitted, admit, unanswered } from "../../pipeline/front.js";
import { type Guard, guardResponse } from "../../pipeline/node/guard.js";
import { NodePort, tapRouteBody, writeAnswer } from "../../pipeline/node/port.js";
import { type ProtectOption, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
import { checkRequest, passedOf, type RequestState, stateOf } from "../../pipeline/node/state.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import { type Answer, isThenable, type Pass } from "../../pipeline/port.js";
import type { RouteContract } from "../../pipeline/route.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { requestId } from "../../response.js";
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

/** What this adapter uses of an Express app: `app.handle` dispatches every request. */
interface AppInternals {
  /** Express 5's router; Express 4 makes `_router` in `lazyrouter()`. */
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
  /** Judges an error answer made outside the pipeline. */
  private readonly guard: Guard;
  private readonly bodiesInRoutes: boolean;
  /** The app's own dispatch, which {@link ExpressApi.takeOver} replaced. */
  private readonly dispatch: AppInternals["handle"];

  /** `host`: a framework on Express (`api-error-codes/nest`) whose routes read their bodies after auth. */
  constructor(app: Express, options: ExpressApiOptions<P> = {}, host?: string) {
    const internals = app as unknown as AppInternals;
    this.dispatch = internals.handle.bind(internals);
    const name = host ?? "api-error-codes/express";
    this.pipeline = new Pipeline(options, name);
    this.bodiesInRoutes = host !== undefined;
    claimApp(app, name);
    internals.lazyrouter?.();
    // Express 4's `router` getter throws: its router is `_router`.
    const router = internals._router ?? internals.router;
    this.guard = (req, status, text, thrown) =>
      this.pipeline.guard(status, text, stateOf(req, (req as Req).originalUrl), thrown);
    this.scan = scanRoutes(this.pipeline, router, this.guard);
    // Middleware the app registered before this call (beyond Express 4's own two) runs first: the
    // route decisions are then a middleware after it. Otherwise they come before Express's dispatch.
    const front = ((router as { stack?: unknown[] }).stack?.length ?? 0) > (internals.lazyrouter ? 2 : 0);
    if (front) app.use(this.decide as RequestHandler);
    this.takeOver(internals, options.protect ?? {}, front);
  }

  /**
   * A route's contract, as its first handler: auth (6/7/8/9), the body (415/413/3/4), the schemas
   * (3/5/4), the result left for {@link ExpressApi.context}. Given a handler, it returns both, the
   * handler receiving the typed context.
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
      // The whole path (`originalUrl`), below a mount point too.
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
   * Adds the routes registered so far to the route table now, rather than on `app.listen()` or the next request.
   * @example
   * api.sync(); // at startup, when serving with http.createServer(app)
   */
  sync(): void {
    this.scan.sync();
  }

  /**
   * Replaces the app's dispatch: the route decisions come first (unless middleware registered
   * before `apiErrorCodes(app)` must run before them), and Express's final handler (HTML pages) is
   * never reached, because every dispatch gets our callback.
   */
  private takeOver(app: AppInternals, protect: ProtectOptions | false, front: boolean): void {
    const scan = this.scan;
    app.handle = (req: Req, res: ServerResponse): void => {
      const port = new NodePort(req);
      const context = stateOf(req, req.originalUrl, port);
      if (!front) this.decide(req, res);
      else {
        context.requestId = requestId(port.header("x-request-id"));
        this.run(req, res, context);
      }
    };
    const listen = app.listen;
    app.listen = function listenProtected(this: AppInternals, ...args: unknown[]): Server {
      scan.sync();
      const server = listen.apply(this, args);
      return protect === false ? server : protectServer(server, protect);
    };
  }

  /** The app's dispatch of a request with its id, and the answer when the app gives none. */
  private run(req: Req, res: ServerResponse, context: RequestState): void {
    res.setHeader("X-Request-Id", context.requestId);
    // Whatever the app sends for a status >= 400 is judged when it ends (a handler's HTML 500, a rate limiter's text 429).
    guardResponse(req, res, this.guard, undefined);
    this.dispatch(req, res, (error?: unknown) =>
      writeAnswer(req, res, unanswered(this.pipeline, context.admitted, context, error)),
    );
  }

  /**
   * The route decisions ({@link admit}): before Express's dispatch, or as the middleware after what
   * the app registered before `apiErrorCodes(app)` (CORS, a rate limiter), whose headers a 405 or
   * 400 answer then carries.
   */
  private readonly decide = (req: Req, res: ServerResponse, next?: () => void): void => {
    const context = stateOf(req);
    try {
      if (this.scan.stale()) this.scan.sync();
      const admitted = admit(this.pipeline, context.port, context, !this.bodiesInRoutes);
      if (isThenable(admitted))
        admitted.then(
          (outcome) => this.onward(req, res, outcome, next),
          (thrown: unknown) => writeAnswer(req, res, this.pipeline.fail(thrown, context)),
        );
      else this.onward(req, res, admitted, next);
    } catch (thrown) {
      writeAnswer(req, res, this.pipeline.fail(thrown, context));
    }
  };

  /** Writes the refusal {@link admit} decided, or lets the app go on with what it let in. */
  private onward(req: Req, res: ServerResponse, admitted: Answer | Admitted<P>, next?: () => void): void {
    if (admitted.kind === "answer") {
      writeAnswer(req, res, admitted);
      return;
    }
    const context = stateOf(req);
    context.admitted = admitted as Admitted<PrincipalFields>;
    // An api.route() route reads the body itself, unless express.json() gets there first.
    if (admitted.kind === "routed") tapRouteBody(req, context.port, admitted.route, this.pipeline);
    // A JSON body checked by admit(), for express.json(): body-parser 2 skips a finished stream, 1 `_body`.
    else if (admitted.kind === "pass") Object.assign(req, { body: admitted.body, _body: true });
    if (next === undefined) this.run(req, res, context);
    else next();
  }
}

/**
 * Makes an Express app keep the contract; call it after `express()` and the middleware that must run
 * before the route decisions (CORS, a rate limiter), before the routes.
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
