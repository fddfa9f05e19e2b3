/**
 * Errors that carry an HTTP status from other middleware and frameworks: http-errors (`status` /
 * `statusCode` + `expose`, used by Express and body-parser), Fastify's errors (`statusCode`), Hono's
 * `HTTPException` (`status`), Boom (`isBoom` + `output.statusCode`), NestJS's `HttpException`
 * (`status` + `response.message`). A status the contract has no code for (429, 402, ...) keeps its
 * meaning through the application's registered code with that status; an `errorCode` naming a
 * registered code (NestJS 12's `new ConflictException(message, { errorCode })`) picks that code.
 */
import { ApiError, type StatusOf } from "../api-error.js";
import { FIRST_CUSTOM_CODE, listCodes } from "../codes.js";
import { type ClassifyContext, upstreamError } from "./context.js";
import { isError, messageOf, num, prop, str } from "./inspect.js";
import { parseViolation, transport } from "./request.js";

interface HttpFailure {
  status: number;
  /** The message when the error may be shown to the client, else `undefined`. */
  message: string | undefined;
  header: (name: string) => string | undefined;
}

/** Reads a header from a `Headers` (Hono's `res`) or a plain record (http-errors, Boom). */
function headerReader(headers: unknown): (name: string) => string | undefined {
  return (name) => {
    if (headers === undefined || headers === null) return undefined;
    const get = prop(headers, "get");
    if (typeof get === "function") {
      try {
        const value: unknown = get.call(headers, name);
        return typeof value === "string" ? value : undefined;
      } catch {
        return undefined;
      }
    }
    for (const key of [name, name.toLowerCase()]) {
      const value = prop(headers, key);
      if (typeof value === "string") return value;
      if (typeof value === "number") return String(value);
    }
    return undefined;
  };
}

function httpFailure(thrown: unknown): HttpFailure | undefined {
  if (prop(thrown, "isBoom") === true) {
    const output = prop(thrown, "output");
    const status = num(output, "statusCode");
    if (status === undefined) return undefined;
    const message = str(prop(output, "payload"), "message");
    return { status, message, header: headerReader(prop(output, "headers")) };
  }
  if (!isError(thrown)) return undefined;
  // Express and finalhandler read `status` first, then `statusCode`.
  const status = num(thrown, "status") ?? num(thrown, "statusCode");
  if (status === undefined) return undefined;
  // A system error that got a status (send's ENOENT is a 404) names files and hosts: never shown.
  const exposable = prop(thrown, "expose") !== false && str(thrown, "syscall") === undefined;
  const text = responseMessage(prop(thrown, "response")) ?? messageOf(thrown);
  const res = prop(thrown, "res");
  const headers = prop(thrown, "headers") ?? prop(res, "headers");
  return { status, message: exposable && text !== "" ? text : undefined, header: headerReader(headers) };
}

/**
 * NestJS's `HttpException` keeps what the app said in `response`: `{ message: "..." }`, or the
 * ValidationPipe's `{ message: ["name must be a string", ...] }`; its own `message` is then only
 * "Bad Request Exception".
 */
function responseMessage(response: unknown): string | undefined {
  const message = prop(response, "message");
  if (typeof message === "string" && message !== "") return message;
  if (!Array.isArray(message)) return undefined;
  const lines = message.filter((line): line is string => typeof line === "string" && line !== "");
  return lines.length === 0 ? undefined : lines.join("; ");
}

const HONO_MALFORMED_JSON = "Malformed JSON in request body";

function withMessage(message: string | undefined, cause: unknown) {
  return message === undefined ? { cause } : { cause, message };
}

function retryAfter(header: (name: string) => string | undefined): number | undefined {
  const value = header("Retry-After");
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

function fromClientStatus(failure: HttpFailure, thrown: unknown, context: ClassifyContext): ApiError<number> {
  const { status, message, header } = failure;
  const options = withMessage(message, thrown);
  switch (status) {
    case 400:
      if (message === HONO_MALFORMED_JSON) {
        return ApiError.invalidStructure([parseViolation()], { ...options, status: 400 });
      }
      return ApiError.invalidStructure([], options);
    case 401:
      return ApiError.authNotProvided(options);
    case 403:
    case 451:
      return ApiError.authForbidden(undefined, options);
    case 404:
    case 410: {
      const { method, path } = context;
      return ApiError.notExist(method !== undefined && path !== undefined ? { method, path } : null, options);
    }
    case 405: {
      const allowed = header("Allow")
        ?.split(",")
        .map((m) => m.trim().toUpperCase())
        .filter((m) => m !== "");
      if (allowed !== undefined && allowed.length > 0 && context.method !== undefined) {
        return ApiError.notAllowed({ method: context.method, allowed }, options);
      }
      // Without the Allow list a 405 cannot be answered as the contract demands.
      return ApiError.invalidStructure([], options);
    }
    case 408:
      return withPublicMessage(transport.timeout(thrown), message);
    case 409:
    case 412:
    case 423:
    case 424:
      return ApiError.invalidValue([], { ...options, status: 409 });
    case 413:
      return withPublicMessage(transport.tooLarge(thrown), message);
    case 415:
      return withPublicMessage(transport.mediaType(thrown), message);
    case 416:
      return ApiError.invalidValue([], options);
    case 422:
      return ApiError.invalidValue([], { ...options, status: 422 });
    case 431:
      return withPublicMessage(transport.headersTooLarge(thrown), message);
    default:
      // 402, 406, 411, 414, 417, 428, 429...: no built-in code keeps these statuses.
      return fromRegisteredStatus(failure, thrown) ?? unmapped(status, options);
  }
}

/** The application's code for a status: the lowest one registered with it as default, else allowing it. */
function registeredFor(status: number): number | undefined {
  const custom = listCodes().filter((definition) => definition.code >= FIRST_CUSTOM_CODE);
  return (
    custom.find((definition) => definition.status === status) ??
    custom.find((definition) => definition.statuses.includes(status))
  )?.code;
}

/** A foreign status kept through the app's own code, with the error's `Retry-After`. */
function fromRegisteredStatus(failure: HttpFailure, thrown: unknown): ApiError<number> | undefined {
  const code = registeredFor(failure.status);
  if (code === undefined) return undefined;
  const retry = failure.header("Retry-After")?.trim();
  const valid = retry !== undefined && (/^\d+$/.test(retry) || !Number.isNaN(Date.parse(retry)));
  return new ApiError<number>(code, null as never, {
    status: failure.status,
    cause: thrown,
    ...(failure.message === undefined ? {} : { message: failure.message }),
    ...(valid ? { headers: { "Retry-After": retry } } : {}),
  });
}

/**
 * The code the error names in `errorCode`, when it is registered and allows the error's status:
 * that code with that status, the message kept below 500.
 */
function fromErrorCode(failure: HttpFailure, thrown: unknown): ApiError<number> | undefined {
  const name = str(thrown, "errorCode");
  if (name === undefined) return undefined;
  const { status, message } = failure;
  const definition = listCodes().find((d) => d.name === name && d.statuses.includes(status));
  if (definition === undefined) return undefined;
  const options = status < 500 && message !== undefined ? { message } : {};
  return new ApiError<number>(definition.code, null as never, { status, cause: thrown, ...options });
}

/** Statuses already reported as lost, once per process each. */
const reported = new Set<number>();

type Warner = { process?: { emitWarning?: (message: string, options: object) => void } };

/**
 * 400 / 3 for a status no code keeps, and a warning naming the status the first time it happens:
 * node's `process.emitWarning` (on stderr unless `--no-warnings`; `process.on("warning")` sees it),
 * the console elsewhere.
 */
function unmapped(status: number, options: { cause: unknown; message?: string }): ApiError<3> {
  if (!reported.has(status)) {
    reported.add(status);
    // The example names a code that is still free, and a name that fits the status.
    const taken = new Set(listCodes().map((definition) => definition.code));
    let free = FIRST_CUSTOM_CODE;
    while (taken.has(free)) free++;
    const [name, text] = status === 429 ? ["RATE_LIMITED", "Too many requests"] : [`HTTP_${status}`, "..."];
    const message =
      `api-error-codes: an error with status ${status} was answered 400 / 3 (INVALID_STRUCTURE): ` +
      `no code is registered with status ${status}. Register one to keep it, e.g. registerCode({ code: ${free}, ` +
      `name: "${name}", status: ${status}, message: "${text}" }).`;
    const emit = (globalThis as Warner).process?.emitWarning;
    if (typeof emit === "function") {
      emit.call((globalThis as Warner).process, message, {
        type: "ApiErrorCodesWarning",
        code: "API_ERROR_CODES_UNMAPPED_STATUS",
      });
    } else console.warn(message);
  }
  return ApiError.invalidStructure([], options);
}

function withPublicMessage(error: ApiError<3>, message: string | undefined): ApiError<3> {
  if (message === undefined) return error;
  const status = error.status as StatusOf<3>;
  return ApiError.invalidStructure(error.details.violations, { message, status, cause: error.cause });
}

/**
 * An error that carries an HTTP status. 4xx map to the contract's client codes (the original
 * message kept unless `expose === false`), 501 to 2, 502-504 to 11, any other 5xx to 0. Under
 * `source: "upstream"` the status is the upstream's, never passed on: 11 whatever it is.
 */
export function fromHttpStatus(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  const failure = httpFailure(thrown);
  if (failure === undefined || !Number.isInteger(failure.status)) return undefined;
  const { status } = failure;
  if (status < 400 || status > 599) return undefined;
  if (context.source === "database") return undefined;
  if (context.source === "upstream") {
    if (status === 408 || status === 504) return upstreamError(context, "timeout", thrown);
    return upstreamError(context, status >= 500 || status === 429 ? "unavailable" : "bad_response", thrown);
  }
  const named = fromErrorCode(failure, thrown);
  if (named !== undefined) return named;
  if (status < 500) return fromClientStatus(failure, thrown, context);
  switch (status) {
    case 501:
      return ApiError.notRealized(
        { method: context.method ?? "", path: context.path ?? "" },
        { cause: thrown },
      );
    case 502:
      return upstreamError(context, "unavailable", thrown);
    case 503: {
      const seconds = retryAfter(failure.header);
      const error = upstreamError(context, "unavailable", thrown, 503);
      if (seconds === undefined) return error;
      return ApiError.externalService(error.details, {
        cause: thrown,
        status: 503,
        retryAfter: seconds,
        message: error.message,
      });
    }
    case 504:
      return upstreamError(context, "timeout", thrown);
    default:
      return ApiError.unknown({ cause: thrown });
  }
}
