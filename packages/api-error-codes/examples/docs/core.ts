// The core (`api-error-codes`): typed errors, the classifier and the wire answer, without an adapter.
import { ApiError, classify, errorResponse, isApiError, registerCode } from "api-error-codes";

export function findOrder(orders: Map<string, { id: string }>, id: string) {
  // #region throw
  // One factory per code; details are checked against the code's shape at compile time.
  const order = orders.get(id);
  if (order === undefined) throw ApiError.notExist({ resource: "order", id });
  // #endregion
  return order;
}

export function answer(thrown: unknown) {
  // #region answer
  // Anything thrown becomes an ApiError (database drivers, body parsers, validators, fetch);
  // the answer is its status, headers and body bytes. 5xx bodies never carry the cause.
  const error = classify(thrown);
  const { status, headers, body } = errorResponse(error);
  if (isApiError(error, 12)) console.warn("database:", error.details.reason, error.cause);
  // #endregion
  return { status, headers, body };
}

export function registerAppCodes() {
  // #region app-codes
  registerCode({ code: 100, name: "TOO_MANY_ATTEMPTS", status: 429, message: "Too many login attempts" });
  throw new ApiError(100, { retry_after_seconds: 30 }, { retryAfter: 30 });
  // #endregion
}

// #region app-codes-types
declare module "api-error-codes" {
  interface ErrorDetailsMap {
    100: { retry_after_seconds: number };
  }
}
// #endregion
