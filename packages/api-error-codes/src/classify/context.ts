import { ApiError } from "../api-error.js";
import type { DatabaseReason, ExternalServiceReason } from "../details.js";

/** What the code that threw was doing; decides errors whose shape alone is ambiguous. */
export interface ClassifyContext {
  /**
   * `upstream`: a bare network error, timeout, abort or JSON `SyntaxError` came from calling another
   * service (11). `database`: a bare network error came from the database (12). `request` (default):
   * a JSON `SyntaxError` is the client's bad body (3).
   */
  source?: "request" | "database" | "upstream";
  /** `details.service` for code 11; `"upstream"` when not given. */
  service?: string;
  /** The request's method: `details.method` of 1 and 2, and of 10, when built from a foreign status. */
  method?: string;
  /** The request's path or route: `details.path` of 2 and 10 when built from a foreign status. */
  path?: string;
}

/** Seconds a client should wait before retrying a transient database failure. */
export const DATABASE_RETRY_AFTER = 1;

/** 11 for `context.service`; the status follows the reason (504 timeout, 502 otherwise). */
export function upstreamError(
  context: ClassifyContext,
  reason: ExternalServiceReason,
  cause: unknown,
  status?: 502 | 503 | 504,
): ApiError<11> {
  const service = context.service ?? "upstream";
  const message = `${service}: ${reason}`;
  return ApiError.externalService(
    { service, reason },
    { cause, message, ...(status === undefined ? {} : { status }) },
  );
}

/** 12: transient reasons answer 503 with `Retry-After`, `failure` answers 500. */
export function databaseError(reason: DatabaseReason, cause: unknown): ApiError<12> {
  if (reason === "failure") return ApiError.database({ reason }, { cause });
  return ApiError.database({ reason }, { cause, retryAfter: DATABASE_RETRY_AFTER });
}
