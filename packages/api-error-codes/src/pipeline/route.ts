/**
 * What a route demands of a request before its handler runs, and the same compiled once.
 */
import type { RequestCheck, RouteSchemas } from "../validation/schema.js";

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
