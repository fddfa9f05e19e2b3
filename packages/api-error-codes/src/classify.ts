import { ApiError } from "./api-error.js";

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
}

/** Turns any thrown value into an ApiError. ApiErrors pass through unchanged. */
export function classify(thrown: unknown, _context: ClassifyContext = {}): ApiError<number> {
  if (thrown instanceof ApiError) return thrown as ApiError<number>;
  return ApiError.unknown({ cause: thrown });
}
