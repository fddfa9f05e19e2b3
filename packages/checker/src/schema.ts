/**
 * Sample values and values that break one rule at a time, for probing. Valid samples come from
 * openapi-sampler (strings matching a `pattern` from randexp), each checked with ajv
 * (`validator.ts`); the breakers are the checker's own: a value per keyword (range, length,
 * pattern, format, enum, items), kept only when ajv confirms it breaks that keyword and nothing
 * structural or of type.
 */

import type { JSONSchema7 } from "json-schema";
import { sample as sampleSchema } from "openapi-sampler";
import randexpModule from "randexp";
import { asSchema, isRecord } from "./spec.js";
import type { Schema } from "./types.js";
import { codeFor, validate } from "./validator.js";

const MAX_DEPTH = 16;

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

/** A value that breaks each format the checker knows (valid ones come from openapi-sampler). */
const INVALID_FORMATS: Record<string, string> = {
  uuid: "not-a-uuid",
  email: "not-an-email",
  "date-time": "not-a-date-time",
  date: "2024-13-45",
  time: "not-a-time",
  uri: "not a uri",
  url: "not a url",
  ipv4: "999.0.0.1",
  ipv6: "not-an-ipv6",
  hostname: "-not a hostname-",
};

const length = (value: string): number => [...value].length;

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
  for (const candidate of candidatesOf(schema, s, depth)) {
    if (candidate !== undefined && validate(schema, candidate).length === 0) return { value: candidate };
  }
  return undefined;
}

/**
 * A value the schema accepts with its optional members too (read-only ones left out), for
 * requests that must get past validation to the handler; `undefined` when none is accepted.
 */
export function fullSample(schema: Schema): { value: unknown } | undefined {
  try {
    const value: unknown = sampleSchema(schema as JSONSchema7, {
      skipReadOnly: true,
      quiet: true,
      maxSampleDepth: 4,
    });
    if (value !== undefined && validate(schema, value).length === 0) return { value };
  } catch {
    // No sample from the library: the caller falls back to the required members only.
  }
  return undefined;
}

/** openapi-sampler's value: required members only, read-only members left out (it is a request). */
function librarySample(schema: Schema): unknown {
  try {
    return sampleSchema(schema as JSONSchema7, {
      skipNonRequired: true,
      skipReadOnly: true,
      quiet: true,
      maxSampleDepth: 8,
    });
  } catch {
    return undefined;
  }
}

function* candidatesOf(schema: Schema, s: Schema, depth: number): Generator<unknown> {
  if ("const" in s) yield s.const;
  if (Array.isArray(s.enum)) yield* s.enum.filter((e) => e !== null);
  if (Array.isArray(s.examples)) yield* s.examples;
  if ("example" in s) yield s.example;
  if ("default" in s) yield s.default;
  yield librarySample(schema);
  for (const keyword of ["oneOf", "anyOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches)) continue;
    for (const branch of branches) {
      const found = sample(asSchema(branch), depth + 1);
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

type RandExpClass = new (
  pattern: RegExp | string,
) => { max: number; randInt: (low: number, high: number) => number; gen(): string };
// The package is CommonJS (`module.exports = RandExp`); its types declare a default export.
const RandExp: RandExpClass =
  (randexpModule as unknown as { default?: RandExpClass }).default ??
  (randexpModule as unknown as RandExpClass);

/**
 * A string matching `pattern`, deterministic: every repetition at its minimum plus `boost`, the
 * first character of every class. `undefined` when randexp cannot read the pattern.
 * @example
 * patternSample("^[A-Z]{3}-\\d{2}$", 0); // "AAA-00"
 */
export function patternSample(pattern: string, boost: number): string | undefined {
  try {
    const generator = new RandExp(pattern);
    generator.max = boost + 1;
    generator.randInt = (low, high) => Math.min(high, low + boost);
    const text = generator.gen();
    return regex(pattern)?.test(text) === true ? text : undefined;
  } catch {
    return undefined;
  }
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

// The empty string last: many servers read an empty query value as an absent one.
const PATTERN_BREAKERS = ["!", "<>", " ", "~", "a", "A", "0", "-", "_", "aaaa", "AAAA", "0000", "a b", ""];
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
    const format = typeof s.format === "string" ? INVALID_FORMATS[s.format] : undefined;
    if (format !== undefined) add("format", format);
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
