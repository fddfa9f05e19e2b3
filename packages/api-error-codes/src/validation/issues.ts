/**
 * Schema validation errors -> violations. ajv (JSON Schema) errors and zod v4 issues both become
 * `{in, pointer, rule, message, expected?}`, where `rule` is the JSON Schema keyword that failed, so
 * that the precedence rule of the contract (`codeForViolations`) gives the same code for the same
 * mistake whichever validator found it.
 */
import type { JsonValue, Violation, ViolationLocation } from "../details.js";
import { escapePointerSegment, toPointer } from "./violations.js";

/** The fields of an ajv `ErrorObject` that the mapping reads. */
export interface AjvErrorLike {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
  /** Lets the mapping tell which branch of an `anyOf`/`oneOf` an error came from. */
  schemaPath?: string | undefined;
}

/** The fields of a zod issue that the mapping reads. */
export interface ZodIssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
}

/** Options of {@link fromZodIssues}. */
export interface FromZodOptions {
  /**
   * The value that was validated. zod v4 issues do not say whether a value was absent or present
   * with the wrong type (unless parsed with `reportInput: true`); with the input at hand the mapping
   * can tell "required" from "type" reliably, whatever the error messages say.
   */
  input?: unknown;
}

// ---------------------------------------------------------------------------------------------
// Shared helpers

const ALTERNATIVE_VALUE_RULES = new Set(["const", "enum"]);

/**
 * `expected` must be JSON: limits can be BigInt (zod bigint checks) and patterns RegExps, and a
 * schema author may put anything into an enum. Anything JSON cannot carry is dropped.
 */
export function toJson(value: unknown, depth = 0): JsonValue | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
      return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(value)
        : value.toString();
    case "object": {
      if (value === null) return null;
      if (depth > 8) return undefined;
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString();
      if (value instanceof RegExp) return value.source;
      if (Array.isArray(value)) return value.map((v) => toJson(v, depth + 1) ?? null);
      const out: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(value)) {
        const json = toJson(v, depth + 1);
        if (json !== undefined) out[k] = json;
      }
      return out;
    }
    default:
      return undefined;
  }
}

export function violation(
  location: ViolationLocation,
  pointer: string,
  rule: string,
  message: string,
  expected?: unknown,
): Violation {
  const v: Violation = { in: location, pointer, rule, message };
  const json = expected === undefined ? undefined : toJson(expected);
  if (json !== undefined) v.expected = json;
  return v;
}

function isUnder(pointer: string, base: string): boolean {
  return pointer === base || pointer.startsWith(`${base}/`);
}

/** The distinct values of several `expected`s, arrays flattened, in first-seen order. */
function union(values: readonly (JsonValue | undefined)[]): JsonValue[] {
  const seen = new Set<string>();
  const out: JsonValue[] = [];
  for (const value of values) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) {
      const key = JSON.stringify(item);
      if (!seen.has(key)) {
        seen.add(key);
        out.push(item);
      }
    }
  }
  return out;
}

function orList(items: readonly JsonValue[]): string {
  const words = items.map(String);
  return words.length <= 2
    ? words.join(" or ")
    : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

function mergedType(at: Violation, alternatives: readonly Violation[]): Violation {
  const types = union(alternatives.map((v) => v.expected));
  return violation(at.in, at.pointer, "type", `must be ${orList(types)}`, types);
}

function mergedEnum(at: Violation, alternatives: readonly Violation[]): Violation {
  const values = union(alternatives.map((v) => (v.rule === "const" ? [v.expected ?? null] : v.expected)));
  return violation(at.in, at.pointer, "enum", "must be equal to one of the allowed values", values);
}

/**
 * Several alternatives failed at the same pointer on type or value (`string | number`, or
 * `"a" | "b"` spelled as branches): one violation listing what any branch would have accepted says
 * more than one contradictory violation per branch.
 */
function mergeAlternativesAt(pointerViolations: readonly Violation[], keyword: string): Violation {
  const first = pointerViolations[0]!;
  if (pointerViolations.every((v) => v.rule === "type")) return mergedType(first, pointerViolations);
  if (pointerViolations.every((v) => ALTERNATIVE_VALUE_RULES.has(v.rule))) {
    return mergedEnum(first, pointerViolations);
  }
  return violation(
    first.in,
    first.pointer,
    keyword,
    `must match one of the allowed alternatives (${keyword})`,
  );
}

/**
 * Resolves a failed union (`anyOf`, `oneOf`, zod `union`) whose branches each produced violations.
 *
 * 1. A pointer where every branch failed on type or const/enum is where the value matches no branch
 *    at all (a wrong primitive, or a discriminator-like tag): report that pointer only, merged.
 * 2. Otherwise report the branch that came closest: branches that reject the union value's own type
 *    are passed over, then the one with the fewest violations wins, the first on a tie. Listing
 *    every branch's complaints would tell the client to fix things it should not touch.
 */
export function resolveAlternatives(
  branches: readonly (readonly Violation[])[],
  at: Violation,
  keyword: string,
): Violation[] {
  const nonEmpty = branches.filter((b) => b.length > 0);
  if (nonEmpty.length === 0 || nonEmpty.length < branches.length) return [at];
  const mismatch = (v: Violation) => v.rule === "type" || ALTERNATIVE_VALUE_RULES.has(v.rule);
  for (const candidate of nonEmpty[0]!) {
    if (!mismatch(candidate)) continue;
    const atPointer: Violation[] = [];
    let everywhere = true;
    for (const branch of nonEmpty) {
      const found = branch.find((v) => v.pointer === candidate.pointer && mismatch(v));
      if (found === undefined) {
        everywhere = false;
        break;
      }
      atPointer.push(found);
    }
    if (everywhere) return [mergeAlternativesAt(atPointer, keyword)];
  }
  const rejectsWhole = (b: readonly Violation[]) =>
    b.some((v) => v.rule === "type" && v.pointer === at.pointer);
  const plausible = nonEmpty.filter((b) => !rejectsWhole(b));
  const pool = plausible.length > 0 ? plausible : nonEmpty;
  let best = pool[0]!;
  for (const branch of pool) if (branch.length < best.length) best = branch;
  return [...best];
}

/** Equal violations (same place, rule and message) listed once, first occurrence kept. */
export function dedupe(violations: Violation[]): Violation[] {
  if (violations.length < 2) return violations;
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = JSON.stringify([v.in, v.pointer, v.rule, v.message, v.expected]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// ajv

const DEFAULT_REQUIRED = /^must have required property /;
/** Keywords that fromAjvErrors resolves with their children or neighbours rather than on their own. */
const UMBRELLA_KEYWORDS: ReadonlySet<string> = new Set([
  "if",
  "anyOf",
  "oneOf",
  "contains",
  "propertyNames",
  "discriminator",
]);

/** What one ajv error says on its own (umbrella keywords are handled by the caller). */
function ajvLeaf(error: AjvErrorLike, location: ViolationLocation): Violation {
  const { instancePath: path, keyword, params } = error;
  const message = error.message ?? `must pass "${keyword}" keyword validation`;
  const child = (name: unknown) => `${path}/${escapePointerSegment(String(name))}`;
  switch (keyword) {
    case "required":
      // ajv names the object; the client needs the member it has to add.
      return violation(
        location,
        child(params.missingProperty),
        "required",
        DEFAULT_REQUIRED.test(message) ? "is required" : message,
      );
    case "dependentRequired":
    case "dependencies":
      return violation(
        location,
        child(params.missingProperty),
        keyword,
        `is required when ${String(params.property)} is present`,
      );
    case "additionalProperties":
      return violation(location, child(params.additionalProperty), keyword, "is not an allowed property");
    case "unevaluatedProperties":
      return violation(location, child(params.unevaluatedProperty), keyword, "is not an allowed property");
    case "type":
      return violation(location, path, "type", message, params.type);
    case "enum":
      return violation(location, path, "enum", message, params.allowedValues);
    case "const":
      return violation(location, path, "const", message, params.allowedValue);
    case "pattern":
      return violation(location, path, "pattern", message, params.pattern);
    case "format":
      return violation(location, path, "format", message, params.format);
    case "multipleOf":
      return violation(location, path, "multipleOf", message, params.multipleOf);
    case "contains":
      return violation(location, path, "contains", message, params.minContains ?? params.maxContains);
    case "false schema":
      // `false` is `{"not": {}}`: whatever is here, it may not be.
      return violation(location, path, "not", "is not allowed");
    default:
      // minimum, maximum, exclusive*, min/maxLength, min/maxItems, min/maxProperties, items,
      // additionalItems, formatMinimum...: all carry their bound as `limit`.
      return violation(location, path, keyword, message, params.limit);
  }
}

interface Pending {
  path: string;
  schemaPath: string | undefined;
  violations: Violation[];
}

/**
 * The errors an umbrella error (anyOf, oneOf, contains, propertyNames) stands for. ajv pushes them
 * right before the umbrella, so they are taken from the end of what was collected so far, as long
 * as they concern the umbrella's value (same or deeper instancePath) and are not errors of a
 * sibling keyword of the same schema object (same schemaPath prefix, outside the umbrella). A
 * `$ref` inside a branch reports schema paths of the referenced schema, which is why the schema
 * path alone cannot decide.
 */
function takeChildren(pending: Pending[], umbrella: AjvErrorLike): Pending[] {
  const own = umbrella.schemaPath;
  const parent = own === undefined ? undefined : own.slice(0, own.lastIndexOf("/"));
  const children: Pending[] = [];
  while (pending.length > 0) {
    const last = pending[pending.length - 1]!;
    if (!isUnder(last.path, umbrella.instancePath)) break;
    const sp = last.schemaPath;
    if (own !== undefined && parent !== undefined && sp !== undefined && !sp.startsWith(`${own}/`)) {
      const rest = sp.startsWith(`${parent}/`) ? sp.slice(parent.length + 1) : undefined;
      if (rest !== undefined && !/^(\$defs|definitions)\//.test(rest)) break;
    }
    children.unshift(pending.pop()!);
  }
  return children;
}

function resolveAjvUnion(children: readonly Pending[], umbrella: AjvErrorLike, at: Violation): Violation[] {
  const own = umbrella.schemaPath;
  const branches: Violation[][] = [];
  let attributable = own !== undefined;
  for (const child of children) {
    const rest =
      own !== undefined && child.schemaPath?.startsWith(`${own}/`)
        ? child.schemaPath.slice(own.length + 1)
        : undefined;
    const index = rest === undefined ? Number.NaN : Number.parseInt(rest, 10);
    if (!Number.isInteger(index)) {
      attributable = false;
      break;
    }
    const branch = branches[index] ?? [];
    branch.push(...child.violations);
    branches[index] = branch;
  }
  if (attributable) return resolveAlternatives(branches.filter(Boolean), at, umbrella.keyword);
  // Branches reached through `$ref` cannot be told apart: keep every violation, but merge
  // contradicting alternatives at one pointer so the client sees one "must be string or number".
  const all = children.flatMap((c) => c.violations);
  const out: Violation[] = [];
  const done = new Set<string>();
  for (const v of all) {
    if (v.rule !== "type" && !ALTERNATIVE_VALUE_RULES.has(v.rule)) {
      out.push(v);
      continue;
    }
    if (done.has(v.pointer)) continue;
    done.add(v.pointer);
    const same = all.filter(
      (o) => o.pointer === v.pointer && (o.rule === "type" || ALTERNATIVE_VALUE_RULES.has(o.rule)),
    );
    out.push(same.length === 1 ? v : mergeAlternativesAt(same, umbrella.keyword));
  }
  return out;
}

/**
 * Maps ajv errors (run ajv with `allErrors: true` to get them all) to violations, in ajv's order.
 *
 * - `required`, `additionalProperties`, `unevaluatedProperties`, `dependentRequired`: the pointer
 *   names the missing or extra member itself, not the object that holds it.
 * - `if` is dropped: the failing `then`/`else` errors are reported next to it and say everything.
 * - `anyOf`/`oneOf` are replaced by what their branches say (see `resolveAlternatives`: one merged
 *   violation where every branch rejects the same value, else the branch that came closest); the
 *   umbrella is kept as is when no branch error is reported (`oneOf` matching several branches).
 * - `contains` and `propertyNames` keep their own error and drop the per-item / per-name errors,
 *   which would otherwise claim that items or names elsewhere are wrong.
 * - `discriminator`: a missing tag is already a `required` error; a tag of the wrong type becomes
 *   `type`, an unknown tag value `discriminator`, both pointing at the tag.
 * @example
 * if (!validate(body)) throw ApiError.fromViolations(fromAjvErrors(validate.errors ?? []));
 */
export function fromAjvErrors(
  errors: readonly AjvErrorLike[],
  location: ViolationLocation = "body",
): Violation[] {
  // The common case, one plain failure (a type, a bound, a missing member), in one step.
  const only = errors.length === 1 ? (errors[0] as AjvErrorLike) : undefined;
  if (only !== undefined && !UMBRELLA_KEYWORDS.has(only.keyword)) return [ajvLeaf(only, location)];
  const pending: Pending[] = [];
  for (const error of errors) {
    const { keyword, instancePath, params } = error;
    const item = (violations: Violation[]): Pending => ({
      path: instancePath,
      schemaPath: error.schemaPath,
      violations,
    });
    if (keyword === "if") continue;
    if (keyword === "anyOf" || keyword === "oneOf") {
      const at = violation(
        location,
        instancePath,
        keyword,
        error.message ?? `must match ${keyword === "oneOf" ? "exactly one" : "a"} schema in ${keyword}`,
      );
      const children = takeChildren(pending, error);
      pending.push(item(children.length === 0 ? [at] : resolveAjvUnion(children, error, at)));
      continue;
    }
    if (keyword === "contains") {
      takeChildren(pending, error);
      pending.push(item([ajvLeaf(error, location)]));
      continue;
    }
    if (keyword === "propertyNames") {
      const inner = takeChildren(pending, error).flatMap((c) => c.violations)[0];
      const name = typeof params.propertyName === "string" ? params.propertyName : undefined;
      const pointer = name === undefined ? instancePath : `${instancePath}/${escapePointerSegment(name)}`;
      const because = inner === undefined ? "" : `: ${inner.message}`;
      pending.push(
        item([violation(location, pointer, "propertyNames", `property name is not allowed${because}`)]),
      );
      continue;
    }
    if (keyword === "discriminator") {
      const tag = typeof params.tag === "string" ? params.tag : "";
      const pointer = `${instancePath}/${escapePointerSegment(tag)}`;
      if (params.error === "tag") {
        const missing = pending.some((p) =>
          p.violations.some((v) => v.pointer === pointer && v.rule === "required"),
        );
        if (!missing) pending.push(item([violation(location, pointer, "type", "must be string", "string")]));
        continue;
      }
      pending.push(
        item([violation(location, pointer, "discriminator", error.message ?? "is not a known kind")]),
      );
      continue;
    }
    pending.push(item([ajvLeaf(error, location)]));
  }
  return dedupe(pending.flatMap((p) => p.violations));
}

// ---------------------------------------------------------------------------------------------
// zod

export type Segment = string | number;
type IssueRecord = Record<string, unknown>;

const ZOD_TYPE_NAMES: Readonly<Record<string, string>> = { int: "integer", record: "object", tuple: "array" };
const ZOD_FORMAT_NAMES: Readonly<Record<string, string>> = { datetime: "date-time" };
/** zod string checks that JSON Schema spells as `pattern`. */
const ZOD_PATTERN_FORMATS = new Set([
  "regex",
  "starts_with",
  "ends_with",
  "includes",
  "lowercase",
  "uppercase",
  "template_literal",
]);
// zod's default English message for an absent value; only a fallback, see `isMissing`.
const RECEIVED_UNDEFINED = /received undefined$/;

function segment(key: PropertyKey): Segment {
  return typeof key === "symbol" ? (key.description ?? "") : key;
}

export function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let current = root;
  for (const key of path) {
    if (current instanceof Map) current = current.get(key);
    else if (typeof current === "object" && current !== null && Object.hasOwn(current, key)) {
      current = (current as Record<Segment, unknown>)[key];
    } else return undefined;
  }
  return current;
}

interface ZodContext {
  location: ViolationLocation;
  hasInput: boolean;
  input: unknown;
}

/**
 * Whether the issue is about an absent value. zod v4 strips the input from issues, so in order of
 * reliability: the caller's input, the issue's own `input` (`reportInput: true`), and last zod's
 * default English message or the `nonoptional` expectation of `z.any()`/`z.unknown()` members.
 * With a custom message and neither of the first two, an absent enum or literal reads as "enum".
 */
function isMissing(issue: IssueRecord, path: readonly Segment[], ctx: ZodContext): boolean {
  if (ctx.hasInput) return valueAt(ctx.input, path) === undefined;
  if (Object.hasOwn(issue, "input")) return issue.input === undefined;
  if (issue.code !== "invalid_type") return false;
  // zod 3 still said so outright (`received: "undefined"`).
  if (issue.received === "undefined" || issue.expected === "nonoptional") return true;
  return RECEIVED_UNDEFINED.test(String(issue.message));
}

// zod's default messages; a required violation replaces them, a custom message is kept.
const ZOD_DEFAULT_MESSAGE = /^Invalid (input|option|discriminator value)\b/;

function zodBound(issue: IssueRecord, small: boolean): { rule: string; limit: unknown } {
  const limit = small ? issue.minimum : issue.maximum;
  switch (issue.origin) {
    case "string":
    case "file":
      return { rule: small ? "minLength" : "maxLength", limit };
    case "array":
    case "set":
      return { rule: small ? "minItems" : "maxItems", limit };
    case "map":
      return { rule: small ? "minProperties" : "maxProperties", limit };
    default: {
      const exclusive = issue.inclusive === false;
      if (small) return { rule: exclusive ? "exclusiveMinimum" : "minimum", limit };
      return { rule: exclusive ? "exclusiveMaximum" : "maximum", limit };
    }
  }
}

function patternSource(pattern: unknown): unknown {
  if (typeof pattern !== "string") return pattern;
  const literal = /^\/(.*)\/[a-z]*$/s.exec(pattern);
  return literal === null ? pattern : literal[1];
}

function mapZodIssue(raw: ZodIssueLike, base: readonly Segment[], ctx: ZodContext): Violation[] {
  const issue = raw as unknown as IssueRecord;
  const path = [...base, ...(Array.isArray(raw.path) ? raw.path.map(segment) : [])];
  const pointer = toPointer(path);
  const { location } = ctx;
  const message = typeof raw.message === "string" ? raw.message : "is invalid";
  const required = () =>
    violation(location, pointer, "required", ZOD_DEFAULT_MESSAGE.test(message) ? "is required" : message);
  switch (raw.code) {
    case "invalid_type": {
      if (isMissing(issue, path, ctx)) return [required()];
      const expected =
        typeof issue.expected === "string" ? (ZOD_TYPE_NAMES[issue.expected] ?? issue.expected) : undefined;
      return [violation(location, pointer, "type", message, expected)];
    }
    case "invalid_value": {
      if (isMissing(issue, path, ctx)) return [required()];
      const values = Array.isArray(issue.values) ? issue.values : [];
      if (values.length === 1) return [violation(location, pointer, "const", message, values[0] ?? null)];
      return [violation(location, pointer, "enum", message, values)];
    }
    case "too_small":
    case "too_big": {
      const { rule, limit } = zodBound(issue, raw.code === "too_small");
      return [violation(location, pointer, rule, message, limit)];
    }
    case "invalid_format": {
      const format = String(issue.format);
      if (ZOD_PATTERN_FORMATS.has(format)) {
        return [violation(location, pointer, "pattern", message, patternSource(issue.pattern))];
      }
      return [violation(location, pointer, "format", message, ZOD_FORMAT_NAMES[format] ?? format)];
    }
    case "not_multiple_of":
      return [violation(location, pointer, "multipleOf", message, issue.divisor)];
    case "unrecognized_keys": {
      const keys = Array.isArray(issue.keys) ? issue.keys : [];
      return keys.map((key) =>
        violation(
          location,
          toPointer([...path, String(key)]),
          "additionalProperties",
          "is not an allowed property",
        ),
      );
    }
    case "invalid_key":
      return [violation(location, pointer, "propertyNames", message)];
    case "invalid_element": {
      const nested = Array.isArray(issue.issues) ? (issue.issues as ZodIssueLike[]) : [];
      return nested.length === 0
        ? [violation(location, pointer, "items", message)]
        : nested.flatMap((n) => mapZodIssue(n, path, ctx));
    }
    case "invalid_union":
      return mapZodUnion(issue, path, pointer, message, ctx);
    case "custom":
      return [violation(location, pointer, "custom", message)];
    default:
      return [violation(location, pointer, String(raw.code), message)];
  }
}

function mapZodUnion(
  issue: IssueRecord,
  path: readonly Segment[],
  pointer: string,
  message: string,
  ctx: ZodContext,
): Violation[] {
  const { location } = ctx;
  const errors = Array.isArray(issue.errors) ? (issue.errors as unknown[]) : [];
  const branches = errors.map((b) => (Array.isArray(b) ? (b as ZodIssueLike[]) : []));
  const absent =
    ctx.hasInput || Object.hasOwn(issue, "input")
      ? isMissing(issue, path, ctx)
      : branches.length > 0 &&
        branches.every((b) =>
          b.some((i) => i.path.length === 0 && isMissing(i as unknown as IssueRecord, path, ctx)),
        );
  if (absent) {
    return [
      violation(location, pointer, "required", ZOD_DEFAULT_MESSAGE.test(message) ? "is required" : message),
    ];
  }
  if (Array.isArray(issue.options)) {
    // A discriminated union whose tag matched no option: the path already names the tag.
    return [violation(location, pointer, "enum", message, issue.options)];
  }
  if (branches.length === 0 || branches.every((b) => b.length === 0)) {
    // z.xor() with several matches: nothing to fix in one branch.
    return [violation(location, pointer, "oneOf", message)];
  }
  const mapped = branches.map((b) => b.flatMap((i) => mapZodIssue(i, path, ctx)));
  return resolveAlternatives(mapped, violation(location, pointer, "anyOf", message), "anyOf");
}

/**
 * Maps zod v4 issues (`error.issues` of a `ZodError`) to violations, in zod's order.
 *
 * An absent member becomes `required` (structural, code 3), a present one of the wrong type `type`
 * with the expected type (`int` is reported as `integer`); sizes map to the JSON Schema keyword of
 * their origin (`minLength` for strings, `minItems` for arrays, `minimum` for numbers and dates);
 * `unrecognized_keys` gives one `additionalProperties` violation per key; a failed union reports
 * its closest branch. Pass `{ input }` to make "absent" exact whatever the messages say.
 * @example
 * const result = Order.safeParse(body);
 * if (!result.success) throw ApiError.fromViolations(fromZodIssues(result.error.issues, "body", { input: body }));
 */
export function fromZodIssues(
  issues: readonly ZodIssueLike[],
  location: ViolationLocation = "body",
  options: FromZodOptions = {},
): Violation[] {
  const ctx: ZodContext = { location, hasInput: Object.hasOwn(options, "input"), input: options.input };
  return dedupe(issues.flatMap((issue) => mapZodIssue(issue, [], ctx)));
}
