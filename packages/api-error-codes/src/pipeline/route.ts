/**
 * What a route demands of a request before its handler runs, and the same compiled once.
 */
import type { RequestCheck, RequestSchema, RouteSchemas } from "../validation/schema.js";

/** What a route demands of a request before its handler runs. */
export interface RouteContract {
  /** Require a valid token; `{ roles }` (any of them) / `{ scopes }` (all of them) also, or 9. */
  auth?: boolean | { roles?: readonly string[]; scopes?: readonly string[] };
  /** JSON Schema (TypeBox), zod or Standard Schema, per part of the request. */
  schema?: RouteSchemas;
}

/** A route's contract as the pipeline keeps it: validators compiled once. */
export interface PreparedRoute {
  readonly contract: RouteContract;
  /** Whether the route demands authentication at all. */
  readonly auth: boolean;
  /** `undefined` when the route has no schema. */
  readonly check: RequestCheck | undefined;
}

/**
 * A contract from what a framework's route options hold, where any part may be missing
 * (`undefined`): the contract states only the parts that are there, and no schema without one.
 * @example
 * pipeline.prepare(contractOf(route.config?.auth, { body: route.schema?.body }), "POST /orders");
 */
export function contractOf(
  auth: RouteContract["auth"] | undefined,
  parts: { readonly [K in keyof RouteSchemas]?: RequestSchema | undefined },
): RouteContract {
  const schema: RouteSchemas = {};
  for (const name of ["body", "query", "params", "headers"] as const) {
    const part = parts[name];
    if (part !== undefined) schema[name] = part;
  }
  return { ...(auth === undefined ? {} : { auth }), ...(Object.keys(schema).length === 0 ? {} : { schema }) };
}
