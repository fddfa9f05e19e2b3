/**
 * Errors about the request itself: schema validation (ajv, zod, Fastify), body parsing
 * (body-parser / express.json, Fastify's content-type parser) and JSON `SyntaxError`s.
 */
import { ApiError } from "../api-error.js";
import type { Violation, ViolationLocation } from "../details.js";
import { type AjvErrorLike, fromAjvErrors, fromZodIssues, type ZodIssueLike } from "../validation/issues.js";
import { type ClassifyContext, databaseError, upstreamError } from "./context.js";
import { arr, isError, messageOf, nameOf, num, prop, str } from "./inspect.js";

/** Fastify's `validationContext` -> where the violation is. */
const FASTIFY_LOCATIONS: Readonly<Record<string, ViolationLocation>> = {
  body: "body",
  querystring: "query",
  params: "path",
  headers: "header",
};

function isAjvError(value: unknown): value is AjvErrorLike {
  const params = prop(value, "params");
  return (
    typeof str(value, "instancePath") === "string" &&
    typeof str(value, "keyword") === "string" &&
    typeof params === "object" &&
    params !== null
  );
}

function isZodIssue(value: unknown): value is ZodIssueLike {
  return typeof str(value, "code") === "string" && arr(value, "path") !== undefined;
}

function violationsOf(thrown: unknown): Violation[] | undefined {
  const location = FASTIFY_LOCATIONS[str(thrown, "validationContext") ?? ""] ?? "body";
  const name = nameOf(thrown);
  const issues = arr(thrown, "issues");
  if (issues !== undefined && (name === "ZodError" || name === "$ZodError") && issues.every(isZodIssue)) {
    return fromZodIssues(issues, location);
  }
  // Fastify puts ajv's errors on `validation`; ajv's own ValidationError (async schemas) on `errors`.
  const fastify = str(thrown, "validationContext") === undefined ? undefined : arr(thrown, "validation");
  const ajv =
    prop(thrown, "ajv") === true && prop(thrown, "validation") === true ? arr(thrown, "errors") : undefined;
  const errors = fastify ?? ajv;
  if (errors?.every(isAjvError)) return fromAjvErrors(errors, location);
  return undefined;
}

/**
 * A schema validation error: the client's fault (3/4/5) when it came from validating the request,
 * but an upstream that answered something off-contract (11) or rows that do not fit (12) otherwise.
 */
export function fromValidationError(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  const violations = violationsOf(thrown);
  if (violations === undefined) return undefined;
  if (context.source === "upstream") return upstreamError(context, "bad_response", thrown);
  if (context.source === "database") return databaseError("failure", thrown);
  if (violations.length === 0) return ApiError.invalidStructure([], { cause: thrown });
  return ApiError.fromViolations(violations, { cause: thrown });
}

const POSITION = /at position (\d+)/;

/** A body that is not JSON. The position helps; the parser's text would echo the body back. */
export function parseViolation(parserMessage?: string): Violation {
  const position = parserMessage === undefined ? null : POSITION.exec(parserMessage);
  const where = position === null ? "" : ` (at position ${position[1]})`;
  return { in: "body", pointer: "", rule: "parse", message: `is not valid JSON${where}` };
}

function structure(
  violation: Violation,
  message: string,
  status: 400 | 408 | 413 | 415 | 431,
  cause: unknown,
): ApiError<3> {
  return ApiError.invalidStructure([violation], { message, status, cause });
}

/** Problems below the schema, shared by body-parser's `type`s and Fastify's `code`s. */
export const transport = {
  parse: (cause: unknown, parserMessage?: string) =>
    structure(parseViolation(parserMessage), "Request body is not valid JSON", 400, cause),
  empty: (cause: unknown) =>
    structure(
      { in: "body", pointer: "", rule: "parse", message: "is empty" },
      "Request body is empty but declared as JSON",
      400,
      cause,
    ),
  incomplete: (cause: unknown) =>
    structure(
      { in: "body", pointer: "", rule: "parse", message: "was not received completely" },
      "Request body was not received completely",
      400,
      cause,
    ),
  tooDeep: (cause: unknown) =>
    structure(
      { in: "body", pointer: "", rule: "parse", message: "is nested too deeply" },
      "Request body is nested too deeply",
      400,
      cause,
    ),
  tooLarge: (cause: unknown, limit?: number) =>
    structure(
      {
        in: "body",
        pointer: "",
        rule: "size",
        message: "is too large",
        ...(limit === undefined ? {} : { expected: limit }),
      },
      "Request body is too large",
      413,
      cause,
    ),
  tooManyParameters: (cause: unknown) =>
    structure(
      { in: "body", pointer: "", rule: "size", message: "has too many parameters" },
      "Request body has too many parameters",
      413,
      cause,
    ),
  lengthMismatch: (cause: unknown) =>
    structure(
      { in: "header", pointer: "/content-length", rule: "size", message: "does not match the body size" },
      "Request body size does not match Content-Length",
      400,
      cause,
    ),
  mediaType: (cause: unknown) =>
    structure(
      {
        in: "header",
        pointer: "/content-type",
        rule: "media_type",
        message: "is not a supported media type",
      },
      "Unsupported media type",
      415,
      cause,
    ),
  charset: (cause: unknown) =>
    structure(
      { in: "header", pointer: "/content-type", rule: "media_type", message: "has an unsupported charset" },
      "Unsupported charset",
      415,
      cause,
    ),
  encoding: (cause: unknown) =>
    structure(
      {
        in: "header",
        pointer: "/content-encoding",
        rule: "media_type",
        message: "is not a supported content encoding",
      },
      "Unsupported content encoding",
      415,
      cause,
    ),
  headersTooLarge: (cause: unknown) =>
    structure(
      { in: "header", pointer: "", rule: "size", message: "are too large" },
      "Request headers are too large",
      431,
      cause,
    ),
  timeout: (cause: unknown) =>
    structure(
      { in: "body", pointer: "", rule: "timeout", message: "was not received in time" },
      "Request was not received in time",
      408,
      cause,
    ),
} as const;

/**
 * body-parser (and raw-body under it) tag every error with `type`. `stream.encoding.set` and
 * `stream.not.readable` are absent on purpose: they mean another middleware consumed the body
 * first, a server bug that body-parser itself answers with 500, so they fall through to 0.
 * `entity.verify.failed` falls through to its status (403 by default).
 */
function fromBodyParser(thrown: unknown): ApiError<3> | undefined {
  const type = str(thrown, "type");
  if (type === undefined || (num(thrown, "status") ?? num(thrown, "statusCode")) === undefined)
    return undefined;
  switch (type) {
    case "entity.parse.failed":
      return nameOf(thrown) === "SyntaxError"
        ? transport.parse(thrown, messageOf(thrown))
        : structure(
            { in: "body", pointer: "", rule: "parse", message: "could not be parsed" },
            "Request body could not be parsed",
            400,
            thrown,
          );
    case "entity.too.large":
      return transport.tooLarge(thrown, num(thrown, "limit"));
    case "parameters.too.many":
      return transport.tooManyParameters(thrown);
    case "querystring.parse.rangeError":
      return transport.tooDeep(thrown);
    case "request.aborted":
      return transport.incomplete(thrown);
    case "request.size.invalid":
      return transport.lengthMismatch(thrown);
    case "charset.unsupported":
      return transport.charset(thrown);
    case "encoding.unsupported":
      return transport.encoding(thrown);
    default:
      return undefined;
  }
}

function fromFastify(thrown: unknown): ApiError<3> | undefined {
  switch (str(thrown, "code")) {
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return transport.mediaType(thrown);
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return transport.tooLarge(thrown);
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return transport.empty(thrown);
    case "FST_ERR_CTP_INVALID_JSON_BODY":
      return transport.parse(thrown);
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return transport.lengthMismatch(thrown);
    default:
      return undefined;
  }
}

/** Errors of the body parsers of Express (body-parser) and Fastify. */
export function fromBodyParsing(thrown: unknown): ApiError<3> | undefined {
  return fromBodyParser(thrown) ?? fromFastify(thrown);
}

// V8's JSON.parse messages all name JSON; secure-json-parse (Fastify, custom parsers) reports
// prototype poisoning with its own SyntaxError.
const JSON_SYNTAX = /\bJSON\b|forbidden prototype property/;

/**
 * A `SyntaxError` from parsing JSON: the client's body (3) by default, an upstream's answer (11)
 * under `source: "upstream"`. Other SyntaxErrors (`new Function`, a bad RegExp) are server bugs and
 * are left alone.
 */
export function fromJsonSyntaxError(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  if (!isError(thrown) || nameOf(thrown) !== "SyntaxError" || !JSON_SYNTAX.test(messageOf(thrown))) {
    return undefined;
  }
  if (context.source === "upstream") return upstreamError(context, "bad_response", thrown);
  if (context.source === "database") return undefined;
  const status = num(thrown, "statusCode") ?? num(thrown, "status");
  if (status !== undefined && status >= 500) return undefined;
  return transport.parse(thrown, messageOf(thrown));
}
