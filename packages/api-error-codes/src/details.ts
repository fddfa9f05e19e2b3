/**
 * The `details` shape of every code, written once as JSON Schema in {@link DETAILS_SCHEMAS}: the
 * types below are derived from it, the wire parser checks bodies against it, and the OpenAPI output
 * publishes it. Applications add their own codes to {@link ErrorDetailsMap} by declaration
 * merging, and get the same narrowing as the built-in ones.
 */
import type { ShapeOf, ShapeSchema } from "./shape.js";

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const NULL = { type: "null" } as const;

const VIOLATION = {
  type: "object",
  required: ["in", "pointer", "rule", "message"],
  properties: {
    in: { enum: ["body", "query", "path", "header"] },
    pointer: {
      type: "string",
      format: "json-pointer",
      description: "RFC 6901 JSON Pointer into the body, or `/<name>` for a parameter or header.",
    },
    rule: {
      type: "string",
      description:
        "The JSON Schema keyword that failed, or `parse`, `media_type`, `size` for transport-level problems.",
    },
    message: { type: "string" },
    expected: { description: "What the rule expected, when it can be said as JSON." },
  },
  additionalProperties: false,
  title: "Violation",
} as const satisfies ShapeSchema;

const VIOLATIONS = {
  type: "object",
  required: ["violations"],
  properties: {
    violations: {
      type: "array",
      maxItems: 100,
      items: VIOLATION,
      description: "Every broken rule, in a stable order (at most 100).",
    },
  },
  additionalProperties: false,
} as const satisfies ShapeSchema;

const OPERATION = {
  type: "object",
  required: ["method", "path"],
  properties: {
    method: { type: "string" },
    path: { type: "string", description: "The path template or the requested path." },
  },
  additionalProperties: false,
} as const satisfies ShapeSchema;

const RESOURCE = {
  type: "object",
  required: ["resource", "id"],
  properties: { resource: { type: "string" }, id: { type: "string" } },
  additionalProperties: false,
} as const satisfies ShapeSchema;

const METHOD_NOT_ALLOWED = {
  type: "object",
  required: ["method", "allowed"],
  properties: {
    method: { type: "string", description: "The method that was used." },
    allowed: { type: "array", items: { type: "string" }, description: "The methods the path allows." },
  },
  additionalProperties: false,
} as const satisfies ShapeSchema;

const EXTERNAL_SERVICE = {
  type: "object",
  required: ["service", "reason"],
  properties: {
    service: { type: "string", description: "The upstream that failed." },
    reason: { enum: ["timeout", "unavailable", "bad_response", "circuit_open"] },
  },
  additionalProperties: false,
} as const satisfies ShapeSchema;

const DATABASE = {
  type: "object",
  required: ["reason"],
  properties: { reason: { enum: ["unavailable", "conflict", "failure"] } },
  additionalProperties: false,
} as const satisfies ShapeSchema;

/**
 * The JSON Schema of `details` for every built-in code: the one place these shapes are written.
 * Key order is the order the OpenAPI output prints.
 */
export const DETAILS_SCHEMAS = {
  0: NULL,
  1: METHOD_NOT_ALLOWED,
  2: OPERATION,
  3: VIOLATIONS,
  4: VIOLATIONS,
  5: VIOLATIONS,
  6: NULL,
  7: NULL,
  8: {
    oneOf: [
      NULL,
      {
        type: "object",
        required: ["expired_at"],
        properties: { expired_at: { type: "string", format: "date-time" } },
        additionalProperties: false,
      },
    ],
  },
  9: {
    oneOf: [
      NULL,
      {
        type: "object",
        required: ["required"],
        properties: { required: { type: "string", description: "The role or scope that was required." } },
        additionalProperties: false,
      },
    ],
  },
  10: {
    oneOf: [
      NULL,
      { ...OPERATION, description: "No route matches the path." },
      { ...RESOURCE, description: "The resource is absent or not visible to the caller." },
    ],
  },
  11: EXTERNAL_SERVICE,
  12: DATABASE,
} as const satisfies Record<number, ShapeSchema>;

/** The `details` schema of a built-in code, or `undefined` for any other code. */
export function builtinDetailsSchema(code: number): ShapeSchema | undefined {
  return Object.hasOwn(DETAILS_SCHEMAS, code)
    ? DETAILS_SCHEMAS[code as keyof typeof DETAILS_SCHEMAS]
    : undefined;
}

/**
 * One broken rule: where (`in`, and `pointer`, an RFC 6901 JSON Pointer into the body or
 * `/<name>` for a parameter or header), which `rule` (the JSON Schema keyword such as `required`,
 * `type`, `minimum`, or one of `parse`, `media_type`, `size` for problems below the schema), a
 * `message`, and what the rule `expected` when that can be said as JSON.
 */
export interface Violation extends ShapeOf<typeof VIOLATION> {}

/** Where a violation was found. */
export type ViolationLocation = Violation["in"];

export interface ViolationDetails extends ShapeOf<typeof VIOLATIONS> {}

export interface MethodNotAllowedDetails extends ShapeOf<typeof METHOD_NOT_ALLOWED> {}

export interface OperationDetails extends ShapeOf<typeof OPERATION> {}

export interface ResourceDetails extends ShapeOf<typeof RESOURCE> {}

export interface ExternalServiceDetails extends ShapeOf<typeof EXTERNAL_SERVICE> {}
export type ExternalServiceReason = ExternalServiceDetails["reason"];

export interface DatabaseDetails extends ShapeOf<typeof DATABASE> {}
export type DatabaseReason = DatabaseDetails["reason"];

/** The `details` type of each built-in code, derived from {@link DETAILS_SCHEMAS}. */
export type BuiltinDetailsMap = {
  [C in keyof typeof DETAILS_SCHEMAS]: ShapeOf<(typeof DETAILS_SCHEMAS)[C]>;
};

/**
 * `details` by code. Extend it for your own codes:
 * @example
 * declare module "api-error-codes" {
 *   interface ErrorDetailsMap { 100: { retry_after_seconds: number } }
 * }
 */
export interface ErrorDetailsMap extends BuiltinDetailsMap {}

/** Every code known to the type system: the built-in ones and those merged into {@link ErrorDetailsMap}. */
export type KnownCode = keyof ErrorDetailsMap & number;

/** The `details` type of a code; a code the types do not know carries any JSON value. */
export type DetailsOf<C extends number> = C extends KnownCode ? ErrorDetailsMap[C] : JsonValue;

/** The wire body of an error. */
export interface ErrorBody<C extends number = number> {
  error_code: C;
  error_message: string;
  details: DetailsOf<C>;
}
