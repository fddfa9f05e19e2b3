/**
 * Values that break one rule at a time, and the members of a body to break them in. There is no
 * library for this: a value per keyword (range, length, pattern, format, enum, items) is built
 * here and kept only when ajv confirms it breaks that keyword and nothing structural or of type.
 */

import { length, merged, num, regex, sample, typeMatches, typesOf } from "./schema.js";
import { asSchema, isRecord } from "./spec.js";
import type { Schema } from "./types.js";
import { codeFor, validate } from "./validator.js";

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
