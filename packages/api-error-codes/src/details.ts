/**
 * The `details` shape of every code. Applications add their own codes to {@link ErrorDetailsMap}
 * by declaration merging, and get the same narrowing as the built-in ones.
 */

/** Any value JSON can carry. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Where a violation was found. */
export type ViolationLocation = "body" | "query" | "path" | "header";

/**
 * One broken rule. `rule` is the JSON Schema keyword (`required`, `type`, `minimum`, ...) or one of
 * `parse`, `media_type`, `size` for problems below the schema.
 */
export interface Violation {
  in: ViolationLocation;
  /** RFC 6901 JSON Pointer into the body, or `/<name>` for a parameter or header. */
  pointer: string;
  rule: string;
  message: string;
  expected?: JsonValue;
}

export interface ViolationDetails {
  violations: Violation[];
}

export interface MethodNotAllowedDetails {
  method: string;
  allowed: string[];
}

export interface OperationDetails {
  method: string;
  path: string;
}

export interface ResourceDetails {
  resource: string;
  id: string;
}

export type ExternalServiceReason = "timeout" | "unavailable" | "bad_response" | "circuit_open";
export interface ExternalServiceDetails {
  service: string;
  reason: ExternalServiceReason;
}

export type DatabaseReason = "unavailable" | "conflict" | "failure";
export interface DatabaseDetails {
  reason: DatabaseReason;
}

/**
 * `details` by code. Extend it for your own codes:
 * @example
 * declare module "api-error-codes" {
 *   interface ErrorDetailsMap { 100: { retry_after_seconds: number } }
 * }
 */
export interface ErrorDetailsMap {
  0: null;
  1: MethodNotAllowedDetails;
  2: OperationDetails;
  3: ViolationDetails;
  4: ViolationDetails;
  5: ViolationDetails;
  6: null;
  7: null;
  8: { expired_at: string } | null;
  9: { required: string } | null;
  10: OperationDetails | ResourceDetails | null;
  11: ExternalServiceDetails;
  12: DatabaseDetails;
}

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
