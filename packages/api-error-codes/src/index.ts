/**
 * api-error-codes: one JSON error contract for HTTP APIs.
 * @example
 * import { ApiError, classify, errorResponse } from "api-error-codes";
 * throw ApiError.notExist({ resource: "order", id });
 */
export { ApiError, type ApiErrorOptions, isApiError, type StatusOf } from "./api-error.js";
export { type ClassifyContext, classify } from "./classify.js";
export {
  BUILTIN_CODES,
  type BuiltinCode,
  type BuiltinCodeName,
  type BuiltinStatusOf,
  type CodeDefinition,
  type CodeRegistration,
  ErrorCode,
  FIRST_CUSTOM_CODE,
  getCode,
  isAllowedStatus,
  listCodes,
  registerCode,
} from "./codes.js";
export type {
  DatabaseDetails,
  DatabaseReason,
  DetailsOf,
  ErrorBody,
  ErrorDetailsMap,
  ExternalServiceDetails,
  ExternalServiceReason,
  JsonValue,
  KnownCode,
  MethodNotAllowedDetails,
  OperationDetails,
  ResourceDetails,
  Violation,
  ViolationDetails,
  ViolationLocation,
} from "./details.js";
export {
  type ErrorResponse,
  type ErrorResponseOptions,
  errorResponse,
  JSON_CONTENT_TYPE,
  requestId,
} from "./response.js";
export { fromAjvErrors, fromZodIssues } from "./validation.js";
export { codeForViolations, MAX_VIOLATIONS, toPointer } from "./violations.js";
export {
  isErrorBody,
  type ParsedErrorBody,
  parseErrorBody,
  safeJson,
  serializeBody,
  serializeError,
} from "./wire.js";
