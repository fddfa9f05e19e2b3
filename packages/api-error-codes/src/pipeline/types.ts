/**
 * Types a handler gets from its route's contract, on every adapter: the validated parts typed from
 * their schemas (Standard Schema, zod, TypeBox, or a JSON Schema literal written `as const`) and the
 * principal certain where the contract demands auth.
 */
import type { PrincipalFields } from "./auth.js";
import type { RouteContract } from "./route.js";

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type FromType<T> = T extends "string"
  ? string
  : T extends "number" | "integer"
    ? number
    : T extends "boolean"
      ? boolean
      : T extends "null"
        ? null
        : T extends "array"
          ? unknown[]
          : T extends "object"
            ? Record<string, unknown>
            : unknown;

type FromProperties<S> = S extends { readonly properties: infer Props }
  ? S extends { readonly required: readonly (infer R)[] }
    ? Simplify<
        { -readonly [K in keyof Props as K extends R ? K : never]: FromJsonSchema<Props[K]> } & {
          -readonly [K in keyof Props as K extends R ? never : K]?: FromJsonSchema<Props[K]>;
        }
      >
    : { -readonly [K in keyof Props]?: FromJsonSchema<Props[K]> }
  : Record<string, unknown>;

/**
 * The type a JSON Schema literal (`as const`) describes: `type`, `properties` + `required`, `items`,
 * `enum`, `const`, `anyOf`/`oneOf`. Keywords beyond these give `unknown` for that part.
 * @example
 * type Item = FromJsonSchema<typeof ItemSchema>; // { name: string; quantity: number; tags?: string[] }
 */
export type FromJsonSchema<S> = S extends { readonly const: infer V }
  ? V
  : S extends { readonly enum: readonly (infer V)[] }
    ? V
    : S extends { readonly anyOf: readonly (infer A)[] }
      ? FromJsonSchema<A>
      : S extends { readonly oneOf: readonly (infer A)[] }
        ? FromJsonSchema<A>
        : S extends { readonly type: readonly (infer T)[] }
          ? FromJsonSchema<Omit<S, "type"> & { readonly type: T }>
          : S extends { readonly type: "object" }
            ? FromProperties<S>
            : S extends { readonly type: "array"; readonly items: infer I }
              ? FromJsonSchema<I>[]
              : S extends { readonly type: infer T }
                ? FromType<T>
                : unknown;

/**
 * The type a schema validates to: Standard Schema (zod 4, valibot, arktype), TypeBox, zod 3, or a
 * JSON Schema literal written `as const`. Anything else gives `F`.
 * @example
 * type Item = SchemaOutput<typeof ItemZod>; // { name: string; quantity: number }
 */
export type SchemaOutput<S, F = unknown> = S extends { readonly "~standard": { readonly types?: infer T } }
  ? NonNullable<T> extends { readonly output: infer O }
    ? O
    : F
  : S extends { readonly static: infer T }
    ? T
    : S extends { readonly _output: infer O }
      ? O
      : S extends { readonly type: unknown } | { readonly anyOf: unknown } | { readonly enum: unknown }
        ? FromJsonSchema<S>
        : F;

type ParameterValues = Record<string, unknown>;
type SchemasOf<C> = C extends { readonly schema: infer S } ? S : object;
type Part<C, K extends string, F> =
  SchemasOf<C> extends { readonly [P in K]: infer X } ? SchemaOutput<X, F> : F;

/** The principal a route's handler gets: certain where the contract demands `auth`. */
export type PrincipalOf<P extends PrincipalFields, C> = C extends { readonly auth: true | object }
  ? P
  : P | undefined;

/**
 * What a handler of a route with contract `C` receives, the same on every adapter.
 * @example
 * type Ctx = ValidatedRequest<User, { auth: true; schema: { body: typeof NewOrder } }>;
 * // { requestId: string; principal: User; body: { item: string; quantity: number }; params: ...; ... }
 */
export interface ValidatedRequest<P extends PrincipalFields, C extends RouteContract = RouteContract> {
  requestId: string;
  /** The authenticated principal on routes with `auth`; `undefined` elsewhere. */
  principal: PrincipalOf<P, C>;
  /** Path parameters, converted to their declared types. */
  params: Part<C, "params", ParameterValues>;
  /** Query parameters (repeated ones as arrays), converted to their declared types. */
  query: Part<C, "query", ParameterValues>;
  /** Request headers (lower-case names), declared ones converted; `{}` without a header schema. */
  headers: Part<C, "headers", ParameterValues>;
  /** The checked JSON body; `undefined` when the request has none. */
  body: Part<C, "body", unknown>;
}
