/**
 * A route as data: what Fastify needs to serve it (method, path, schemas, auth, handler) and what
 * the OpenAPI document needs to describe it (summary, success answer, the error codes it can
 * return). One declaration feeds both, so the documentation cannot drift from the routes. A route
 * without a handler is documented only: the library answers it with 501 / 2.
 */
import type { SchemaOutput } from "api-error-codes/adapter";
import type { OperationError } from "api-error-codes/openapi";
import type { FastifyReply, FastifyRequest } from "fastify";

export type JsonSchema = { readonly [keyword: string]: unknown };

export interface SuccessSpec {
  status: number;
  description: string;
  schema?: JsonSchema;
  /** Default `application/json`. */
  mediaType?: string;
  headers?: Record<string, { description: string; schema: JsonSchema }>;
}

/** A request whose validated parts are typed from the route's schemas. */
type TypedRequest<P, Q, B> = FastifyRequest<{
  Params: SchemaOutput<P, Record<string, string>>;
  Querystring: SchemaOutput<Q, Record<string, unknown>>;
  Body: SchemaOutput<B>;
}>;

export interface RouteSpec<P = JsonSchema, Q = JsonSchema, B = JsonSchema> {
  method: "GET" | "POST" | "DELETE";
  /** Fastify syntax: `/v1/orders/:id`. */
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: "auth" | "orders" | "users" | "service";
  auth?: true | { roles: string[] };
  params?: P;
  querystring?: Q;
  body?: B;
  success: SuccessSpec;
  /** Every error this operation can answer with, as codes or `{ code, status }`. */
  errors: readonly OperationError[];
  handler?: (request: TypedRequest<P, Q, B>, reply: FastifyReply) => Promise<unknown>;
  /** Served but left out of the OpenAPI document (the docs page's static files). */
  hidden?: boolean;
}

/** Codes every route with `auth` can answer: a doubled Authorization header (3), then 6, 7, 8. */
export const AUTH_ERRORS: readonly OperationError[] = [3, 6, 7, 8];
/** Codes of a JSON body: structure (3, also 413 and 415), type (5), value (4). */
export const BODY_ERRORS: readonly OperationError[] = [
  3,
  { code: 3, status: 413 },
  { code: 3, status: 415 },
  4,
  5,
];
/** Routes that touch the database: unavailable (503) or failed (500). */
export const DATABASE_ERRORS: readonly OperationError[] = [12, { code: 12, status: 500 }];
/** Anything unexpected, on every route. */
export const UNKNOWN: readonly OperationError[] = [0];

/**
 * A route whose handler gets `request.params`, `query` and `body` typed from its schemas, as the
 * library validated them.
 */
export function route<
  const P extends JsonSchema | undefined = undefined,
  const Q extends JsonSchema | undefined = undefined,
  const B extends JsonSchema | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): RouteSpec {
  // Fastify hands the handler the request these types describe: validated by the route's schemas.
  return spec as unknown as RouteSpec;
}
