/**
 * The small JSON Schema subset the contract's `details` shapes are written in, read three ways:
 * as a TypeScript type ({@link ShapeOf}), as a runtime check ({@link shapeProblems}, no ajv, so
 * that the wire parser stays light enough for browsers), and as JSON Schema by the OpenAPI output.
 */
import type { JsonValue } from "./details.js";

/** A JSON type name. */
export type ShapeType = "null" | "boolean" | "string" | "number" | "integer" | "array" | "object";

/**
 * A schema in the subset. The runtime check reads `type`, `enum`, `required`, `properties`,
 * `additionalProperties`, `items`, `oneOf` and `anyOf`; `title`, `description`, `format` and
 * `maxItems` are annotations for documents and are not checked on the wire. A schema with none of
 * the checked keywords accepts any JSON value.
 */
export interface ShapeSchema {
  readonly type?: ShapeType | readonly ShapeType[];
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly required?: readonly string[];
  readonly properties?: { readonly [key: string]: ShapeSchema };
  /** Only `false` (a closed object) is meaningful; absent means extra keys are allowed. */
  readonly additionalProperties?: boolean;
  readonly items?: ShapeSchema;
  readonly oneOf?: readonly ShapeSchema[];
  readonly anyOf?: readonly ShapeSchema[];
  readonly title?: string;
  readonly description?: string;
  readonly format?: string;
  readonly maxItems?: number;
}

// ---------------------------------------------------------------------------------------------
// The type a schema describes.

type Flatten<T> = { [K in keyof T]: T[K] } & {};

type RequiredKeys<S> = S extends { readonly required: readonly (infer K)[] } ? K : never;

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Flatten<
      { -readonly [K in keyof P as K extends RequiredKeys<S> ? K : never]: ShapeOf<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredKeys<S> ? never : K]?: ShapeOf<P[K]>;
      }
    >
  : { [key: string]: JsonValue };

type TypeNamed<T, S> = T extends "null"
  ? null
  : T extends "boolean"
    ? boolean
    : T extends "string"
      ? string
      : T extends "number" | "integer"
        ? number
        : T extends "array"
          ? S extends { readonly items: infer I }
            ? ShapeOf<I>[]
            : JsonValue[]
          : T extends "object"
            ? ObjectOf<S>
            : never;

/**
 * The TypeScript type of the values a schema of the subset accepts.
 * @example
 * type D = ShapeOf<{ type: "object"; required: ["id"]; properties: { id: { type: "string" } } }>; // { id: string }
 */
export type ShapeOf<S> = S extends { readonly oneOf: readonly (infer B)[] }
  ? ShapeOf<B>
  : S extends { readonly anyOf: readonly (infer B)[] }
    ? ShapeOf<B>
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : S extends { readonly type: infer T }
        ? TypeNamed<T extends readonly (infer U)[] ? U : T, S>
        : JsonValue;

// ---------------------------------------------------------------------------------------------
// The runtime check.

function isType(type: ShapeType, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

/** Whether a value satisfies a schema of the subset. */
function accepts(schema: ShapeSchema, value: unknown): boolean {
  const { type } = schema;
  if (type !== undefined) {
    const types: readonly ShapeType[] = typeof type === "string" ? [type] : type;
    if (!types.some((t) => isType(t, value))) return false;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value as string)) return false;
  if (schema.oneOf !== undefined && schema.oneOf.filter((s) => accepts(s, value)).length !== 1) return false;
  if (schema.anyOf !== undefined && !schema.anyOf.some((s) => accepts(s, value))) return false;
  if (Array.isArray(value)) {
    const items = schema.items;
    return items === undefined || value.every((item) => accepts(items, item));
  }
  if (typeof value !== "object" || value === null) return true;
  const record = value as Record<string, unknown>;
  const properties = schema.properties ?? {};
  for (const key of schema.required ?? []) if (!Object.hasOwn(record, key)) return false;
  for (const key of Object.keys(record)) {
    const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
    if (property === undefined) {
      if (schema.additionalProperties === false) return false;
    } else if (!accepts(property, record[key])) {
      return false;
    }
  }
  return true;
}

/** The properties of a schema that are arrays of objects: their items are reported one by one. */
function objectLists(schema: ShapeSchema): [string, ShapeSchema][] {
  const lists: [string, ShapeSchema][] = [];
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const items = property.items;
    if (items?.type === "object" && items.properties !== undefined) lists.push([key, items]);
  }
  return lists;
}

/** The schema with the items of its arrays of objects left unchecked. */
function withoutListItems(schema: ShapeSchema, lists: readonly [string, ShapeSchema][]): ShapeSchema {
  const properties = { ...schema.properties };
  for (const [key] of lists) properties[key] = { ...properties[key], items: {} };
  return { ...schema, properties };
}

function alternatives(texts: readonly string[]): string {
  return texts.length < 2 ? (texts[0] ?? "") : `${texts.slice(0, -1).join(", ")} or ${texts.at(-1)}`;
}

/**
 * A short text of what a schema accepts, for problem messages: `null`, `{"method", "allowed": [...]}`
 * (the required keys), alternatives joined with "or". `bare` leaves the keys unquoted.
 */
export function describeShape(schema: ShapeSchema, bare = false): string {
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches !== undefined) return alternatives(branches.map((s) => describeShape(s, bare)));
  if (schema.enum !== undefined) return alternatives(schema.enum.map((v) => JSON.stringify(v)));
  const types =
    schema.type === undefined ? [] : typeof schema.type === "string" ? [schema.type] : schema.type;
  return types.length === 0
    ? "any JSON value"
    : alternatives(types.map((type) => (type === "object" ? describeKeys(schema, bare) : type)));
}

function describeKeys(schema: ShapeSchema, bare: boolean): string {
  const keys = (schema.required ?? []).map((key) => {
    const name = bare ? key : JSON.stringify(key);
    return schema.properties?.[key]?.type === "array" ? `${name}: [...]` : name;
  });
  return `{${keys.join(", ")}}`;
}

/**
 * What is wrong with a value against a schema, as sentences naming `path`: one sentence for the
 * value as a whole, or, when only items of an array of objects fail, one sentence per such item
 * (`details.violations[2] is not {in, pointer, rule, message}`). Empty when the value conforms.
 * @example
 * shapeProblems({ type: "null" }, {}, "details", "details of code 0 must be"); // ["details of code 0 must be null"]
 */
export function shapeProblems(
  schema: ShapeSchema,
  value: unknown,
  path: string,
  wholeSentence: string,
): string[] {
  if (accepts(schema, value)) return [];
  const whole = [`${wholeSentence} ${describeShape(schema)}`];
  const lists = objectLists(schema);
  if (lists.length === 0 || !accepts(withoutListItems(schema, lists), value)) return whole;
  const problems: string[] = [];
  for (const [key, items] of lists) {
    const list = (value as Record<string, unknown>)[key];
    if (!Array.isArray(list)) continue;
    list.forEach((item: unknown, i) => {
      if (!accepts(items, item)) problems.push(`${path}.${key}[${i}] is not ${describeShape(items, true)}`);
    });
  }
  return problems;
}
