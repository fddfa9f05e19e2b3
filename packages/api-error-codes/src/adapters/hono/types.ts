/**
 * Types of the Hono adapter: what `api.route()` tells Hono about a route, so that handlers get
 * `c.req.valid("json" | "query" | "param" | "header")` and `c.get("principal")` typed from the
 * route's contract, as Hono's own validators type them.
 */
import type { MiddlewareHandler } from "hono";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import type { PipelineOptions } from "../../pipeline/pipeline.js";
import type { RouteContract } from "../../pipeline/route.js";
import type { PrincipalOf, SchemaOutput } from "../../pipeline/types.js";

export type { SchemaOutput } from "../../pipeline/types.js";

type ParameterValues = Record<string, unknown>;
type SchemasOf<C> = C extends { readonly schema: infer S } ? S : object;
/** A parameter part's values: converted, or as sent (strings, `V`). */
type Values<X, V> = [V] extends [never]
  ? SchemaOutput<X, ParameterValues>
  : SchemaOutput<X, ParameterValues> extends infer O extends object
    ? { [K in keyof O]: V }
    : Record<string, V>;
type Parts<C, Query, Single> =
  SchemasOf<C> extends infer S
    ? (S extends { readonly body: infer X } ? { json: SchemaOutput<X> } : object) &
        (S extends { readonly query: infer X } ? { query: Values<X, Query> } : object) &
        (S extends { readonly params: infer X } ? { param: Values<X, Single> } : object) &
        (S extends { readonly headers: infer X } ? { header: Values<X, Single> } : object)
    : never;

/**
 * What `c.req.valid(...)` answers on a route: only the parts its contract has a schema for.
 * @example
 * type Parts = ValidatedParts<{ schema: { body: typeof NewOrder } }>; // { json: { item: string; ... } }
 */
export type ValidatedParts<C extends RouteContract> = Parts<C, never, never>;

/**
 * What a client sends for those parts (Hono's RPC client reads it): strings before conversion.
 * @example
 * type Sent = RouteInputParts<{ schema: { params: typeof OrderId } }>; // { param: { id: string } }
 */
export type RouteInputParts<C extends RouteContract> = Parts<C, string | string[], string>;

/**
 * The variables the adapter sets: `requestId` on every request, `principal` on routes with `auth`.
 * @example
 * const app = new Hono<{ Variables: ApiVariables<User> }>(); // typed outside api.route() handlers too
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
 * Options of `apiErrorCodes(app)`: the contract's own. `ignoreTrailingSlash` follows the app's
 * `strict: false` unless given; without a `logger`, runtimes lacking `process.stderr` log to the console.
 * @example
 * const options: HonoApiOptions<User> = { auth: { lookup: findSession }, openapi: spec, bodyLimit: 65_536 };
 */
export interface HonoApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}
