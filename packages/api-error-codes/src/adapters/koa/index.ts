/**
 * The contract on Koa 2 and 3 with @koa/router: one call right after `new Koa()` installs a first
 * middleware that decides 404 / 405 + Allow / OPTIONS / 501 from the app's routers, catches what
 * the rest throws (`ctx.throw`, http-errors, anything) and guards error answers other middleware
 * made; `api.route(contract)` on a router route adds its auth, body and schemas.
 * @example
 * const app = new Koa();
 * const api = apiErrorCodes(app, { auth: { lookup: findSession } });
 * const router = new Router();
 * router.post("/orders", api.route({ auth: true, schema: { body: Order } }), (ctx) => {
 *   ctx.status = 201;
 *   ctx.body = createOrder(api.context(ctx).body);
 * });
 * app.use(router.routes());
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodyTextOf } from "../../node/guard.js";
import { tapRouteBody, writeAnswer } from "../../node/port.js";
import { checkRequest, passedOf, stateOf } from "../../node/state.js";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { Answer } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { requestId } from "../../response.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../node/protect.js";
export * from "../../pipeline/public.js";

/** What the adapter uses of a Koa context (Koa 2 and 3 alike). */
export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  state: Record<string, unknown>;
  params?: Record<string, string> | undefined;
  status: number;
  body: unknown;
  respond?: boolean | undefined;
  /** Where body parsers (koa-bodyparser, @koa/bodyparser) leave `body`. */
  request: object;
  set(name: string, value: string): void;
}
type Next = () => Promise<unknown>;
export type KoaMiddleware = (ctx: KoaContext, next: Next) => Promise<void>;

/** What the adapter uses of a Koa app: its middleware list, read for mounted routers. */
interface KoaLike {
  use(middleware: KoaMiddleware): unknown;
  middleware: readonly unknown[];
}
/** What is read of @koa/router (13 to 15): `router.routes()` carries its router; layers are public. */
interface RouterLike {
  stack: readonly { path: string | RegExp; methods: readonly string[]; stack: readonly unknown[] }[];
}

export type KoaApiOptions<P extends PrincipalFields = Principal> = PipelineOptions<P>;

/** The contract's answer, written by node: Koa stays out (`ctx.respond = false`). */
function send(ctx: KoaContext, answer: Answer): void {
  stateOf(ctx.req).answered = true;
  ctx.respond = false;
  if (!ctx.res.headersSent) writeAnswer(ctx.req, ctx.res, answer);
}

export class KoaApi<P extends PrincipalFields = Principal> {
  readonly pipeline: Pipeline<P>;
  private readonly prepared = new WeakMap<object, PreparedRoute>();
  private readonly seen = new WeakMap<RouterLike, number>();

  constructor(
    private readonly app: KoaLike,
    options: KoaApiOptions<P>,
  ) {
    this.pipeline = new Pipeline(options, "api-error-codes/koa");
    claimApp(app, "api-error-codes/koa");
    app.use(this.first);
  }

  /**
   * The middleware that declares a route's contract; put it first among the route's middleware.
   * @example
   * router.get("/orders/:id", api.route({ schema: { params: IdParams } }), (ctx) => {
   *   ctx.body = findOrder(api.context(ctx).params.id);
   * });
   */
  route<const C extends RouteContract>(contract: C): KoaMiddleware {
    const prepared = this.pipeline.prepare(contract, "api-error-codes/koa: api.route()");
    const middleware: KoaMiddleware = async (ctx, next) => {
      const state = stateOf(ctx.req);
      if (state.requestId === "")
        throw new Error("api-error-codes/koa: call apiErrorCodes(app) before app.use(router.routes())");
      const outcome = await checkRequest(this.pipeline, ctx.req, prepared, ctx.params);
      if (outcome.kind === "answer") return send(ctx, outcome);
      (ctx.request as { body?: unknown }).body = outcome.body;
      await next();
    };
    this.prepared.set(middleware, prepared);
    return middleware;
  }

  /**
   * The principal and the validated, converted request parts of an `api.route()` route.
   * @example
   * const { principal, body } = api.context<typeof contract>(ctx);
   */
  context<C extends RouteContract = RouteContract>(ctx: KoaContext): ValidatedRequest<P, C> {
    return passedOf(ctx.req, "api.context(ctx)") as unknown as ValidatedRequest<P, C>;
  }

  /** Routes of the routers mounted so far (and added to them since) go into the route table. */
  private sync(): void {
    for (const item of this.app.middleware) {
      const router = (item as { router?: RouterLike }).router;
      if (router === undefined || !Array.isArray(router.stack)) continue;
      const stack = router.stack;
      const from = this.seen.get(router) ?? 0;
      if (from === stack.length) continue;
      for (const layer of stack.slice(from)) {
        // `router.use()` layers (no methods) are middleware; RegExp paths have no template.
        if (layer.methods.length === 0 || typeof layer.path !== "string") continue;
        let prepared: PreparedRoute | undefined;
        for (const step of layer.stack) prepared ??= this.prepared.get(step as object);
        for (const method of layer.methods) {
          if (method === "HEAD") continue;
          this.pipeline.adopt(method, layer.path, prepared);
        }
      }
      this.seen.set(router, stack.length);
    }
  }

  private readonly first: KoaMiddleware = async (ctx, next) => {
    const state = stateOf(ctx.req);
    const port = state.port;
    try {
      // Routers may be mounted, and get routes, after the first request: each router's count is kept.
      this.sync();
      const entered = this.pipeline.enter(port);
      if (entered.kind === "answer") return send(ctx, entered);
      state.requestId = entered.requestId;
      ctx.set("X-Request-Id", entered.requestId);
      // @koa/router would serve `/ITEMS` or `/items/` as `/items`; the contract's routes are exact.
      if (entered.kind === "unrouted" && this.pipeline.table.isLooseVariant(port.method, port.target)) {
        return send(ctx, this.pipeline.notFound(state));
      }
      // An api.route() route reads the body itself, unless the app's body parser gets there first.
      if (entered.kind === "routed") tapRouteBody(ctx.req, port, entered.route, this.pipeline);
      // A JSON body read by the app's own parser (koa-bodyparser skips a request whose body is set).
      const own = await this.pipeline.ownBody(entered, port);
      if (own?.kind === "answer") return send(ctx, own);
      if (own !== undefined) (ctx.request as { body?: unknown }).body = own.body;
      await next();
      if (state.answered || ctx.respond === false) return;
      if (ctx.status === 404 && ctx.body == null) {
        // Nobody answered: the preflight the app's CORS middleware left alone, or 404.
        return send(ctx, entered.kind === "preflight" ? entered.answer : this.pipeline.notFound(state));
      }
      if (ctx.status >= 400) send(ctx, this.pipeline.guard(ctx.status, bodyTextOf(ctx.body), state));
    } catch (thrown) {
      // Before routing (a route mistake found in sync): a fresh request id.
      state.requestId ||= requestId(undefined);
      send(ctx, this.pipeline.fail(thrown, state));
    }
  };
}

/**
 * Makes a Koa app keep the contract; call it right after `new Koa()`, before other middleware and
 * before `app.use(router.routes())`.
 * @example
 * const app = new Koa();
 * const api = apiErrorCodes(app, { auth: { lookup }, openapi: spec });
 */
export function apiErrorCodes<P extends PrincipalFields = Principal>(
  app: object,
  options: KoaApiOptions<P> = {},
): KoaApi<P> {
  return new KoaApi<P>(app as KoaLike, options);
}
