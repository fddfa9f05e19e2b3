/**
 * The wire format: a fast serializer with the contract's fixed key order, and a parser that tells
 * whether a body received from some server conforms.
 */
import type { ApiError } from "./api-error.js";
import { FIRST_CUSTOM_CODE, getCode } from "./codes.js";
import { builtinDetailsSchema, type ErrorBody, type Violation } from "./details.js";
import { fromProblem } from "./problem.js";
import { shapeProblems } from "./shape.js";

// Characters that JSON.stringify would escape: quote, backslash, controls and (lone) surrogates.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be escaped
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A JSON string literal; skips the general-purpose encoder when nothing needs escaping. */
function quote(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * JSON text of any value that never throws: cycles become `"[Circular]"`, BigInt becomes a decimal
 * string, and values JSON cannot carry (functions, symbols, undefined) become `null`.
 */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "null";
  } catch {
    // Cycles and BigInt are repaired below; a getter or Proxy that throws leaves only null.
    try {
      return stringifyRepaired(value);
    } catch {
      return "null";
    }
  }
}

function stringifyRepaired(value: unknown): string {
  const ancestors: object[] = [];
  return (
    JSON.stringify(value, function (this: unknown, _key, v: unknown) {
      if (typeof v === "bigint") return v.toString();
      if (typeof v !== "object" || v === null) return v;
      // `this` is the holder of v: drop ancestors that are no longer on the path to it.
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (ancestors.includes(v)) return "[Circular]";
      ancestors.push(v);
      return v;
    }) ?? "null"
  );
}

/** Quoted keys and words: `details` keys, violation locations and rules are few and repeat. */
const QUOTED_WORDS = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = QUOTED_WORDS.get(key);
  if (quoted === undefined) {
    quoted = quote(key);
    // Bounded: keys an application invents per request must not grow the cache without end.
    if (QUOTED_WORDS.size < 256) QUOTED_WORDS.set(key, quoted);
  }
  return quoted;
}

function violationJson(v: Violation): string {
  let out = `{"in":${quoteKey(v.in)},"pointer":${quote(v.pointer)},"rule":${quoteKey(v.rule)},"message":${quote(v.message)}`;
  const expected = v.expected;
  if (expected !== undefined) {
    out += `,"expected":${
      typeof expected === "string"
        ? quote(expected)
        : typeof expected === "number" && Number.isFinite(expected)
          ? String(expected)
          : safeJson(expected)
    }`;
  }
  return `${out}}`;
}

/** JSON of an array of strings, or `undefined` when an item is anything else. */
function stringArrayJson(items: readonly unknown[]): string | undefined {
  let plain = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (typeof item !== "string") return undefined;
    if (plain && NEEDS_ESCAPE.test(item)) plain = false;
  }
  if (items.length === 0) return "[]";
  // One native join makes one flat string, cheaper than a concatenation per item.
  if (plain) return `["${(items as string[]).join('","')}"]`;
  let out = "[";
  for (let i = 0; i < items.length; i++)
    out += i === 0 ? quote(items[i] as string) : `,${quote(items[i] as string)}`;
  return `${out}]`;
}

/**
 * JSON of a flat object whose values are strings, finite numbers, booleans, null or string arrays:
 * every `details` shape of the contract but violations. `undefined` for anything else.
 */
function flatObjectJson(value: object): string | undefined {
  if (Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  let out = "{";
  let first = true;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const v = (value as Record<string, unknown>)[key];
    let json: string | undefined;
    if (typeof v === "string") json = quote(v);
    else if (typeof v === "number") json = Number.isFinite(v) ? String(v) : undefined;
    else if (typeof v === "boolean" || v === null) json = String(v);
    else if (Array.isArray(v)) json = stringArrayJson(v);
    else if (v === undefined) continue;
    if (json === undefined) return undefined;
    out += first ? `${quoteKey(key)}:${json}` : `,${quoteKey(key)}:${json}`;
    first = false;
  }
  return `${out}}`;
}

function detailsJson(details: unknown): string {
  if (details === null || details === undefined) return "null";
  if (typeof details !== "object") return safeJson(details);
  const violations = (details as { violations?: unknown }).violations;
  if (Array.isArray(violations) && Object.keys(details).length === 1) {
    let out = '{"violations":[';
    for (let i = 0; i < violations.length; i++) {
      const v = violations[i] as Violation;
      if (typeof v !== "object" || v === null || typeof v.message !== "string") return safeJson(details);
      out += i === 0 ? violationJson(v) : `,${violationJson(v)}`;
    }
    return `${out}]}`;
  }
  return flatObjectJson(details) ?? safeJson(details);
}

/**
 * The wire body for a code, message and details, keys in contract order.
 * @example
 * serializeBody(10, "Resource not found", null);
 * // '{"error_code":10,"error_message":"Resource not found","details":null}'
 */
export function serializeBody(code: number, message: string, details: unknown): string {
  return `{"error_code":${code},"error_message":${quote(message)},"details":${detailsJson(details)}}`;
}

export interface SerializeOptions {
  /**
   * Development mode: 5xx bodies carry the real message and cause instead of the fixed text.
   * Never enable it where clients are not trusted.
   */
  dev?: boolean;
}

/** The wire body of an ApiError (the same text as `JSON.stringify(err)`, faster). */
export function serializeError(error: ApiError<number>, options: SerializeOptions = {}): string {
  let message = error.publicMessage;
  if (options.dev === true && error.status >= 500) message = describeCause(error);
  return serializeBody(error.code, message, error.details);
}

function describeCause(error: ApiError<number>): string {
  const parts = [error.message];
  let cause: unknown = error.cause;
  for (let depth = 0; cause !== undefined && depth < 5; depth++) {
    try {
      parts.push(cause instanceof Error ? `${cause.name}: ${cause.message}` : safeJson(cause));
      cause = cause instanceof Error ? cause.cause : undefined;
    } catch {
      // A cause whose getters throw (a hostile Proxy) ends the chain rather than the response.
      parts.push("(unreadable cause)");
      break;
    }
  }
  return parts.join(" <- caused by ");
}

/** The result of {@link parseErrorBody}. */
export type ParsedErrorBody =
  | {
      conforming: true;
      body: ErrorBody<number>;
      /** `problem`: an RFC 9457 body whose members carried the contract's (see `problemJson`). */
      form: "contract" | "problem";
    }
  | { conforming: false; problems: string[]; body: unknown };

const KEYS = ["error_code", "error_message", "details"] as const;

/**
 * Parses a body received from the wire and checks it against the contract: valid JSON, exactly the
 * three keys in order, a registered code (or one >= 100), a string message, `details` of the
 * code's shape, and, when `status` is given, a status the code allows. An RFC 9457 body with
 * `error_code` (what an API answers `Accept: application/problem+json` with) is read as the contract
 * body it carries, `detail` as the message.
 * @example
 * const parsed = parseErrorBody(await res.text(), res.status);
 * if (!parsed.conforming) console.warn(parsed.problems);
 */
export function parseErrorBody(input: unknown, status?: number): ParsedErrorBody {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch {
      return { conforming: false, problems: ["body is not valid JSON"], body: input };
    }
  }
  const problems: string[] = [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { conforming: false, problems: ["body is not a JSON object"], body: value };
  }
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, "error_message")) {
    const carried = fromProblem(record);
    if (carried !== undefined) {
      const parsed = parseErrorBody(carried, status);
      return parsed.conforming ? { ...parsed, form: "problem" } : { ...parsed, body: value };
    }
  }
  const keys = Object.keys(record);
  for (const key of KEYS) if (!(key in record)) problems.push(`missing key "${key}"`);
  for (const key of keys) {
    if (!(KEYS as readonly string[]).includes(key)) problems.push(`unexpected key "${key}"`);
  }
  if (problems.length === 0 && keys.some((k, i) => k !== KEYS[i])) {
    problems.push("keys are not in the order error_code, error_message, details");
  }
  if ("error_code" in record) problems.push(...codeProblems(record.error_code, record, status));
  if (
    "error_message" in record &&
    (typeof record.error_message !== "string" || record.error_message.length === 0)
  ) {
    problems.push("error_message is not a non-empty string");
  }
  return problems.length === 0
    ? { conforming: true, body: record as unknown as ErrorBody<number>, form: "contract" }
    : { conforming: false, problems, body: value };
}

/** Problems of `error_code`, of the status it came with, and of the details shape it implies. */
function codeProblems(code: unknown, record: Record<string, unknown>, status: number | undefined): string[] {
  if (typeof code !== "number" || !Number.isSafeInteger(code) || code < 0) {
    return ["error_code is not a non-negative integer"];
  }
  const problems: string[] = [];
  const definition = getCode(code);
  if (definition === undefined && code < FIRST_CUSTOM_CODE) {
    problems.push(`error_code ${code} is reserved and not defined by the contract`);
  }
  if (status !== undefined) {
    if (definition !== undefined && !definition.statuses.includes(status)) {
      problems.push(
        `status ${status} is not allowed for error_code ${code} (${definition.statuses.join(", ")})`,
      );
    } else if (status < 400 || status > 599) {
      problems.push(`status ${status} is not an error status`);
    }
  }
  if ("details" in record) problems.push(...detailsProblems(code, record.details));
  return problems;
}

/** Shape checks against the table in details.ts for the built-in codes; custom codes may carry any JSON. */
function detailsProblems(code: number, details: unknown): string[] {
  const schema = builtinDetailsSchema(code);
  return schema === undefined
    ? []
    : shapeProblems(schema, details, "details", `details of code ${code} must be`);
}

/** Whether a value looks like a conforming body (no status check). */
export function isErrorBody(value: unknown): value is ErrorBody<number> {
  return parseErrorBody(value).conforming;
}
