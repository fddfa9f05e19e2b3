/**
 * The contract on Koa 2 and 3 with @koa/router: one call right after `new Koa()` installs a first
 * middleware that decides 404 / 405 + Allow / OPTIONS / 501 from the app's routers, catches what
 * the rest throws (`ctx.throw`, http-errors, anything) and guards error answers other middleware
 * made; `api.route(contract)` on a router route adds its auth, body and schemas.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { admit, unanswered } from "../../pipeline/front.js";
import { bodyTextOf } from "../../pipeline/node/guard.js";
import { tapRouteBody, writeAnswer } from "../../pipeline/node/port.js";
import { checkRequest, passedOf, stateOf } from "../../pipeline/node/state.js";
import { claimApp } from "../../pipeline/options.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { Answer } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import { StackScan } from "../../pipeline/stacks.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { requestId } from "../../response.js";

export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
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
  stack: readonly RouterLayer[];
}
interface RouterLayer {
  path: string | RegExp;
  methods: readonly string[];
  stack: readonly unknown[];
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
  /** The app's middleware list, and the stack of each router mounted in it, read as they grow. */
  private readonly scan = new StackScan<unknown>((item, _prefix, scan) => {
    const router = (item as { router?: RouterLike }).router;
    if (router !== undefined && Array.isArray(router.stack)) return scan.watch(router.stack);
    const layer = item as Partial<RouterLayer>;
    // `router.use()` layers (no methods) are middleware; RegExp paths have no template.
    if (!Array.isArray(layer.methods) || layer.methods.length === 0 || typeof layer.path !== "string") return;
    let prepared: PreparedRoute | undefined;
    for (const step of layer.stack ?? []) prepared ??= this.prepared.get(step as object);
    for (const method of layer.methods)
      if (method !== "HEAD") this.pipeline.adopt(method, layer.path, prepared);
  });

  constructor(app: KoaLike, options: KoaApiOptions<P>) {
    this.pipeline = new Pipeline(options, "api-error-codes/koa");
    claimApp(app, "api-error-codes/koa");
    app.use(this.first);
    this.scan.watch(app.middleware);
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

  private readonly first: KoaMiddleware = async (ctx, next) => {
    const state = stateOf(ctx.req);
    const port = state.port;
    try {
      // Routers may be mounted, and get routes, after the first request.
      if (this.scan.stale()) this.scan.sync();
      const admitted = await admit(this.pipeline, port, state);
      if (admitted.kind === "answer") return send(ctx, admitted);
      ctx.set("X-Request-Id", admitted.requestId);
      // An api.route() route reads the body itself, unless the app's body parser gets there first.
      if (admitted.kind === "routed") tapRouteBody(ctx.req, port, admitted.route, this.pipeline);
      // A JSON body read by the app's own parser, checked by admit() (koa-bodyparser skips a request whose body is set).
      else if (admitted.kind === "pass") (ctx.request as { body?: unknown }).body = admitted.body;
      await next();
      if (state.answered || ctx.respond === false) return;
      // Nobody answered: the preflight the app's CORS middleware left alone, or 404.
      if (ctx.status === 404 && ctx.body == null)
        return send(ctx, unanswered(this.pipeline, admitted, state));
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
