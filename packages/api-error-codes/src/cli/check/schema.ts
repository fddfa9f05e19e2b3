/**
 * Just enough JSON Schema for probing: a validator for the common keywords (to know which rules a
 * probe breaks, and so which code the answer must carry), valid sample values, and values that
 * break one keyword at a time.
 */
import { randomUUID } from "node:crypto";
import { codeForViolations } from "../../validation/violations.js";
import { asSchema, isRecord } from "./spec.js";
import type { Schema } from "./types.js";

const MAX_DEPTH = 16;

/** One broken keyword at one place. */
export interface Failure {
  readonly keyword: string;
  /** RFC 6901 pointer of the value that broke it (for `required`, of the missing member). */
  readonly pointer: string;
}

/** The contract's code for a set of failures: 3 structural, else 5 type, else 4. */
export const codeFor = (failures: readonly Failure[]): 3 | 4 | 5 =>
  codeForViolations(failures.map((f) => ({ rule: f.keyword })));

const num = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/**
 * The schema with `allOf` folded in: properties merged, `required` united, other keywords from the
 * first member that has them. Good enough to sample and to walk fields.
 */
export function merged(schema: Schema, depth = 0): Schema {
  const allOf = schema.allOf;
  if (!Array.isArray(allOf) || depth > MAX_DEPTH) return schema;
  const out: Record<string, unknown> = { ...schema };
  delete out.allOf;
  const properties: Record<string, unknown> = isRecord(schema.properties) ? { ...schema.properties } : {};
  const required = new Set<string>(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  for (const member of allOf as unknown[]) {
    const part = merged(asSchema(member), depth + 1);
    for (const [key, value] of Object.entries(part)) {
      if (key === "properties" && isRecord(value)) {
        for (const [name, prop] of Object.entries(value)) if (!(name in properties)) properties[name] = prop;
      } else if (key === "required" && Array.isArray(value)) {
        for (const name of value) if (typeof name === "string") required.add(name);
      } else if (key === "additionalProperties" && value === false) {
        out.additionalProperties = false;
      } else if (!(key in out)) {
        out[key] = value;
      }
    }
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  return out;
}

/** The JSON types a schema admits, or `undefined` when it does not say. */
export function typesOf(schema: Schema): string[] | undefined {
  let types: string[] | undefined;
  if (typeof schema.type === "string") types = [schema.type];
  else if (Array.isArray(schema.type)) types = schema.type.filter((t): t is string => typeof t === "string");
  if (types === undefined) {
    if (isRecord(schema.properties)) types = ["object"];
    else if (isRecord(schema.items)) types = ["array"];
    else return undefined;
  }
  if (schema.nullable === true && !types.includes("null")) types = [...types, "null"];
  return types;
}

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = jsonType(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

function regex(pattern: unknown): RegExp | undefined {
  if (typeof pattern !== "string") return undefined;
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}

const FORMATS: Record<string, RegExp> = {
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
  email: /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/,
  "date-time": /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$/,
  time: /^\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})?$/,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  url: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  ipv4: /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/,
  hostname: /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i,
};

/** A valid value and one that breaks each format the checker knows. */
const FORMAT_SAMPLES: Record<string, [valid: () => string, invalid: string]> = {
  uuid: [() => randomUUID(), "not-a-uuid"],
  email: [() => "api-error-codes-check@example.com", "not-an-email"],
  "date-time": [() => "2024-01-01T00:00:00Z", "not-a-date-time"],
  date: [() => "2024-01-01", "2024-13-45"],
  time: [() => "12:00:00Z", "not-a-time"],
  uri: [() => "https://example.com/", "not a uri"],
  url: [() => "https://example.com/", "not a url"],
  ipv4: [() => "192.0.2.1", "999.0.0.1"],
  hostname: [() => "example.com", "-not a hostname-"],
};

const length = (value: string): number => [...value].length;

/**
 * Every keyword of `schema` that `value` breaks.
 * @example
 * validate({ type: "integer", minimum: 1 }, 0); // [{ keyword: "minimum", pointer: "" }]
 */
export function validate(schema: Schema, value: unknown, pointer = "", depth = 0): Failure[] {
  if (depth > MAX_DEPTH) return [];
  const out: Failure[] = [];
  const fail = (keyword: string, at = pointer) => out.push({ keyword, pointer: at });
  if (Array.isArray(schema.allOf)) {
    for (const member of schema.allOf as unknown[])
      out.push(...validate(asSchema(member), value, pointer, depth + 1));
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = schema[keyword];
    if (!Array.isArray(branches) || branches.length === 0) continue;
    const passing = branches.filter((b) => validate(asSchema(b), value, pointer, depth + 1).length === 0);
    if (passing.length === 0 || (keyword === "oneOf" && passing.length > 1)) fail(keyword);
  }
  if ("const" in schema && !deepEqual(schema.const, value)) fail("const");
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => deepEqual(e, value))) fail("enum");
  const types = typeof schema.type === "string" || Array.isArray(schema.type) ? typesOf(schema) : undefined;
  if (value === null && schema.nullable === true) return out;
  if (types !== undefined && !types.some((t) => typeMatches(value, t))) {
    fail("type");
    return out;
  }
  if (typeof value === "number") validateNumber(schema, value, fail);
  else if (typeof value === "string") validateString(schema, value, fail);
  else if (Array.isArray(value)) {
    const min = num(schema.minItems);
    const max = num(schema.maxItems);
    if (min !== undefined && value.length < min) fail("minItems");
    if (max !== undefined && value.length > max) fail("maxItems");
    if (schema.uniqueItems === true && value.some((v, i) => value.findIndex((w) => deepEqual(v, w)) !== i)) {
      fail("uniqueItems");
    }
    if (isRecord(schema.items)) {
      value.forEach((item, i) => {
        out.push(...validate(schema.items as Schema, item, `${pointer}/${i}`, depth + 1));
      });
    }
  } else if (isRecord(value)) {
    validateObject(schema, value, pointer, depth, out);
  }
  return out;
}

function validateNumber(schema: Schema, value: number, fail: (keyword: string) => void): void {
  const minimum = num(schema.minimum);
  const maximum = num(schema.maximum);
  if (minimum !== undefined) {
    if (schema.exclusiveMinimum === true ? value <= minimum : value < minimum) fail("minimum");
  }
  if (maximum !== undefined) {
    if (schema.exclusiveMaximum === true ? value >= maximum : value > maximum) fail("maximum");
  }
  const exclusiveMinimum = num(schema.exclusiveMinimum);
  const exclusiveMaximum = num(schema.exclusiveMaximum);
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) fail("exclusiveMinimum");
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) fail("exclusiveMaximum");
  const multipleOf = num(schema.multipleOf);
  if (multipleOf !== undefined && multipleOf > 0) {
    const ratio = value / multipleOf;
    if (Math.abs(ratio - Math.round(ratio)) > 1e-9) fail("multipleOf");
  }
}

function validateString(schema: Schema, value: string, fail: (keyword: string) => void): void {
  const minLength = num(schema.minLength);
  const maxLength = num(schema.maxLength);
  if (minLength !== undefined && length(value) < minLength) fail("minLength");
  if (maxLength !== undefined && length(value) > maxLength) fail("maxLength");
  const pattern = regex(schema.pattern);
  if (pattern !== undefined && !pattern.test(value)) fail("pattern");
  const format = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
  if (format !== undefined && !format.test(value)) fail("format");
}

function validateObject(
  schema: Schema,
  value: Record<string, unknown>,
  pointer: string,
  depth: number,
  out: Failure[],
): void {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  if (Array.isArray(schema.required)) {
    for (const name of schema.required as unknown[]) {
      if (typeof name === "string" && !Object.hasOwn(value, name)) {
        out.push({ keyword: "required", pointer: `${pointer}/${escapeSegment(name)}` });
      }
    }
  }
  for (const [name, member] of Object.entries(value)) {
    const at = `${pointer}/${escapeSegment(name)}`;
    if (Object.hasOwn(properties, name)) {
      out.push(...validate(asSchema(properties[name]), member, at, depth + 1));
    } else if (schema.additionalProperties === false || schema.unevaluatedProperties === false) {
      out.push({
        keyword: schema.additionalProperties === false ? "additionalProperties" : "unevaluatedProperties",
        pointer: at,
      });
    } else if (isRecord(schema.additionalProperties)) {
      out.push(...validate(schema.additionalProperties, member, at, depth + 1));
    }
  }
  const count = Object.keys(value).length;
  const min = num(schema.minProperties);
  const max = num(schema.maxProperties);
  if (min !== undefined && count < min) out.push({ keyword: "minProperties", pointer });
  if (max !== undefined && count > max) out.push({ keyword: "maxProperties", pointer });
}

const escapeSegment = (name: string): string => name.replace(/~/g, "~0").replace(/\//g, "~1");

// ---------------------------------------------------------------------------------------------
// Samples

/**
 * A value the schema accepts, or `undefined` when none could be built (the probes that need one
 * are then skipped). Objects get their required members only.
 * @example
 * sample({ type: "object", required: ["qty"], properties: { qty: { type: "integer", minimum: 1 } } });
 * // { value: { qty: 1 } }
 */
export function sample(schema: Schema, depth = 0): { value: unknown } | undefined {
  if (depth > 8) return undefined;
  const s = merged(schema);
  for (const candidate of candidatesOf(s, depth)) {
    if (validate(schema, candidate).length === 0) return { value: candidate };
  }
  return undefined;
}

function* candidatesOf(s: Schema, depth: number): Generator<unknown> {
  if ("const" in s) yield s.const;
  if (Array.isArray(s.enum)) yield* s.enum.filter((e) => e !== null);
  if (Array.isArray(s.examples)) yield* s.examples;
  if ("example" in s) yield s.example;
  if ("default" in s) yield s.default;
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const found = sample({ ...asSchema(branch) }, depth + 1);
      if (found !== undefined) yield found.value;
    }
  }
  // No type at all: any value will do, and a string is the most likely to be accepted.
  const types = typesOf(s) ?? ["string"];
  for (const type of types.filter((t) => t !== "null")) {
    if (type === "string") yield* stringCandidates(s);
    else if (type === "integer" || type === "number") yield numberSample(s, type === "integer");
    else if (type === "boolean") yield true;
    else if (type === "array") {
      const item = isRecord(s.items) ? sample(s.items, depth + 1) : { value: "sample" };
      if (item === undefined) continue;
      const count = Math.max(num(s.minItems) ?? 1, 1);
      if (s.uniqueItems === true && count > 1) continue;
      yield Array.from({ length: Math.min(count, num(s.maxItems) ?? count) }, () => item.value);
    } else if (type === "object") {
      const value = objectSample(s, depth);
      if (value !== undefined) yield value;
    }
  }
  if (types.includes("null")) yield null;
}

function objectSample(s: Schema, depth: number): Record<string, unknown> | undefined {
  const properties = isRecord(s.properties) ? s.properties : {};
  const out: Record<string, unknown> = {};
  for (const name of Array.isArray(s.required) ? (s.required as unknown[]) : []) {
    if (typeof name !== "string") continue;
    const found = Object.hasOwn(properties, name)
      ? sample(asSchema(properties[name]), depth + 1)
      : { value: "sample" };
    if (found === undefined) return undefined;
    out[name] = found.value;
  }
  return out;
}

function* stringCandidates(s: Schema): Generator<string> {
  const minLength = num(s.minLength) ?? 0;
  const maxLength = num(s.maxLength);
  const format = typeof s.format === "string" ? FORMAT_SAMPLES[s.format] : undefined;
  if (format !== undefined) yield format[0]();
  if (typeof s.pattern === "string") {
    for (let boost = 0; boost <= minLength + 2; boost++) {
      const generated = patternSample(s.pattern, boost);
      if (generated !== undefined) yield generated;
    }
  }
  let text = "sample";
  if (length(text) < minLength) text += "a".repeat(minLength - length(text));
  if (maxLength !== undefined && length(text) > maxLength) text = [...text].slice(0, maxLength).join("");
  yield text;
}

function numberSample(s: Schema, integer: boolean): number {
  let low = num(s.minimum);
  if (low !== undefined && s.exclusiveMinimum === true) low += integer ? 1 : 0.5;
  const exclusiveMinimum = num(s.exclusiveMinimum);
  if (exclusiveMinimum !== undefined)
    low = Math.max(low ?? -Infinity, exclusiveMinimum + (integer ? 1 : 0.5));
  let high = num(s.maximum);
  if (high !== undefined && s.exclusiveMaximum === true) high -= integer ? 1 : 0.5;
  const exclusiveMaximum = num(s.exclusiveMaximum);
  if (exclusiveMaximum !== undefined)
    high = Math.min(high ?? Infinity, exclusiveMaximum - (integer ? 1 : 0.5));
  let value = low ?? (high !== undefined ? Math.min(1, high) : 1);
  if (integer) value = Math.ceil(value);
  const multipleOf = num(s.multipleOf);
  if (multipleOf !== undefined && multipleOf > 0) value = Math.ceil(value / multipleOf) * multipleOf;
  return value;
}

/**
 * A value of a JSON type the schema does not admit (a type violation, code 5), or `undefined`
 * when the schema admits every type.
 */
export function wrongType(schema: Schema): unknown {
  const types = typesOf(merged(schema));
  if (types === undefined) return undefined;
  for (const candidate of ["abc", 12345, true, ["x"], { x: 1 }] as unknown[]) {
    if (!types.some((t) => typeMatches(candidate, t))) return candidate;
  }
  return undefined;
}

/** One value that breaks one keyword. */
export interface Breaker {
  readonly keyword: string;
  readonly value: unknown;
}

const PATTERN_BREAKERS = ["", "!", "<>", " ", "~", "a", "A", "0", "-", "_", "aaaa", "AAAA", "0000", "a b"];
const NOT_IN_ENUM = "api-error-codes-check-not-in-enum";

/**
 * Values that break the value keywords of a schema (code 4): range, length, pattern, format, enum,
 * const, items. Each is checked to break its keyword and nothing structural or of type.
 * @example
 * breakers({ type: "integer", minimum: 1, maximum: 10 });
 * // [{ keyword: "minimum", value: 0 }, { keyword: "maximum", value: 11 }]
 */
export function breakers(schema: Schema): Breaker[] {
  const s = merged(schema);
  const types = typesOf(s) ?? [];
  const base = sample(schema)?.value;
  const out: Breaker[] = [];
  const add = (keyword: string, value: unknown) => {
    const failures = validate(schema, value);
    if (failures.some((f) => f.keyword === keyword) && codeFor(failures) === 4) out.push({ keyword, value });
  };
  const numeric = types.includes("integer") || types.includes("number");
  if (numeric) {
    const integer = !types.includes("number");
    const minimum = num(s.minimum);
    const maximum = num(s.maximum);
    if (minimum !== undefined) add("minimum", minimum - 1);
    if (maximum !== undefined) add("maximum", maximum + 1);
    const exclusiveMinimum = num(s.exclusiveMinimum);
    const exclusiveMaximum = num(s.exclusiveMaximum);
    if (exclusiveMinimum !== undefined) add("exclusiveMinimum", exclusiveMinimum);
    if (exclusiveMaximum !== undefined) add("exclusiveMaximum", exclusiveMaximum);
    const multipleOf = num(s.multipleOf);
    if (multipleOf !== undefined && typeof base === "number") {
      add("multipleOf", integer ? base + 1 : base + multipleOf / 2);
    }
  }
  if (types.includes("string")) {
    const text = typeof base === "string" ? base : "a";
    const minLength = num(s.minLength);
    const maxLength = num(s.maxLength);
    if (minLength !== undefined && minLength > 0) {
      add("minLength", [...text.padEnd(minLength, "a")].slice(0, minLength - 1).join(""));
    }
    if (maxLength !== undefined) add("maxLength", text.padEnd(maxLength + 1, "a"));
    if (typeof s.pattern === "string") {
      const pattern = regex(s.pattern);
      const fits = (c: string) =>
        (minLength === undefined || length(c) >= minLength) &&
        (maxLength === undefined || length(c) <= maxLength);
      const padded = PATTERN_BREAKERS.map((c) =>
        minLength !== undefined && c !== "" ? c.padEnd(minLength, c) : c,
      );
      const candidate = padded.find((c) => fits(c) && pattern !== undefined && !pattern.test(c));
      if (candidate !== undefined) add("pattern", candidate);
    }
    const format = typeof s.format === "string" ? FORMAT_SAMPLES[s.format] : undefined;
    if (format !== undefined) add("format", format[1]);
  }
  if (Array.isArray(s.enum) && s.enum.length > 0) {
    const numbers = s.enum.filter((e): e is number => typeof e === "number");
    add("enum", types.includes("string") || numbers.length === 0 ? NOT_IN_ENUM : Math.max(...numbers) + 1);
  }
  if ("const" in s) add("const", typeof s.const === "number" ? s.const + 1 : NOT_IN_ENUM);
  if (types.includes("array") && isRecord(s.items)) {
    const item = sample(s.items)?.value;
    const minItems = num(s.minItems);
    const maxItems = num(s.maxItems);
    if (item !== undefined) {
      if (minItems !== undefined && minItems > 0)
        add(
          "minItems",
          Array.from({ length: minItems - 1 }, () => item),
        );
      if (maxItems !== undefined)
        add(
          "maxItems",
          Array.from({ length: maxItems + 1 }, () => item),
        );
      if (s.uniqueItems === true) add("uniqueItems", [item, item]);
    }
  }
  return dedupe(out);
}

function dedupe(list: Breaker[]): Breaker[] {
  const seen = new Set<string>();
  return list.filter((b) => {
    if (seen.has(b.keyword)) return false;
    seen.add(b.keyword);
    return true;
  });
}

/** One member of a body, found by walking `properties`. */
export interface Field {
  /** Property names from the root. */
  readonly path: readonly string[];
  readonly schema: Schema;
  /** Required by its parent object. */
  readonly required: boolean;
  /** Schemas of the objects on the way, root first (for filling in missing parents). */
  readonly parents: readonly Schema[];
}

/**
 * The members of an object schema, nested objects included up to `maxDepth` levels.
 * @example
 * fieldsOf(orderSchema).map((f) => f.path.join(".")); // ["item", "quantity", "address", "address.city"]
 */
export function fieldsOf(schema: Schema, maxDepth = 3): Field[] {
  const out: Field[] = [];
  const walk = (s: Schema, path: readonly string[], parents: readonly Schema[]) => {
    const m = merged(s);
    const properties = isRecord(m.properties) ? m.properties : {};
    const required = new Set(Array.isArray(m.required) ? (m.required as unknown[]) : []);
    for (const [name, prop] of Object.entries(properties)) {
      const child = asSchema(prop);
      const field = {
        path: [...path, name],
        schema: child,
        required: required.has(name),
        parents: [...parents, s],
      };
      out.push(field);
      if (field.path.length < maxDepth && (typesOf(merged(child)) ?? []).includes("object")) {
        walk(child, field.path, field.parents);
      }
    }
  };
  walk(schema, [], []);
  return out;
}

/** A copy of `base` with the field set to `value` (or removed), missing parents filled in. */
export function withField(base: unknown, field: Field, value: unknown, remove = false): unknown {
  const root = structuredClone(base) as Record<string, unknown>;
  let node = root;
  field.path.forEach((name, i) => {
    if (i === field.path.length - 1) {
      if (remove) delete node[name];
      else node[name] = value;
      return;
    }
    let next = node[name];
    if (!isRecord(next)) {
      const parent = merged(field.parents[i + 1] ?? {});
      const props = isRecord(parent.properties) ? parent.properties : {};
      next = sample(asSchema(props[name] ?? field.parents[i + 1]))?.value;
      if (!isRecord(next)) next = {};
      node[name] = next;
    }
    node = next as Record<string, unknown>;
  });
  return root;
}

// ---------------------------------------------------------------------------------------------
// Strings that match a regular expression, for `pattern`.

type Atom =
  | { readonly text: string }
  | { readonly set: readonly [number, number][]; readonly negated: boolean }
  | { readonly group: Node[][] };
interface Node {
  readonly atom: Atom;
  readonly min: number;
  readonly max: number;
}

const CLASS_ESCAPES: Record<string, [number, number][]> = {
  d: [[48, 57]],
  w: [
    [97, 122],
    [65, 90],
    [48, 57],
    [95, 95],
  ],
  s: [[32, 32]],
};
const ESCAPE_TEXT: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  f: "\f",
  v: "\v",
  D: "a",
  W: "-",
  S: "a",
};

/**
 * A string matching `pattern` (quantifiers at their minimum plus `boost`), or `undefined` when the
 * pattern uses something this small generator does not understand.
 * @example
 * patternSample("^[A-Z]{3}$", 0); // "AAA"
 */
export function patternSample(pattern: string, boost: number): string | undefined {
  let pos = 0;
  const peek = () => pattern[pos];
  const parseAlternatives = (): Node[][] => {
    const alternatives: Node[][] = [[]];
    while (pos < pattern.length && peek() !== ")") {
      if (peek() === "|") {
        pos++;
        alternatives.push([]);
        continue;
      }
      const atom = parseAtom();
      if (atom === undefined) continue;
      const [min, max] = parseQuantifier();
      alternatives[alternatives.length - 1]?.push({ atom, min, max });
    }
    return alternatives;
  };
  const parseAtom = (): Atom | undefined => {
    const c = pattern[pos++] as string;
    if (c === "^" || c === "$") return undefined;
    if (c === ".") return { text: "a" };
    if (c === "(") {
      let lookaround = false;
      if (peek() === "?") {
        const next = pattern[pos + 1];
        if (next === ":") pos += 2;
        else if (next === "=" || next === "!") {
          pos += 2;
          lookaround = true;
        } else if (next === "<" && (pattern[pos + 2] === "=" || pattern[pos + 2] === "!")) {
          pos += 3;
          lookaround = true;
        } else if (next === "<") {
          pos = pattern.indexOf(">", pos) + 1;
          if (pos === 0) throw new SyntaxError("bad group name");
        } else throw new SyntaxError("unsupported group");
      }
      const group = parseAlternatives();
      if (pattern[pos++] !== ")") throw new SyntaxError("unclosed group");
      return lookaround ? { text: "" } : { group };
    }
    if (c === "[") return parseClass();
    if (c === "\\") return parseEscape();
    return { text: c };
  };
  const parseEscape = (): Atom => {
    const c = pattern[pos++];
    if (c === undefined) throw new SyntaxError("trailing backslash");
    const set = CLASS_ESCAPES[c];
    if (set !== undefined) return { set, negated: false };
    if (c === "b" || c === "B") return { text: "" };
    if (/[1-9]/.test(c)) throw new SyntaxError("backreference");
    if (c === "u" || c === "x") {
      const size = c === "u" ? 4 : 2;
      const hex = pattern.slice(pos, pos + size);
      pos += size;
      return { text: String.fromCharCode(Number.parseInt(hex, 16)) };
    }
    return { text: ESCAPE_TEXT[c] ?? c };
  };
  const parseClass = (): Atom => {
    const negated = peek() === "^";
    if (negated) pos++;
    const ranges: [number, number][] = [];
    let first = true;
    while (pos < pattern.length && (peek() !== "]" || first)) {
      first = false;
      let c = pattern[pos++] as string;
      let code: number;
      if (c === "\\") {
        c = pattern[pos++] ?? "";
        const set = CLASS_ESCAPES[c];
        if (set !== undefined) {
          ranges.push(...set);
          continue;
        }
        code = (ESCAPE_TEXT[c] ?? c).charCodeAt(0);
      } else code = c.charCodeAt(0);
      if (peek() === "-" && pattern[pos + 1] !== "]" && pattern[pos + 1] !== undefined) {
        pos++;
        let end = pattern[pos++] as string;
        if (end === "\\") end = pattern[pos++] ?? "";
        ranges.push([code, end.charCodeAt(0)]);
      } else ranges.push([code, code]);
    }
    pos++;
    return { set: ranges, negated };
  };
  const parseQuantifier = (): [number, number] => {
    const c = peek();
    let range: [number, number] = [1, 1];
    if (c === "*") range = [0, Infinity];
    else if (c === "+") range = [1, Infinity];
    else if (c === "?") range = [0, 1];
    else if (c === "{") {
      const match = /^\{(\d+)(?:(,)(\d*))?\}/.exec(pattern.slice(pos));
      if (match === null) return range;
      const min = Number(match[1]);
      const max = match[2] === undefined ? min : match[3] === "" ? Infinity : Number(match[3]);
      pos += match[0].length;
      if (peek() === "?") pos++;
      return [min, max];
    } else return range;
    pos++;
    if (peek() === "?") pos++;
    return range;
  };
  const pick = (set: readonly [number, number][], negated: boolean): string => {
    if (!negated) {
      const preferred = set.find(([lo, hi]) => lo <= 97 && hi >= 97) ? 97 : (set[0]?.[0] ?? 97);
      return String.fromCharCode(preferred);
    }
    for (const c of "aA0-_ b.") {
      const code = c.charCodeAt(0);
      if (!set.some(([lo, hi]) => code >= lo && code <= hi)) return c;
    }
    return "\u00e9";
  };
  const render = (nodes: readonly Node[]): string => {
    let out = "";
    for (const node of nodes) {
      const count = Math.min(node.min + (node.max > node.min ? boost : 0), node.max);
      for (let i = 0; i < count; i++) {
        const atom = node.atom;
        if ("text" in atom) out += atom.text;
        else if ("set" in atom) out += pick(atom.set, atom.negated);
        else out += render(atom.group[0] ?? []);
      }
    }
    return out;
  };
  try {
    const alternatives = parseAlternatives();
    if (pos < pattern.length) return undefined;
    const text = render(alternatives[0] ?? []);
    return regex(pattern)?.test(text) === true ? text : undefined;
  } catch {
    return undefined;
  }
}

/** A path or query string as the server would read it under the declared type. */
export function parameterValue(text: string, schema: Schema): unknown {
  const types = typesOf(merged(schema)) ?? [];
  if (types.includes("integer") && /^-?(?:0|[1-9]\d*)$/.test(text) && Number.isSafeInteger(Number(text))) {
    return Number(text);
  }
  if (types.includes("number") && /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(text))
    return Number(text);
  if (types.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  return text;
}

/** The text of a sample value in a URL. */
export function parameterText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
