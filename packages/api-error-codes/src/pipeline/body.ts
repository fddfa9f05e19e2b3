/**
 * Hardened JSON request bodies, the same for every adapter: media type (415), declared size (413,
 * before reading), then bytes -> UTF-8 -> checked JSON. Every refusal is an ApiError of the
 * contract, code 3 for structure and 4 for values.
 */
import { ApiError } from "../api-error.js";
import type { JsonValue, Violation } from "../details.js";
import { summarizeViolations } from "../validation/violations.js";
import { scanJson } from "./body-scan.js";

/** The default body limit: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1_048_576;
/** The default nesting limit of {@link parseJsonBody}. */
export const DEFAULT_MAX_DEPTH = 64;

export interface JsonBodyOptions {
  /** Largest body in bytes; 413 beyond it. Default {@link DEFAULT_BODY_LIMIT}. */
  limit?: number;
  /** Deepest nesting of arrays and objects; the top-level value is level 1. Default 64. */
  maxDepth?: number;
  /** Longest string or key, in UTF-16 code units after unescaping. Unlimited by default. */
  maxStringLength?: number;
  /** Most items in one array. Unlimited by default. */
  maxArrayLength?: number;
  /** Most keys in one object. Unlimited by default. */
  maxKeys?: number;
}

// One decoder for every request: without `stream` each decode starts fresh, and the default
// `ignoreBOM: false` drops a leading UTF-8 BOM.
const DECODER = new TextDecoder("utf-8", { fatal: true });
const JSON_MEDIA_TYPE = /^application\/(?:[!#$%&'*+.^_`|~0-9a-z-]+\+)?json$/;
const DIGITS = /^[0-9]+$/;

const unsupported = (message: string): ApiError<3> =>
  ApiError.invalidStructure(
    [{ in: "header", pointer: "/content-type", rule: "media_type", message, expected: "application/json" }],
    { status: 415 },
  );

const bodyError = (message: string): ApiError<3> =>
  ApiError.invalidStructure([{ in: "body", pointer: "", rule: "parse", message }]);

function tooLarge(limit: number, where: Pick<Violation, "in" | "pointer">): ApiError<3> {
  const message = `Request body is larger than ${limit} bytes`;
  return ApiError.invalidStructure([{ ...where, rule: "size", message, expected: limit }], { status: 413 });
}

/**
 * 413 / 3 for a body found too large while reading it (no usable Content-Length). The unread rest
 * of the upload would otherwise hold the connection, so the answer closes it.
 */
export function bodyTooLarge(limit: number): ApiError<3> {
  const message = `Request body is larger than ${limit} bytes`;
  return ApiError.invalidStructure([{ in: "body", pointer: "", rule: "size", message, expected: limit }], {
    status: 413,
    headers: { Connection: "close" },
  });
}

/** 400 / 3 for a body whose stream failed or was aborted while reading it. */
export function bodyUnreadable(cause: unknown): ApiError<3> {
  return ApiError.invalidStructure(
    [{ in: "body", pointer: "", rule: "parse", message: "Request body could not be read" }],
    { cause },
  );
}

/**
 * Whether a request carries a body, by its framing headers (RFC 9112 section 6.3): any
 * `Transfer-Encoding`, or a `Content-Length` other than 0. Only such requests need a Content-Type.
 * @example
 * if (requestHasBody(req.headers["content-length"], req.headers["transfer-encoding"])) checkContentType(...);
 */
export function requestHasBody(
  contentLength: string | readonly string[] | undefined,
  transferEncoding: string | readonly string[] | undefined,
): boolean {
  if (transferEncoding !== undefined) return true;
  if (contentLength === undefined) return false;
  return typeof contentLength !== "string" || contentLength.trim() !== "0";
}

/**
 * Whether a Content-Type names JSON (`application/json`, `application/*+json`, any case and parameters).
 * @example
 * isJsonMediaType("application/problem+json; charset=utf-8"); // true
 */
export function isJsonMediaType(header: string): boolean {
  const semicolon = header.indexOf(";");
  return JSON_MEDIA_TYPE.test((semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase());
}

/**
 * Accepts `application/json` and `application/*+json` (any case, any parameters) with no charset or
 * `charset=utf-8`; anything else, or no Content-Type at all, is 415 / 3. Call it only for requests
 * that carry a body. Returns the lower-case media type.
 * @example
 * checkContentType("application/merge-patch+json; charset=UTF-8"); // "application/merge-patch+json"
 * checkContentType("text/plain"); // throws 415 / 3, rule "media_type"
 */
export function checkContentType(header: string | undefined): string {
  if (header === undefined || header.trim() === "") {
    throw unsupported("Content-Type is missing; the body must be application/json");
  }
  const semicolon = header.indexOf(";");
  const essence = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (!JSON_MEDIA_TYPE.test(essence)) throw unsupported("Content-Type must be application/json");
  if (semicolon !== -1) {
    for (const parameter of header.slice(semicolon + 1).split(";")) {
      const eq = parameter.indexOf("=");
      if (eq === -1 || parameter.slice(0, eq).trim().toLowerCase() !== "charset") continue;
      const charset = parameter
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1")
        .toLowerCase();
      if (charset !== "utf-8" && charset !== "utf8") throw unsupported("The body must be encoded as UTF-8");
    }
  }
  return essence;
}

/**
 * Reads `Content-Length` and refuses an over-limit body before a byte of it is read: 413 / 3 (rule
 * `size`). A value that is not a plain decimal, or several values, is 400 / 3. Returns the length,
 * or `undefined` when the header is absent (chunked bodies are then limited while reading).
 * @example
 * const length = checkContentLength(req.headers["content-length"]); // throws 413 above 1 MiB
 */
export function checkContentLength(
  header: string | readonly string[] | undefined,
  limit: number = DEFAULT_BODY_LIMIT,
): number | undefined {
  if (header === undefined) return undefined;
  const where = { in: "header", pointer: "/content-length" } as const;
  if (typeof header !== "string") {
    if (header.length === 0) return undefined;
    if (header.length > 1) {
      throw ApiError.invalidStructure([
        { ...where, rule: "duplicate", message: "Content-Length is sent twice" },
      ]);
    }
    return checkContentLength(header[0], limit);
  }
  const value = header.trim();
  if (!DIGITS.test(value)) {
    throw ApiError.invalidStructure([
      { ...where, rule: "parse", message: "Content-Length must be a non-negative decimal integer" },
    ]);
  }
  // Beyond 15 digits the number is past any sane limit, and Number() would start rounding.
  const length = value.length > 15 ? Number.POSITIVE_INFINITY : Number(value);
  if (length > limit) throw tooLarge(limit, where);
  return length;
}

/**
 * Parses a request body as JSON, refusing what the contract refuses, every problem at once where the
 * text is readable:
 * - 413 / 3 `size` over `limit`; 400 / 3 `parse` for an empty or whitespace-only body, invalid UTF-8
 *   or malformed JSON (the message gives line and column, never the input);
 * - 400 / 3 `depth` past `maxDepth`, `forbidden_key` for `__proto__` and `constructor.prototype`,
 *   `duplicate` for a repeated key;
 * - 400 / 4 `number_range` for a number a double cannot hold (overflow, underflow of a nonzero literal,
 *   an integer literal beyond ±(2^53-1)), `forbidden_character` for NUL or a lone surrogate escape
 *   (`"\ud800"`) in a string or key,
 *   `maxLength` / `maxItems` / `maxProperties` past their limits.
 *
 * A leading UTF-8 byte order mark is accepted and dropped (RFC 8259 section 8.1 allows it; body
 * parsers commonly do the same). The check is one linear, non-recursive pass, so 10^6 nested `[`
 * answer 400 in microseconds; the value itself is then built by `JSON.parse`. Since the forbidden
 * keys never reach `JSON.parse`, no object of the result can carry its own `__proto__` key.
 * @example
 * const body = parseJsonBody(await readBytes(req), { maxDepth: 32 });
 */
export function parseJsonBody(bytes: Uint8Array, options: JsonBodyOptions = {}): JsonValue {
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  if (bytes.byteLength > limit) throw tooLarge(limit, { in: "body", pointer: "" });
  if (bytes.byteLength === 0) throw bodyError("Request body is empty");
  let text: string;
  try {
    text = DECODER.decode(bytes);
  } catch {
    throw bodyError("Request body is not valid UTF-8");
  }
  const limits = {
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    maxStringLength: options.maxStringLength ?? Number.POSITIVE_INFINITY,
    maxArrayLength: options.maxArrayLength ?? Number.POSITIVE_INFINITY,
    maxKeys: options.maxKeys ?? Number.POSITIVE_INFINITY,
  };
  let value: JsonValue | undefined;
  if (scanJson(bytes, text, limits).violations.length === 0) {
    try {
      value = JSON.parse(text) as JsonValue;
    } catch {
      // A raw control character in a string: the quick scan leaves those to JSON.parse.
    }
    if (value !== undefined) return value;
  }
  // Failures are rare: scan again, precisely, for every violation and exact positions.
  const { violations, total } = scanJson(bytes, text, limits, true);
  if (violations.length === 0) throw bodyError("Request body is not valid JSON");
  throw ApiError.fromViolations(violations, { message: summarizeViolations(violations, total) });
}
