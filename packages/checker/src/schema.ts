/**
 * Reading schemas and sampling valid values, for probing. Valid samples come from openapi-sampler
 * (strings matching a `pattern` from randexp), each checked with ajv (`validator.ts`); the values
 * that break one rule at a time are in `mutations.ts`.
 */

import type { JSONSchema7 } from "json-schema";
import { sample as sampleSchema } from "openapi-sampler";
import randexpModule from "randexp";
import { asSchema, isRecord } from "./spec.js";
import type { Schema } from "./types.js";
import { validate } from "./validator.js";

const MAX_DEPTH = 16;

export const num = (value: unknown): number | undefined =>
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

export function typeMatches(value: unknown, type: string): boolean {
  const actual = jsonType(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

export function regex(pattern: unknown): RegExp | undefined {
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

export const length = (value: string): number => [...value].length;

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
