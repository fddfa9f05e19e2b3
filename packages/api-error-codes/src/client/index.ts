/**
 * `api-error-codes/client`: consume an API that keeps the contract, from browsers or Node >= 20.
 * Error answers become typed `ApiError`s whose `code` narrows `details`; network failures and
 * timeouts are errors of their own.
 * @example
 * import { createClient, isResponseError } from "api-error-codes/client";
 * const api = createClient({ baseUrl: "https://api.example.com/v1", getToken, refresh });
 * try {
 *   await api.post("/orders", { item: "tea", quantity: 2 });
 * } catch (err) {
 *   if (isResponseError(err) && err.known && err.code === 4) console.log(err.details.violations);
 * }
 */
export { ApiError, isApiError } from "../api-error.js";
export { ErrorCode } from "../codes.js";
export type {
  DatabaseDetails,
  DetailsOf,
  ErrorBody,
  ErrorDetailsMap,
  ExternalServiceDetails,
  JsonValue,
  KnownCode,
  MethodNotAllowedDetails,
  OperationDetails,
  ResourceDetails,
  Violation,
  ViolationDetails,
} from "../details.js";
export { generateRequestId } from "../request-id.js";
export {
  type ApiResponse,
  type Client,
  type ClientOptions,
  createClient,
  type FetchLike,
  type QueryValue,
  type RequestOptions,
} from "./client.js";
export {
  ClientApiError,
  type ClientApiErrorInit,
  isResponseError,
  type KnownResponseError,
  NetworkError,
  type RequestFailureInit,
  type ResponseError,
  TimeoutError,
  TransportError,
  type UnknownResponseError,
} from "./errors.js";
export { errorFromResponse, parseRetryAfter, type RequestLike } from "./from-response.js";
export {
  type KyHooks,
  type KyHooksOptions,
  type KyHttpErrorLike,
  type KyRetryLike,
  type KyShouldRetry,
  type KyShouldRetryState,
  kyHooks,
  kyOptions,
  kyShouldRetry,
} from "./ky.js";
export {
  type ApiErrorMiddleware,
  type ApiErrorMiddlewareOptions,
  apiErrorMiddleware,
} from "./openapi-fetch.js";
export { DEFAULT_RETRY, type RetryOptions } from "./retry.js";
export type { TokenSource, TokenValue } from "./tokens.js";
