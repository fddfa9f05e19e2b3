/**
 * api-error-codes: one JSON error contract for HTTP APIs.
 * @example
 * import { ApiError, classify, errorResponse } from "api-error-codes";
 * throw ApiError.notExist({ resource: "order", id });
 */
export { ApiError, type ApiErrorOptions, isApiError, type StatusOf } from "./api-error.js";
export { type ClassifyContext, classify, withDatabase, withUpstream } from "./classify/index.js";
export {
  BUILTIN_CODES,
  type BuiltinCode,
  type BuiltinCodeName,
  type BuiltinStatusOf,
  type CodeDefinition,
  type CodeRegistration,
  documentCodes,
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
export { de } from "./messages/de.js";
export { type Messages, type Said, translate } from "./messages/messages.js";
export {
  type AuthenticateOptions,
  authenticate,
  type ExtractTokenOptions,
  extractToken,
  type Principal,
  type PrincipalFields,
  type RequestHeaders,
  requireRole,
  requireScope,
  type TokenLookup,
} from "./pipeline/auth.js";
export {
  checkContentLength,
  checkContentType,
  DEFAULT_BODY_LIMIT,
  DEFAULT_MAX_DEPTH,
  type JsonBodyOptions,
  parseJsonBody,
  requestHasBody,
} from "./pipeline/body.js";
// Types only: the Pipeline class is on `api-error-codes/adapter`, so that importing the core loads no ajv.
export type { PipelineOptions } from "./pipeline/pipeline.js";
export type { ErrorContext, ErrorLogger } from "./pipeline/port.js";
export type { PresentOptions } from "./pipeline/present.js";
export { parseQuery } from "./pipeline/query.js";
export type { PreparedRoute, RouteContract } from "./pipeline/route.js";
export {
  type AddRouteOptions,
  createRouteTable,
  notRealized,
  type OpenApiDocumentLike,
  type RouteResolution,
  RouteTable,
  type RouteTableOptions,
  toOpenApiTemplate,
} from "./pipeline/routes.js";
export type { FromJsonSchema, SchemaOutput, ValidatedRequest } from "./pipeline/types.js";
export {
  fromProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  type ProblemOptions,
  problemJson,
} from "./problem.js";
export { REQUEST_ID_HEADER, REQUEST_ID_PATTERN } from "./request-id.js";
export {
  type ErrorResponse,
  type ErrorResponseOptions,
  errorResponse,
  JSON_CONTENT_TYPE,
  requestId,
} from "./response.js";
export {
  type ClassValidatorErrorLike,
  fromClassValidatorErrors,
  type ValidatorHookResult,
  validatorHook,
  validatorHookError,
} from "./validation/foreign.js";
export {
  type AjvErrorLike,
  type FromZodOptions,
  fromAjvErrors,
  fromZodIssues,
  type ZodIssueLike,
} from "./validation/issues.js";
export type { RequestParts, RequestSchema, RouteSchemas } from "./validation/schema.js";
export {
  type FromStandardOptions,
  fromStandardIssues,
  isStandardSchema,
  type StandardIssueLike,
  type StandardResultLike,
  type StandardSchemaLike,
} from "./validation/standard.js";
export { codeForViolations, MAX_VIOLATIONS, toPointer } from "./validation/violations.js";
export {
  isErrorBody,
  type ParsedErrorBody,
  parseErrorBody,
  safeJson,
  serializeBody,
  serializeError,
} from "./wire.js";
