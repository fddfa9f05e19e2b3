/**
 * What a body scan reports: the limits it enforces, its result, and the violations it builds,
 * including syntax errors located by line and column without quoting the input.
 */
import type { Violation } from "./details.js";
import { MAX_VIOLATIONS, toPointer } from "./validation/violations.js";

/** The limits of `parseJsonBody`'s options, all required (`Infinity` for none). */
export interface ScanLimits {
  maxDepth: number;
  maxStringLength: number;
  maxArrayLength: number;
  maxKeys: number;
}

/** The outcome of a scan: no violations means `JSON.parse` may run. */
export interface ScanResult {
  /** At most {@link MAX_VIOLATIONS}; a syntax or depth error is reported alone. */
  violations: Violation[];
  /** How many were found, kept or not. */
  total: number;
}

// Errors only: describing a position needs the text before it, decoded without the fatal flag since
// a prefix may end anywhere.
const PREFIX_DECODER = new TextDecoder("utf-8");

/**
 * Counts a violation at `path.slice(0, length)` and keeps it while fewer than 100 are kept.
 * @example
 * report(out, "duplicate", ["a", 0, "b"], 3, "Key appears more than once"); // pointer "/a/0/b"
 */
export function report(
  out: ScanResult,
  rule: string,
  path: readonly (string | number)[],
  length: number,
  message: string,
  expected?: number,
): void {
  out.total++;
  if (out.violations.length >= MAX_VIOLATIONS) return;
  const violation: Violation = { in: "body", pointer: toPointer(path.slice(0, length)), rule, message };
  if (expected !== undefined) violation.expected = expected;
  out.violations.push(violation);
}

/**
 * A result holding one violation: for problems that end the scan and make the rest moot.
 * @example
 * return only("depth", path, depth, "JSON is nested deeper than 64 levels", 64);
 */
export function only(
  rule: string,
  path: readonly (string | number)[],
  length: number,
  message: string,
  expected?: number,
): ScanResult {
  const out: ScanResult = { violations: [], total: 0 };
  report(out, rule, path, length, message, expected);
  return out;
}

/**
 * A syntax error with its line and column, naming at most one character of the input.
 * @example
 * syntax(utf8('{"a":1'), 6, "expected ',' or '}'");
 * // "Invalid JSON at line 1, column 7: unexpected end of input, expected ',' or '}'"
 */
export function syntax(bytes: Uint8Array, at: number, expectation: string): ScanResult {
  const before = PREFIX_DECODER.decode(bytes.subarray(0, at));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  let found = "unexpected end of input";
  if (at < bytes.length) {
    const code = PREFIX_DECODER.decode(bytes.subarray(at, at + 4)).codePointAt(0) ?? 0;
    found =
      code >= 0x20 && code < 0x7f
        ? `unexpected character '${String.fromCharCode(code)}'`
        : `unexpected character U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return only("parse", [], 0, `Invalid JSON at line ${line}, column ${column}: ${found}, ${expectation}`);
}
