/**
 * Types of the Hono adapter: what `api.route()` tells Hono about a route, so that handlers get
 * `c.req.valid("json" | "query" | "param" | "header")` and `c.get("principal")` typed from the
 * route's contract, the same way Hono's own validators type them.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import type { Pipeline, PipelineOptions } from "../../pipeline/pipeline.js";
import type { RouteContract } from "../../pipeline/route.js";
import type { PrincipalOf, SchemaOutput } from "../../pipeline/types.js";

export type { SchemaOutput } from "../../pipeline/types.js";

type ParameterValues = Record<string, unknown>;
type SchemasOf<C> = C extends { readonly schema: infer S } ? S : object;
type Strings<O, V> = O extends object ? { [K in keyof O]: V } : Record<string, V>;

/**
 * What `c.req.valid(...)` answers on a route: only the parts its contract has a schema for.
 * @example
 * type Parts = ValidatedParts<{ schema: { body: typeof NewOrder } }>; // { json: { item: string; ... } }
 */
export type ValidatedParts<C extends RouteContract> =
  SchemasOf<C> extends infer S
    ? (S extends { readonly body: infer X } ? { json: SchemaOutput<X> } : object) &
        (S extends { readonly query: infer X } ? { query: SchemaOutput<X, ParameterValues> } : object) &
        (S extends { readonly params: infer X } ? { param: SchemaOutput<X, ParameterValues> } : object) &
        (S extends { readonly headers: infer X } ? { header: SchemaOutput<X, ParameterValues> } : object)
    : never;

/**
 * What a client sends for those parts (Hono's RPC client reads it): strings before conversion.
 * @example
 * const OrderId = Type.Object({ id: Type.Integer() }); // TypeBox
 * type Sent = RouteInputParts<{ schema: { params: typeof OrderId } }>; // { param: { id: string } }
 */
export type RouteInputParts<C extends RouteContract> =
  SchemasOf<C> extends infer S
    ? (S extends { readonly body: infer X } ? { json: SchemaOutput<X> } : object) &
        (S extends { readonly query: infer X }
          ? { query: Strings<SchemaOutput<X, ParameterValues>, string | string[]> }
          : object) &
        (S extends { readonly params: infer X }
          ? { param: Strings<SchemaOutput<X, ParameterValues>, string> }
          : object) &
        (S extends { readonly headers: infer X }
          ? { header: Strings<SchemaOutput<X, ParameterValues>, string> }
          : object)
    : never;

/**
 * The variables the adapter sets: `requestId` on every request, `principal` on routes with `auth`.
 * Give them to the app's `Variables` to have them typed outside `api.route()` handlers too.
 * @example
 * const app = new Hono<{ Variables: ApiVariables<User> }>();
 */
export interface ApiVariables<P extends PrincipalFields = Principal> {
  requestId: string;
  principal: P | undefined;
}

/**
 * The variables of one route: `principal` is certain where the contract demands `auth`.
 * @example
 * type Vars = RouteVariables<User, { auth: true }>; // { requestId: string; principal: User }
 */
export type RouteVariables<P extends PrincipalFields, C extends RouteContract> = {
  requestId: string;
  principal: PrincipalOf<P, C>;
};

/**
 * The middleware `api.route()` returns, typed for the handler that follows it.
 * @example
 * const authed: RouteMiddleware<User, { auth: true }> = api.route({ auth: true });
 */
export type RouteMiddleware<P extends PrincipalFields, C extends RouteContract> = MiddlewareHandler<
  { Variables: RouteVariables<P, C> },
  string,
  { in: RouteInputParts<C>; out: ValidatedParts<C> }
>;

/**
 * Options of {@link HonoApi}: the contract's own. `ignoreTrailingSlash` follows the app's
 * `strict: false` unless given; without a `logger`, runtimes lacking `process.stderr` log to the console.
 * @example
 * const options: HonoApiOptions<User> = { auth: { lookup: findSession }, openapi: spec, bodyLimit: 65_536 };
 */
export interface HonoApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}

/**
 * What `apiErrorCodes(app)` returns.
 * @example
 * const api: HonoApi<User> = apiErrorCodes(app, { auth: { lookup: findSession } });
 */
export interface HonoApi<P extends PrincipalFields = Principal> {
  /** The framework-free pipeline behind the app (route table, auth, bodies, error answers). */
  readonly pipeline: Pipeline<P>;
  /**
   * The contract of one route, as a middleware placed before its handler: bearer auth (6/7/8/9),
   * then the JSON body (415/413/3/4), then schema validation (3/5/4).
   * @example
   * app.get("/orders/:id", api.route({ schema: { params: IdParams } }), (c) => c.json(find(c.req.valid("param").id)));
   */
  route<const C extends RouteContract>(contract: C): RouteMiddleware<P, C>;
  /**
   * Reads routes added to the app since the last call into the contract's route table. Runs by itself
   * when the app has more routes than last seen; call it once after defining the routes to compile
   * schemas at startup and have a bad route or schema fail there rather than on the first request.
   * @example
   * api.sync();
   */
  sync(): void;
  /**
   * The contract's answer for anything thrown, as a Response, for code that catches errors itself.
   * @example
   * try { await work(); } catch (error) { return api.respond(c, error); }
   */
  respond(c: Context, thrown: unknown): Response;
  /**
   * The contract's answer for an error raised before the app could run, for a server's error hook.
   * `@hono/node-server` answers a request it cannot turn into a `Request` (a backslash in the path,
   * a bad Host) with an empty 400; its `getRequestListener` takes this as `errorHandler` (`serve()`
   * has no such option). Its `RequestError` becomes 400 / 3, anything else 500 / 0.
   * @example
   * const listener = getRequestListener(app.fetch, { errorHandler: api.requestError });
   * protectServer(http.createServer(listener)).listen(3000);
   */
  readonly requestError: (error: unknown) => Response;
}
