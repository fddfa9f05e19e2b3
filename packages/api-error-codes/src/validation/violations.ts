import type { Violation } from "../details.js";

/** At most this many violations are sent; the rest are dropped (the count stays in the message). */
export const MAX_VIOLATIONS = 100;

/**
 * Rules that make a request structurally wrong (code 3). Everything that is not structural and not
 * `type` is a value problem (code 4).
 */
export const STRUCTURAL_RULES: ReadonlySet<string> = new Set([
  "parse",
  "media_type",
  "size",
  "timeout",
  "required",
  "additionalProperties",
  "unevaluatedProperties",
  "dependentRequired",
  "dependencies",
  "propertyNames",
  "duplicate",
  // Body hardening (body.ts): nesting past the depth limit, `__proto__` / `constructor.prototype` keys.
  "depth",
  "forbidden_key",
]);

/** The rules that make a value of the wrong type (code 5). */
export const TYPE_RULES: ReadonlySet<string> = new Set(["type"]);

/**
 * The precedence rule of the contract: 3 if any violation is structural, else 5 if any is a type
 * violation, else 4.
 * @example
 * codeForViolations([{ in: "body", pointer: "/a", rule: "minimum", message: "..." }]); // 4
 */
export function codeForViolations(violations: readonly Pick<Violation, "rule">[]): 3 | 4 | 5 {
  let type = false;
  for (const v of violations) {
    if (STRUCTURAL_RULES.has(v.rule)) return 3;
    if (TYPE_RULES.has(v.rule)) type = true;
  }
  return type ? 5 : 4;
}

/** Escapes one segment of an RFC 6901 JSON Pointer. */
export function escapePointerSegment(segment: string | number): string {
  return String(segment).replace(/~/g, "~0").replace(/\//g, "~1");
}

/** Builds a JSON Pointer from path segments: `["items", 0, "a/b"]` -> `/items/0/a~1b`. */
export function toPointer(path: readonly (string | number)[]): string {
  let out = "";
  for (const segment of path) out += `/${escapePointerSegment(segment)}`;
  return out;
}

/**
 * The violation that decided the code by the precedence rule: the first structural one, else the
 * first type violation, else the first.
 * @example
 * decidingViolation([{ rule: "maxLength", ... }, { rule: "required", ... }]); // the "required" one
 */
export function decidingViolation<V extends Pick<Violation, "rule">>(
  violations: readonly V[],
): V | undefined {
  let type: V | undefined;
  for (const v of violations) {
    if (STRUCTURAL_RULES.has(v.rule)) return v;
    if (type === undefined && TYPE_RULES.has(v.rule)) type = v;
  }
  return type ?? violations[0];
}

/**
 * A one-line summary used as `error_message` when the caller gave none. It names the violation that
 * decided the code (a missing member for 3, not the length problem listed before it); `details`
 * keeps every violation in its order.
 * @example
 * summarizeViolations([tooLong, missing]); // "Invalid request: body /item: is required (and 1 more)"
 */
export function summarizeViolations(violations: readonly Violation[], total = violations.length): string {
  const first = decidingViolation(violations);
  if (first === undefined) return "Request is invalid";
  const where = first.pointer === "" ? first.in : `${first.in} ${first.pointer}`;
  const more = total > 1 ? ` (and ${total - 1} more)` : "";
  return `Invalid request: ${where}: ${first.message}${more}`;
}
