/**
 * Standard Schema (https://standardschema.dev, version 1) -> violations: valibot, arktype, zod and
 * any other library implementing `~standard`.
 *
 * The interface alone gives a message and a path per issue, which cannot tell a wrong type from a
 * wrong value. So each issue is read by the kind its library gives it (valibot's `kind`/`type`,
 * arktype's `code`, zod's `code`), recognised by vendor or by the issue's own shape, and mapped to
 * the JSON Schema keyword that ajv would have reported, so that the precedence rule gives the same
 * code whichever validator found the mistake. An issue of an unknown library is `required` (3) when
 * nothing is at its path in the input, else `invalid` (4).
 *
 * Messages never repeat the input: valibot's and arktype's default messages do ("but received
 * \"...\"", "(was \"...\")"), so they are replaced by ours, and any message (a custom one included)
 * that contains the rejected value is replaced too.
 */
import type { Violation, ViolationLocation } from "../details.js";
import {
  dedupe,
  fromZodIssues,
  resolveAlternatives,
  type Segment,
  valueAt,
  violation,
  type ZodIssueLike,
} from "./issues.js";
import { toPointer } from "./violations.js";

/** One issue of a Standard Schema result; the library's own fields come along. */
export interface StandardIssueLike {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/** What `~standard.validate` returns. */
export type StandardResultLike =
  | { readonly value: unknown; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssueLike> };

/** A Standard Schema (version 1), recognised by shape so that no library is a dependency. */
export interface StandardSchemaLike {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    validate(value: unknown): StandardResultLike | Promise<StandardResultLike>;
  };
}

/**
 * Whether `value` implements Standard Schema version 1.
 * @example
 * isStandardSchema(v.object({ item: v.string() })); // true
 */
export function isStandardSchema(value: unknown): value is StandardSchemaLike {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const standard = (value as { "~standard"?: unknown })["~standard"];
  return (
    typeof standard === "object" &&
    standard !== null &&
    (standard as { version?: unknown }).version === 1 &&
    typeof (standard as { validate?: unknown }).validate === "function"
  );
}

/** Options of {@link fromStandardIssues}. */
export interface FromStandardOptions {
  /** The value that was validated: tells an absent member from a wrong one, and what not to echo. */
  input?: unknown;
  /** `~standard.vendor`; without it each issue's library is recognised by the issue's shape. */
  vendor?: string;
}

type Issue = StandardIssueLike & Record<string, unknown>;

interface Context {
  readonly location: ViolationLocation;
  readonly input: unknown;
  readonly hasInput: boolean;
}

function segmentOf(item: PropertyKey | { readonly key: PropertyKey }): Segment {
  const key = typeof item === "object" && item !== null ? item.key : item;
  if (typeof key === "symbol") return key.description ?? "";
  return key as Segment;
}

function pathOf(issue: StandardIssueLike): Segment[] {
  // Array.from, not .map: arktype's path is an Array subclass whose constructor takes the items.
  return Array.isArray(issue.path) ? Array.from(issue.path, segmentOf) : [];
}

function absent(path: readonly Segment[], ctx: Context): boolean {
  return ctx.hasInput && path.length > 0 && valueAt(ctx.input, path) === undefined;
}

// ---------------------------------------------------------------------------------------------
// Messages

const ORDINAL_RULES: Readonly<Record<string, string>> = {
  minimum: "must be >= ",
  maximum: "must be <= ",
  exclusiveMinimum: "must be > ",
  exclusiveMaximum: "must be < ",
  multipleOf: "must be a multiple of ",
};

/** Our message for a rule: said from the schema's side only, so it cannot carry the input. */
function ruleMessage(v: Violation): string {
  const { rule, expected } = v;
  const limit = typeof expected === "number" ? expected : undefined;
  if (ORDINAL_RULES[rule] !== undefined && expected !== undefined) return `${ORDINAL_RULES[rule]}${expected}`;
  switch (rule) {
    case "required":
      return "is required";
    case "additionalProperties":
      return "is not an allowed property";
    case "type":
      if (Array.isArray(expected)) return `must be ${expected.join(" or ")}`;
      return typeof expected === "string" ? `must be ${expected}` : "has the wrong type";
    case "const":
      return "must be equal to the allowed value";
    case "enum":
      return "must be equal to one of the allowed values";
    case "minLength":
      return limit === undefined ? "is too short" : `must NOT have fewer than ${limit} characters`;
    case "maxLength":
      return limit === undefined ? "is too long" : `must NOT have more than ${limit} characters`;
    case "minItems":
      return limit === undefined ? "has too few items" : `must NOT have fewer than ${limit} items`;
    case "maxItems":
      return limit === undefined ? "has too many items" : `must NOT have more than ${limit} items`;
    case "minProperties":
      return limit === undefined ? "has too few properties" : `must NOT have fewer than ${limit} properties`;
    case "maxProperties":
      return limit === undefined ? "has too many properties" : `must NOT have more than ${limit} properties`;
    case "pattern":
      return "must match the required pattern";
    case "format":
      return typeof expected === "string"
        ? `must match format "${expected}"`
        : "must match the required format";
    default:
      return "is invalid";
  }
}

function renderings(value: unknown): string[] {
  switch (typeof value) {
    case "string":
      // Very short strings occur in any sentence; quoted they still count.
      return value.length >= 3 ? [value, JSON.stringify(value)] : value === "" ? [] : [JSON.stringify(value)];
    case "number":
    case "bigint":
      return [String(value)];
    case "boolean":
      return [String(value)];
    case "object":
      if (value === null) return [];
      try {
        const json = JSON.stringify(value);
        return json !== undefined && json.length > 2 ? [json] : [];
      } catch {
        return [];
      }
    default:
      return [];
  }
}

/** Whether `message` contains `value` (numbers as whole numbers, not digits of another). */
function echoes(message: string, value: unknown): boolean {
  for (const text of renderings(value)) {
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
      const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      if (new RegExp(`(^|[^\\w.])${escaped}($|[^\\w.])`).test(message)) return true;
    } else if (message.includes(text)) return true;
  }
  return false;
}

/** The pointer's segments back (RFC 6901 unescaped), to find the value a violation is about. */
function segmentsOf(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAtPointer(input: unknown, pointer: string): unknown {
  let current = input;
  for (const key of segmentsOf(pointer)) {
    if (Array.isArray(current)) current = current[Number(key)];
    else if (typeof current === "object" && current !== null && Object.hasOwn(current, key)) {
      current = (current as Record<string, unknown>)[key];
    } else return undefined;
  }
  return current;
}

/**
 * Keeps the library's (or the schema author's) message unless it repeats the value it is about or
 * any member of it; then ours.
 */
function scrub(v: Violation, ctx: Context, keep: boolean): Violation {
  if (!keep) return { ...v, message: ruleMessage(v) };
  if (!ctx.hasInput) return v;
  const current = valueAtPointer(ctx.input, v.pointer);
  // The value itself and every string it contains (an object's members are echoed one by one).
  const leaves: unknown[] = [current];
  const collect = (x: unknown, depth: number) => {
    if (depth > 4 || typeof x !== "object" || x === null) return;
    for (const item of Object.values(x)) {
      if (typeof item === "object") collect(item, depth + 1);
      else leaves.push(item);
    }
  };
  collect(current, 0);
  if (leaves.some((leaf) => echoes(v.message, leaf))) return { ...v, message: ruleMessage(v) };
  return v;
}

// ---------------------------------------------------------------------------------------------
// valibot

const VALIBOT_DEFAULT = /^Invalid [^:]+: (Expected [\s\S]* but received|Received) /;
const VALIBOT_TYPES: Readonly<Record<string, string>> = { Object: "object", Array: "array" };
const VALIBOT_FORMATS: Readonly<Record<string, string>> = {
  email: "email",
  rfc_email: "email",
  url: "uri",
  uuid: "uuid",
  iso_date: "date",
  iso_date_time: "date-time",
  iso_time: "time",
  iso_timestamp: "date-time",
  ipv4: "ipv4",
  ipv6: "ipv6",
};
const VALIBOT_PATTERNS = new Set(["regex", "starts_with", "ends_with", "includes", "excludes"]);
const VALIBOT_SIZES: Readonly<Record<string, boolean>> = {
  min_length: true,
  max_length: false,
  non_empty: true,
  min_size: true,
  max_size: false,
  min_entries: true,
  max_entries: false,
};
const VALIBOT_BOUNDS: Readonly<Record<string, string>> = {
  min_value: "minimum",
  max_value: "maximum",
  gt_value: "exclusiveMinimum",
  lt_value: "exclusiveMaximum",
};
const VALIBOT_SCHEMA_KINDS = new Set(["schema", "validation", "transformation"]);

function isValibotIssue(issue: Issue): boolean {
  return typeof issue.type === "string" && VALIBOT_SCHEMA_KINDS.has(issue.kind as string);
}

/** valibot's `expected` of a literal or picklist (`"a"`, `("a" | "b")`) back to values, when JSON. */
function valibotValues(expected: unknown): unknown[] | undefined {
  if (typeof expected !== "string") return undefined;
  const inner = expected.startsWith("(") && expected.endsWith(")") ? expected.slice(1, -1) : expected;
  try {
    return inner.split(" | ").map((part) => JSON.parse(part) as unknown);
  } catch {
    return undefined;
  }
}

function sizeRule(value: unknown, small: boolean): string {
  if (typeof value === "string") return small ? "minLength" : "maxLength";
  if (Array.isArray(value)) return small ? "minItems" : "maxItems";
  return small ? "minProperties" : "maxProperties";
}

function mapValibot(issue: Issue, base: readonly Segment[], ctx: Context): Violation[] {
  const path = [...base, ...pathOf(issue)];
  const pointer = toPointer(path);
  const last = Array.isArray(issue.path)
    ? (issue.path[issue.path.length - 1] as Issue | undefined)
    : undefined;
  const type = issue.type as string;
  const at = (rule: string, expected?: unknown) =>
    violation(ctx.location, pointer, rule, issue.message, expected);
  const missing = issue.received === "undefined" || absent(path, ctx);
  if (issue.kind === "transformation") return [at("transform")];
  if (issue.kind === "validation") {
    const value = valueAt(ctx.input, path);
    if (type === "integer" || type === "safe_integer") return [at("type", "integer")];
    if (VALIBOT_SIZES[type] !== undefined) {
      const small = VALIBOT_SIZES[type] as boolean;
      return [at(sizeRule(value, small), type === "non_empty" ? 1 : issue.requirement)];
    }
    if (type === "length" || type === "size" || type === "entries") {
      const length = typeof value === "string" || Array.isArray(value) ? value.length : Number.NaN;
      return [at(sizeRule(value, length < Number(issue.requirement)), issue.requirement)];
    }
    if (VALIBOT_BOUNDS[type] !== undefined) return [at(VALIBOT_BOUNDS[type] as string, issue.requirement)];
    if (type === "multiple_of") return [at("multipleOf", issue.requirement)];
    if (VALIBOT_PATTERNS.has(type)) {
      const requirement = issue.requirement;
      return [at("pattern", requirement instanceof RegExp ? requirement.source : requirement)];
    }
    if (type === "value") return [at("const", issue.requirement)];
    if (type === "values") return [at("enum", issue.requirement)];
    if (type === "check" || type === "custom" || type === "partial_check" || type === "raw_check") {
      return [at("custom")];
    }
    return [at(VALIBOT_FORMATS[type] === undefined ? type : "format", VALIBOT_FORMATS[type])];
  }
  // kind "schema": a wrong type, a wrong member (key origin) or a value outside a literal/picklist.
  if (last !== undefined && typeof last === "object" && last.origin === "key") {
    return [at(missing ? "required" : "additionalProperties")];
  }
  if (missing) return [at("required")];
  if (type === "never") return [at(path.length > 0 ? "additionalProperties" : "not")];
  if (type === "literal") return [at("const", valibotValues(issue.expected)?.[0])];
  if (type === "picklist" || type === "enum" || type === "variant") {
    return [at("enum", valibotValues(issue.expected))];
  }
  if (type === "union" && Array.isArray(issue.issues) && issue.issues.length > 0) {
    // valibot lists the branches' issues flat, each relative to the union's value.
    const branches = (issue.issues as Issue[]).map((sub) => mapIssue(sub, path, ctx));
    return resolveAlternatives(branches, at("anyOf"), "anyOf");
  }
  const expected = typeof issue.expected === "string" ? issue.expected : undefined;
  return [at("type", expected === undefined ? undefined : (VALIBOT_TYPES[expected] ?? expected))];
}

// ---------------------------------------------------------------------------------------------
// arktype

const ARK_DOMAINS: Readonly<Record<string, string>> = {
  "a string": "string",
  "a number": "number",
  "a bigint": "integer",
  boolean: "boolean",
  true: "boolean",
  false: "boolean",
  "an object": "object",
  "an array": "array",
  "a Date": "string",
  null: "null",
  undefined: "null",
};

function isArkIssue(issue: Issue): boolean {
  return issue[" arkKind"] === "error";
}

/** arktype's description of alternatives (`a number or a string`, `1, 2 or 3`) split up. */
function arkAlternatives(expected: unknown): string[] {
  return typeof expected === "string" ? expected.split(/, or |, | or /) : [];
}

/** `a number or a string` -> ["number", "string"] when every alternative names a JSON type. */
function arkTypes(expected: unknown): string[] | undefined {
  const out: string[] = [];
  for (const part of arkAlternatives(expected)) {
    const type = ARK_DOMAINS[part];
    if (type === undefined) return undefined;
    if (!out.includes(type)) out.push(type);
  }
  return out.length === 0 ? undefined : out;
}

/** `"a", "b" or "c"` -> ["a", "b", "c"] when every alternative is a JSON literal. */
function arkUnits(expected: unknown): unknown[] | undefined {
  try {
    const out = arkAlternatives(expected).map((part) => JSON.parse(part) as unknown);
    return out.length === 0 ? undefined : out;
  } catch {
    return undefined;
  }
}

function arkLengthRule(issue: Issue, value: unknown): string {
  if (issue.code !== "exactLength") return sizeRule(value, issue.code === "minLength");
  const length = typeof value === "string" || Array.isArray(value) ? value.length : Number.NaN;
  return sizeRule(value, length < Number(issue.rule));
}

function mapArk(issue: Issue, base: readonly Segment[], ctx: Context): Violation[] {
  const path = [...base, ...pathOf(issue)];
  const pointer = toPointer(path);
  const at = (rule: string, expected?: unknown) =>
    violation(ctx.location, pointer, rule, issue.message, expected);
  const value = valueAt(ctx.input, path);
  switch (issue.code) {
    case "required":
      return [at("required")];
    case "domain": {
      const domain = issue.domain as string;
      return [at("type", domain === "bigint" ? "integer" : domain)];
    }
    case "proto": {
      const name = (issue.proto as { name?: string } | undefined)?.name;
      return [at("type", name === "Array" ? "array" : name === "Date" ? "string" : "object")];
    }
    case "unit":
      return [at("const", issue.unit)];
    case "divisor":
      return issue.rule === 1 ? [at("type", "integer")] : [at("multipleOf", issue.rule)];
    case "min":
      return [at(issue.exclusive === true ? "exclusiveMinimum" : "minimum", issue.rule)];
    case "max":
      return [at(issue.exclusive === true ? "exclusiveMaximum" : "maximum", issue.rule)];
    case "after":
      return [at("minimum", issue.rule)];
    case "before":
      return [at("maximum", issue.rule)];
    case "minLength":
    case "maxLength":
    case "exactLength":
      return [at(arkLengthRule(issue, value), issue.rule)];
    case "pattern":
      return [at("pattern", issue.rule)];
    case "intersection": {
      // Nested arktype errors carry their whole path already.
      const errors = Array.isArray(issue.errors) ? (issue.errors as Issue[]) : [];
      return errors.flatMap((sub) => mapIssue(sub, base, ctx));
    }
    case "union": {
      const errors = Array.isArray(issue.errors) ? (issue.errors as Issue[]) : [];
      if (errors.length === 0) return [at("anyOf")];
      return resolveAlternatives(
        errors.map((sub) => mapIssue(sub, base, ctx)),
        at("anyOf"),
        "anyOf",
      );
    }
    case "predicate": {
      // arktype's `"+": "reject"` reports an undeclared key as "must be removed".
      if (issue.expected === "removed") return [at("additionalProperties")];
      // A union of domains is reported as one predicate: "a number or a string".
      const types = arkTypes(issue.expected);
      if (types !== undefined) return [at("type", types.length === 1 ? types[0] : types)];
      // A union of literals likewise: "1, 2 or 3".
      const units = arkUnits(issue.expected);
      if (units !== undefined) return [at("enum", units)];
      return [at("custom")];
    }
    default:
      return [at(typeof issue.code === "string" ? issue.code : "custom")];
  }
}

// ---------------------------------------------------------------------------------------------
// Dispatch

function mapGeneric(issue: Issue, base: readonly Segment[], ctx: Context): Violation[] {
  const path = [...base, ...pathOf(issue)];
  return [
    violation(ctx.location, toPointer(path), absent(path, ctx) ? "required" : "invalid", issue.message),
  ];
}

function mapIssue(issue: Issue, base: readonly Segment[], ctx: Context): Violation[] {
  if (isArkIssue(issue)) return mapArk(issue, base, ctx);
  if (isValibotIssue(issue)) return mapValibot(issue, base, ctx);
  return mapGeneric(issue, base, ctx);
}

/** Whether a library writes the input into its default messages, by vendor or issue shape. */
function defaultMessage(issue: Issue): boolean {
  if (isArkIssue(issue)) {
    const problem = typeof issue.problem === "string" ? issue.problem : undefined;
    return problem !== undefined && issue.message.endsWith(problem);
  }
  if (isValibotIssue(issue)) return VALIBOT_DEFAULT.test(issue.message);
  return false;
}

/**
 * Maps the issues of a failed Standard Schema validation to violations, in the library's order.
 *
 * - zod: as {@link fromZodIssues}.
 * - valibot, by `kind` and `type`: a key-origin issue is `required` or `additionalProperties` (3);
 *   other schema issues `type` (5), `const` (`literal`) or `enum` (`picklist`, `enum`, `variant`)
 *   (4); validation actions map to their JSON Schema keyword (`min_length` -> `minLength` or
 *   `minItems`, `min_value` -> `minimum`, `regex` -> `pattern`, `email` -> `format`...), `integer`
 *   being `type` (5); transformations `transform` (4).
 * - arktype, by `code`: `required` (3), `domain`/`proto` (5), `unit` (const), `min`, `max`,
 *   `minLength`, `pattern`, `divisor` (an integer check is `type`, 5), an undeclared key rejected by
 *   `"+": "reject"` `additionalProperties` (3), `intersection` and `union` unfolded.
 * - anything else: `required` when nothing is at the path in `input`, else `invalid` (4).
 * @example
 * const result = await schema["~standard"].validate(body);
 * if (result.issues) throw ApiError.fromViolations(fromStandardIssues(result.issues, "body", { input: body }));
 */
export function fromStandardIssues(
  issues: ReadonlyArray<StandardIssueLike>,
  location: ViolationLocation = "body",
  options: FromStandardOptions = {},
): Violation[] {
  const ctx: Context = { location, input: options.input, hasInput: Object.hasOwn(options, "input") };
  const zod =
    options.vendor === "zod" ||
    (options.vendor === undefined &&
      issues.every((i) => typeof (i as Issue).code === "string" && !isArkIssue(i as Issue)));
  const out: Violation[] = [];
  if (zod) {
    const mapped = fromZodIssues(
      issues as unknown as ZodIssueLike[],
      location,
      ctx.hasInput ? { input: ctx.input } : {},
    );
    for (const v of mapped) out.push(scrub(v, ctx, true));
    return out;
  }
  for (const raw of issues) {
    const issue = raw as Issue;
    const keep = !defaultMessage(issue);
    for (const v of mapIssue(issue, [], ctx)) out.push(scrub(v, ctx, keep));
  }
  return dedupe(out);
}
