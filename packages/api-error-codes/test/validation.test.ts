/**
 * ajv errors and zod issues -> violations, with real validators on real data: the exact pointer,
 * rule and expected value of each violation, and the code the precedence rule gives for the set.
 */
import AjvModule, { type ErrorObject, type SchemaObject } from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ApiError } from "../src/api-error.js";
import type { Violation } from "../src/details.js";
import { fromAjvErrors, fromZodIssues } from "../src/validation/issues.js";
import {
  codeForViolations,
  MAX_VIOLATIONS,
  STRUCTURAL_RULES,
  TYPE_RULES,
} from "../src/validation/violations.js";
import { parseErrorBody, serializeError } from "../src/wire.js";

// Under NodeNext these CommonJS packages arrive as their module object; the class is on `default`.
type Module<T> = T | { default: T };
const unwrap = <T>(mod: Module<T>): T =>
  typeof mod === "object" && mod !== null && "default" in mod ? mod.default : (mod as T);
const Ajv = unwrap(AjvModule as Module<typeof AjvModule.default>);
const Ajv2020 = unwrap(Ajv2020Module as Module<typeof Ajv2020Module.default>);
const addFormats = unwrap(addFormatsModule as Module<typeof addFormatsModule.default>);

const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const ajv2020 = addFormats(new Ajv2020({ allErrors: true, strict: false, discriminator: true }));

/** Runs real ajv and returns its errors (failing the test when the data is valid). */
function ajvErrors(schema: SchemaObject, data: unknown, instance = ajv): ErrorObject[] {
  const validate = instance.compile(schema);
  expect(validate(data)).toBe(false);
  return validate.errors ?? [];
}

function ajvViolations(schema: SchemaObject, data: unknown, instance = ajv): Violation[] {
  return fromAjvErrors(ajvErrors(schema, data, instance));
}

/** Runs real zod and maps its issues, optionally handing the input over. */
function zodViolations(schema: z.ZodType, data: unknown, withInput = false): Violation[] {
  const result = schema.safeParse(data);
  expect(result.success).toBe(false);
  if (result.success) return [];
  return fromZodIssues(result.error.issues, "body", withInput ? { input: data } : {});
}

/** Only the fields a client acts on; messages are checked where they matter. */
const brief = (violations: readonly Violation[]) =>
  violations.map((v) => ({ pointer: v.pointer, rule: v.rule, expected: v.expected }));

describe("fromAjvErrors: one keyword at a time", () => {
  it("required points at the missing member itself, structural", () => {
    const violations = ajvViolations(
      {
        type: "object",
        required: ["a", "a/b~"],
        properties: { items: { type: "array", items: { type: "object", required: ["qty"] } } },
      },
      { items: [{ qty: 1 }, {}] },
    );
    expect(violations).toEqual([
      { in: "body", pointer: "/a", rule: "required", message: "is required" },
      { in: "body", pointer: "/a~1b~0", rule: "required", message: "is required" },
      { in: "body", pointer: "/items/1/qty", rule: "required", message: "is required" },
    ]);
    expect(codeForViolations(violations)).toBe(3);
  });

  it("additionalProperties points at each extra member, escaped per RFC 6901", () => {
    const violations = ajvViolations(
      { type: "object", properties: { a: { type: "string" } }, additionalProperties: false },
      { a: "x", "x/y": 1, "~t": 2 },
    );
    expect(violations).toEqual([
      { in: "body", pointer: "/x~1y", rule: "additionalProperties", message: "is not an allowed property" },
      { in: "body", pointer: "/~0t", rule: "additionalProperties", message: "is not an allowed property" },
    ]);
    expect(codeForViolations(violations)).toBe(3);
  });

  it("unevaluatedProperties, dependentRequired and draft-07 dependencies name the member", () => {
    expect(
      brief(
        ajvViolations(
          {
            type: "object",
            properties: {
              s: { type: "object", properties: { x: {} }, unevaluatedProperties: false },
              m: { type: "object", dependentRequired: { card: ["cvv"] } },
            },
          },
          { s: { x: 1, y: 2 }, m: { card: "4111" } },
          ajv2020,
        ),
      ),
    ).toEqual([
      { pointer: "/s/y", rule: "unevaluatedProperties", expected: undefined },
      { pointer: "/m/cvv", rule: "dependentRequired", expected: undefined },
    ]);
    const legacy = ajvViolations({ type: "object", dependencies: { card: ["cvv"] } }, { card: "4111" });
    expect(legacy).toEqual([
      { in: "body", pointer: "/cvv", rule: "dependencies", message: "is required when card is present" },
    ]);
    expect(codeForViolations(legacy)).toBe(3);
  });

  it("type carries the expected type (a list for a union type)", () => {
    const violations = ajvViolations(
      {
        type: "object",
        properties: { n: { type: "integer" }, s: { type: ["string", "null"] }, o: { type: "object" } },
      },
      { n: "1", s: 2, o: [] },
    );
    expect(violations).toEqual([
      { in: "body", pointer: "/n", rule: "type", message: "must be integer", expected: "integer" },
      {
        in: "body",
        pointer: "/s",
        rule: "type",
        message: "must be string,null",
        expected: ["string", "null"],
      },
      { in: "body", pointer: "/o", rule: "type", message: "must be object", expected: "object" },
    ]);
    expect(codeForViolations(violations)).toBe(5);
  });

  it("value keywords carry their bound or allowed values", () => {
    const violations = ajvViolations(
      {
        type: "object",
        properties: {
          min: { type: "number", minimum: 1 },
          max: { type: "number", maximum: 5 },
          xmin: { type: "number", exclusiveMinimum: 0 },
          xmax: { type: "number", exclusiveMaximum: 10 },
          minLength: { type: "string", minLength: 2 },
          maxLength: { type: "string", maxLength: 3 },
          minItems: { type: "array", minItems: 1 },
          maxItems: { type: "array", maxItems: 1 },
          uniq: { type: "array", uniqueItems: true },
          pattern: { type: "string", pattern: "^x" },
          email: { type: "string", format: "email" },
          uuid: { type: "string", format: "uuid" },
          when: { type: "string", format: "date-time" },
          mult: { type: "number", multipleOf: 5 },
          enum: { enum: ["a", "b"] },
          const: { const: "k" },
          minProperties: { type: "object", minProperties: 1 },
          not: { not: { type: "string" } },
        },
      },
      {
        min: 0,
        max: 6,
        xmin: 0,
        xmax: 10,
        minLength: "a",
        maxLength: "abcd",
        minItems: [],
        maxItems: [1, 2],
        uniq: [1, 1],
        pattern: "y",
        email: "nope",
        uuid: "123",
        when: "yesterday",
        mult: 7,
        enum: "c",
        const: "q",
        minProperties: {},
        not: "s",
      },
    );
    expect(brief(violations)).toEqual([
      { pointer: "/min", rule: "minimum", expected: 1 },
      { pointer: "/max", rule: "maximum", expected: 5 },
      { pointer: "/xmin", rule: "exclusiveMinimum", expected: 0 },
      { pointer: "/xmax", rule: "exclusiveMaximum", expected: 10 },
      { pointer: "/minLength", rule: "minLength", expected: 2 },
      { pointer: "/maxLength", rule: "maxLength", expected: 3 },
      { pointer: "/minItems", rule: "minItems", expected: 1 },
      { pointer: "/maxItems", rule: "maxItems", expected: 1 },
      { pointer: "/uniq", rule: "uniqueItems", expected: undefined },
      { pointer: "/pattern", rule: "pattern", expected: "^x" },
      { pointer: "/email", rule: "format", expected: "email" },
      { pointer: "/uuid", rule: "format", expected: "uuid" },
      { pointer: "/when", rule: "format", expected: "date-time" },
      { pointer: "/mult", rule: "multipleOf", expected: 5 },
      { pointer: "/enum", rule: "enum", expected: ["a", "b"] },
      { pointer: "/const", rule: "const", expected: "k" },
      { pointer: "/minProperties", rule: "minProperties", expected: 1 },
      { pointer: "/not", rule: "not", expected: undefined },
    ]);
    // ajv's own message is kept for these: it reads right at the pointer.
    expect(violations[0]?.message).toBe("must be >= 1");
    expect(codeForViolations(violations)).toBe(4);
  });

  it("a `false` property schema is `not`, tuple overflow is the items limit", () => {
    expect(
      brief(
        ajvViolations(
          {
            type: "object",
            properties: { x: false, t: { type: "array", prefixItems: [{ type: "string" }], items: false } },
          },
          { x: 1, t: ["a", 2] },
          ajv2020,
        ),
      ),
    ).toEqual([
      { pointer: "/x", rule: "not", expected: undefined },
      { pointer: "/t", rule: "items", expected: 1 },
    ]);
  });

  it("uses the location it is given", () => {
    const [v] = fromAjvErrors(
      ajvErrors({ type: "object", properties: { id: { type: "integer" } } }, { id: "x" }),
      "path",
    );
    expect(v).toMatchObject({ in: "path", pointer: "/id", rule: "type" });
  });
});

describe("fromAjvErrors: umbrella keywords", () => {
  it("drops `if` and keeps the failing then/else error", () => {
    const schema = {
      type: "object",
      // biome-ignore lint/suspicious/noThenProperty: `then` is the JSON Schema keyword under test
      properties: { l: { if: { type: "string" }, then: { minLength: 3 }, else: { type: "number" } } },
    };
    expect(brief(ajvViolations(schema, { l: "ab" }))).toEqual([
      { pointer: "/l", rule: "minLength", expected: 3 },
    ]);
    expect(brief(ajvViolations(schema, { l: true }))).toEqual([
      { pointer: "/l", rule: "type", expected: "number" },
    ]);
  });

  it("anyOf of primitives that all reject the type becomes one type violation", () => {
    const violations = ajvViolations(
      { type: "object", properties: { i: { anyOf: [{ type: "string" }, { type: "number" }] } } },
      { i: true },
    );
    expect(violations).toEqual([
      {
        in: "body",
        pointer: "/i",
        rule: "type",
        message: "must be string or number",
        expected: ["string", "number"],
      },
    ]);
    expect(codeForViolations(violations)).toBe(5);
  });

  it("anyOf of constants becomes one enum violation", () => {
    expect(
      brief(ajvViolations({ anyOf: [{ const: "a" }, { const: "b" }, { enum: ["c", "d"] }] }, "z")),
    ).toEqual([{ pointer: "", rule: "enum", expected: ["a", "b", "c", "d"] }]);
  });

  const tagged = {
    type: "object",
    properties: {
      x: {
        type: "object",
        oneOf: [
          { properties: { kind: { const: "a" }, a: { type: "string" } }, required: ["kind", "a"] },
          { properties: { kind: { const: "b" } }, required: ["kind"] },
        ],
      },
    },
  };

  it("oneOf reports the branch the value is closest to", () => {
    expect(ajvViolations(tagged, { x: { kind: "a" } })).toEqual([
      { in: "body", pointer: "/x/a", rule: "required", message: "is required" },
    ]);
  });

  it("oneOf with a tag matching no branch reports the tag with every allowed value", () => {
    expect(brief(ajvViolations(tagged, { x: { kind: "c" } }))).toEqual([
      { pointer: "/x/kind", rule: "enum", expected: ["a", "b"] },
    ]);
  });

  it("nested unions resolve inside out; a branch rejecting the whole value is passed over", () => {
    const schema = {
      type: "object",
      properties: {
        u: {
          anyOf: [
            { type: "string" },
            { type: "object", properties: { z: { anyOf: [{ type: "string" }, { type: "integer" }] } } },
          ],
        },
      },
    };
    expect(brief(ajvViolations(schema, { u: { z: 1.5 } }))).toEqual([
      { pointer: "/u/z", rule: "type", expected: ["string", "integer"] },
    ]);
  });

  it("oneOf matching several branches keeps the umbrella (value problem)", () => {
    const violations = ajvViolations({ oneOf: [{ type: "number" }, { type: "integer" }] }, 3);
    expect(violations).toEqual([
      { in: "body", pointer: "", rule: "oneOf", message: "must match exactly one schema in oneOf" },
    ]);
    expect(codeForViolations(violations)).toBe(4);
  });

  it("branches through $ref cannot be told apart: all kept, alternatives at one pointer merged", () => {
    const schema = {
      $defs: {
        a: {
          type: "object",
          required: ["kind", "x"],
          properties: { kind: { const: "a" }, x: { type: "string" } },
        },
        b: { type: "object", required: ["kind"], properties: { kind: { const: "b" }, y: { minimum: 5 } } },
      },
      type: "object",
      properties: { q: { type: "number" }, u: { anyOf: [{ $ref: "#/$defs/a" }, { $ref: "#/$defs/b" }] } },
    };
    expect(brief(ajvViolations(schema, { q: "x", u: { kind: "c", y: 1 } }, ajv2020))).toEqual([
      { pointer: "/q", rule: "type", expected: "number" },
      { pointer: "/u/x", rule: "required", expected: undefined },
      { pointer: "/u/kind", rule: "enum", expected: ["a", "b"] },
      { pointer: "/u/y", rule: "minimum", expected: 5 },
    ]);
  });

  it("errors of sibling keywords are not taken for branch errors", () => {
    // ajv reports `not` of the same schema object right before the anyOf branch errors.
    const schema = {
      not: { type: "object", required: ["a"] },
      anyOf: [{ required: ["x"] }, { required: ["y"] }],
    };
    expect(ajvErrors(schema, { a: 1 }).map((e) => e.keyword)).toEqual([
      "not",
      "required",
      "required",
      "anyOf",
    ]);
    expect(brief(ajvViolations(schema, { a: 1 }))).toEqual([
      { pointer: "", rule: "not", expected: undefined },
      { pointer: "/x", rule: "required", expected: undefined },
    ]);
  });

  it("a sibling $ref error before a union cannot be told from a branch: nothing is lost", () => {
    const schema = {
      $defs: { base: { properties: { a: { type: "string" } } } },
      $ref: "#/$defs/base",
      anyOf: [{ required: ["x"] }, { required: ["y"] }],
    };
    expect(brief(ajvViolations(schema, { a: 1 }, ajv2020))).toEqual([
      { pointer: "/a", rule: "type", expected: "string" },
      { pointer: "/x", rule: "required", expected: undefined },
      { pointer: "/y", rule: "required", expected: undefined },
    ]);
  });

  it("contains and propertyNames keep their own error, not the per-item noise", () => {
    const violations = ajvViolations(
      {
        type: "object",
        properties: {
          o: { type: "array", contains: { type: "string" } },
          n: { type: "object", propertyNames: { pattern: "^[a-z]+$" } },
        },
      },
      { o: [1, 2], n: { B: 1 } },
    );
    expect(violations).toEqual([
      {
        in: "body",
        pointer: "/o",
        rule: "contains",
        message: "must contain at least 1 valid item(s)",
        expected: 1,
      },
      {
        in: "body",
        pointer: "/n/B",
        rule: "propertyNames",
        message: 'property name is not allowed: must match pattern "^[a-z]+$"',
      },
    ]);
    expect(codeForViolations(violations)).toBe(3);
  });

  it("OpenAPI discriminator: missing tag is required, wrong type is type, unknown value names the tag", () => {
    const schema = {
      type: "object",
      discriminator: { propertyName: "kind" },
      required: ["kind"],
      oneOf: [
        { properties: { kind: { const: "a" }, a: { type: "string" } }, required: ["a"] },
        { properties: { kind: { const: "b" } } },
      ],
    };
    expect(brief(ajvViolations(schema, {}, ajv2020))).toEqual([
      { pointer: "/kind", rule: "required", expected: undefined },
    ]);
    expect(brief(ajvViolations(schema, { kind: 1 }, ajv2020))).toEqual([
      { pointer: "/kind", rule: "type", expected: "string" },
    ]);
    expect(brief(ajvViolations(schema, { kind: "c" }, ajv2020))).toEqual([
      { pointer: "/kind", rule: "discriminator", expected: undefined },
    ]);
    expect(brief(ajvViolations(schema, { kind: "a", a: 1 }, ajv2020))).toEqual([
      { pointer: "/a", rule: "type", expected: "string" },
    ]);
  });
});

describe("fromZodIssues", () => {
  it("a missing key is required (structural), a wrong one is type with the expected type", () => {
    const schema = z.object({ a: z.string(), n: z.int(), list: z.array(z.string()), any: z.unknown() });
    const missing = zodViolations(schema, {});
    expect(missing).toEqual([
      { in: "body", pointer: "/a", rule: "required", message: "is required" },
      { in: "body", pointer: "/n", rule: "required", message: "is required" },
      { in: "body", pointer: "/list", rule: "required", message: "is required" },
      { in: "body", pointer: "/any", rule: "required", message: "is required" },
    ]);
    expect(codeForViolations(missing)).toBe(3);
    const wrong = zodViolations(schema, { a: 1, n: 1.5, list: "x", any: null });
    expect(wrong).toEqual([
      {
        in: "body",
        pointer: "/a",
        rule: "type",
        message: "Invalid input: expected string, received number",
        expected: "string",
      },
      {
        in: "body",
        pointer: "/n",
        rule: "type",
        message: "Invalid input: expected int, received number",
        expected: "integer",
      },
      {
        in: "body",
        pointer: "/list",
        rule: "type",
        message: "Invalid input: expected array, received string",
        expected: "array",
      },
    ]);
    expect(codeForViolations(wrong)).toBe(5);
  });

  it("a coerced query value that is not a number is a type violation (5, never 404)", () => {
    const result = z.object({ id: z.coerce.number().int() }).safeParse({ id: "abc" });
    expect(result.success).toBe(false);
    const violations = result.success ? [] : fromZodIssues(result.error.issues, "query");
    expect(brief(violations)).toEqual([{ pointer: "/id", rule: "type", expected: "number" }]);
    expect(violations[0]?.in).toBe("query");
    expect(codeForViolations(violations)).toBe(5);
  });

  it("a custom message hides absence; the input (or reportInput) tells it for sure", () => {
    const schema = z.object({ a: z.string({ error: "A is needed" }), e: z.enum(["x", "y"]) });
    expect(brief(zodViolations(schema, {}))).toEqual([
      { pointer: "/a", rule: "type", expected: "string" },
      { pointer: "/e", rule: "enum", expected: ["x", "y"] },
    ]);
    expect(zodViolations(schema, {}, true)).toEqual([
      { in: "body", pointer: "/a", rule: "required", message: "A is needed" },
      { in: "body", pointer: "/e", rule: "required", message: "is required" },
    ]);
    const reported = schema.safeParse({}, { reportInput: true });
    expect(reported.success).toBe(false);
    if (!reported.success) {
      expect(brief(fromZodIssues(reported.error.issues))).toEqual([
        { pointer: "/a", rule: "required", expected: undefined },
        { pointer: "/e", rule: "required", expected: undefined },
      ]);
    }
  });

  it("sizes map to the keyword of their origin", () => {
    const schema = z.object({
      n: z.number().min(3),
      m: z.number().max(10),
      gt: z.number().gt(0),
      lt: z.number().lt(5),
      s: z.string().min(2),
      t: z.string().max(3),
      exact: z.string().length(3),
      a: z.array(z.number()).min(1),
      b: z.array(z.number()).max(1),
      set: z.set(z.string()).min(1),
      big: z.bigint().min(5n),
      huge: z.bigint().max(2n ** 70n),
      date: z.date().min(new Date(0)),
      safe: z.int(),
    });
    const violations = zodViolations(schema, {
      n: 1,
      m: 11,
      gt: 0,
      lt: 5,
      s: "a",
      t: "abcd",
      exact: "ab",
      a: [],
      b: [1, 2],
      set: new Set(),
      big: 1n,
      huge: 2n ** 80n,
      date: new Date(-1),
      safe: 2 ** 60,
    });
    expect(brief(violations)).toEqual([
      { pointer: "/n", rule: "minimum", expected: 3 },
      { pointer: "/m", rule: "maximum", expected: 10 },
      { pointer: "/gt", rule: "exclusiveMinimum", expected: 0 },
      { pointer: "/lt", rule: "exclusiveMaximum", expected: 5 },
      { pointer: "/s", rule: "minLength", expected: 2 },
      { pointer: "/t", rule: "maxLength", expected: 3 },
      { pointer: "/exact", rule: "minLength", expected: 3 },
      { pointer: "/a", rule: "minItems", expected: 1 },
      { pointer: "/b", rule: "maxItems", expected: 1 },
      { pointer: "/set", rule: "minItems", expected: 1 },
      // BigInt bounds become JSON: a number when exact, a decimal string beyond that.
      { pointer: "/big", rule: "minimum", expected: 5 },
      { pointer: "/huge", rule: "maximum", expected: "1180591620717411303424" },
      { pointer: "/date", rule: "minimum", expected: 0 },
      { pointer: "/safe", rule: "maximum", expected: Number.MAX_SAFE_INTEGER },
    ]);
    expect(codeForViolations(violations)).toBe(4);
    // The body stays valid JSON (no BigInt anywhere).
    const body = serializeError(ApiError.fromViolations(violations));
    expect(parseErrorBody(body, 400).conforming).toBe(true);
  });

  it("formats, patterns, multipleOf, enum and literal", () => {
    const schema = z.object({
      email: z.email(),
      uuid: z.uuid(),
      when: z.iso.datetime(),
      day: z.iso.date(),
      re: z.string().regex(/^a+$/i),
      starts: z.string().startsWith("x"),
      lower: z.string().lowercase(),
      mult: z.number().multipleOf(5),
      e: z.enum(["x", "y"]),
      lit: z.literal("k"),
      lits: z.literal(["a", 1]),
    });
    const violations = zodViolations(schema, {
      email: "nope",
      uuid: "123",
      when: "x",
      day: "2020-13-01",
      re: "b",
      starts: "a",
      lower: "ABC",
      mult: 7,
      e: "z",
      lit: "q",
      lits: "b",
    });
    expect(brief(violations)).toEqual([
      { pointer: "/email", rule: "format", expected: "email" },
      { pointer: "/uuid", rule: "format", expected: "uuid" },
      { pointer: "/when", rule: "format", expected: "date-time" },
      { pointer: "/day", rule: "format", expected: "date" },
      { pointer: "/re", rule: "pattern", expected: "^a+$" },
      { pointer: "/starts", rule: "pattern", expected: undefined },
      { pointer: "/lower", rule: "pattern", expected: "^[^A-Z]*$" },
      { pointer: "/mult", rule: "multipleOf", expected: 5 },
      { pointer: "/e", rule: "enum", expected: ["x", "y"] },
      { pointer: "/lit", rule: "const", expected: "k" },
      { pointer: "/lits", rule: "enum", expected: ["a", 1] },
    ]);
    expect(codeForViolations(violations)).toBe(4);
  });

  it("unrecognized keys become one additionalProperties per key, escaped", () => {
    const violations = zodViolations(z.strictObject({ a: z.string() }), { a: "x", "x/y": 1, "t~": 2 });
    expect(violations).toEqual([
      { in: "body", pointer: "/x~1y", rule: "additionalProperties", message: "is not an allowed property" },
      { in: "body", pointer: "/t~0", rule: "additionalProperties", message: "is not an allowed property" },
    ]);
    expect(codeForViolations(violations)).toBe(3);
  });

  it("nested paths, keys needing escapes, record keys", () => {
    expect(
      brief(
        zodViolations(z.object({ items: z.array(z.object({ qty: z.number() })) }), {
          items: [{ qty: "x" }, {}],
        }),
      ),
    ).toEqual([
      { pointer: "/items/0/qty", rule: "type", expected: "number" },
      { pointer: "/items/1/qty", rule: "required", expected: undefined },
    ]);
    expect(brief(zodViolations(z.object({ "a/b": z.object({ "~c": z.string() }) }), { "a/b": {} }))).toEqual([
      { pointer: "/a~1b/~0c", rule: "required", expected: undefined },
    ]);
    const keys = zodViolations(z.record(z.string().min(3), z.number()), { ab: 1 });
    expect(brief(keys)).toEqual([{ pointer: "/ab", rule: "propertyNames", expected: undefined }]);
    expect(codeForViolations(keys)).toBe(3);
  });

  it("custom refinements are `custom`, a value problem", () => {
    const schema = z
      .object({ password: z.string(), confirm: z.string() })
      .refine((v) => v.password === v.confirm, { message: "Passwords differ", path: ["confirm"] });
    const violations = zodViolations(schema, { password: "a", confirm: "b" });
    expect(violations).toEqual([
      { in: "body", pointer: "/confirm", rule: "custom", message: "Passwords differ" },
    ]);
    expect(codeForViolations(violations)).toBe(4);
  });

  describe("unions", () => {
    const Shape = z.union([
      z.object({ k: z.literal("a"), x: z.string() }),
      z.object({ k: z.literal("b"), y: z.number() }),
    ]);
    const schema = z.object({ u: Shape, p: z.union([z.string(), z.number()]) });

    it("reports the closest branch, and one merged type when no branch takes the type", () => {
      expect(zodViolations(schema, { u: { k: "a", x: 1 }, p: true })).toEqual([
        {
          in: "body",
          pointer: "/u/x",
          rule: "type",
          message: "Invalid input: expected string, received number",
          expected: "string",
        },
        {
          in: "body",
          pointer: "/p",
          rule: "type",
          message: "must be string or number",
          expected: ["string", "number"],
        },
      ]);
    });

    it("a tag matching no branch is an enum of the tags", () => {
      expect(brief(zodViolations(schema, { u: { k: "c" }, p: 1 }))).toEqual([
        { pointer: "/u/k", rule: "enum", expected: ["a", "b"] },
      ]);
    });

    it("an absent union is required", () => {
      expect(brief(zodViolations(schema, {}))).toEqual([
        { pointer: "/u", rule: "required", expected: undefined },
        { pointer: "/p", rule: "required", expected: undefined },
      ]);
    });

    it("discriminated unions: unknown tag is enum; a missing tag is required given the input", () => {
      const D = z.object({
        d: z.discriminatedUnion("k", [
          z.object({ k: z.literal("a"), x: z.string() }),
          z.object({ k: z.literal("b"), y: z.number() }),
        ]),
      });
      expect(brief(zodViolations(D, { d: { k: "c" } }))).toEqual([
        { pointer: "/d/k", rule: "enum", expected: ["a", "b"] },
      ]);
      expect(brief(zodViolations(D, { d: {} }, true))).toEqual([
        { pointer: "/d/k", rule: "required", expected: undefined },
      ]);
      expect(brief(zodViolations(D, { d: { k: "a", x: 1 } }))).toEqual([
        { pointer: "/d/x", rule: "type", expected: "string" },
      ]);
    });

    it("z.xor matching both options is oneOf", () => {
      expect(brief(zodViolations(z.xor([z.string(), z.string().min(1)]), "aa"))).toEqual([
        { pointer: "", rule: "oneOf", expected: undefined },
      ]);
    });
  });

  it("symbol path segments do not break the pointer", () => {
    const key = Symbol("secret");
    const violations = fromZodIssues([{ code: "custom", path: ["a", key], message: "bad" }]);
    expect(violations).toEqual([{ in: "body", pointer: "/a/secret", rule: "custom", message: "bad" }]);
  });
});

describe("precedence over real validator output", () => {
  const schema = {
    type: "object",
    required: ["name"],
    properties: { qty: { type: "integer", minimum: 1 }, note: { type: "string", maxLength: 3 } },
  };

  it("ajv: structural + type + value -> 3; type + value -> 5; value only -> 4", () => {
    const all = ajvViolations(schema, { qty: "x", note: "toolong" });
    expect(all.map((v) => v.rule)).toEqual(["required", "type", "maxLength"]);
    expect(ApiError.fromViolations(all).code).toBe(3);
    const typeAndValue = ajvViolations(schema, { name: "n", qty: "x", note: "toolong" });
    expect(ApiError.fromViolations(typeAndValue).code).toBe(5);
    const valueOnly = ajvViolations(schema, { name: "n", qty: 0, note: "toolong" });
    expect(valueOnly.map((v) => v.rule)).toEqual(["minimum", "maxLength"]);
    expect(ApiError.fromViolations(valueOnly).code).toBe(4);
  });

  it("zod: the same three cases", () => {
    const Z = z.object({
      name: z.string(),
      qty: z.int().min(1).optional(),
      note: z.string().max(3).optional(),
    });
    expect(ApiError.fromViolations(zodViolations(Z, { qty: "x", note: "toolong" })).code).toBe(3);
    expect(ApiError.fromViolations(zodViolations(Z, { name: "n", qty: "x", note: "toolong" })).code).toBe(5);
    expect(ApiError.fromViolations(zodViolations(Z, { name: "n", qty: 0, note: "toolong" })).code).toBe(4);
  });

  it("every rule the mappings emit lands in the class the contract means", () => {
    for (const rule of [
      "required",
      "additionalProperties",
      "unevaluatedProperties",
      "dependentRequired",
      "propertyNames",
    ]) {
      expect(STRUCTURAL_RULES.has(rule), rule).toBe(true);
    }
    expect(TYPE_RULES.has("type")).toBe(true);
    for (const rule of [
      "minimum",
      "maxLength",
      "pattern",
      "format",
      "enum",
      "const",
      "custom",
      "anyOf",
      "oneOf",
      "not",
    ]) {
      expect(STRUCTURAL_RULES.has(rule) || TYPE_RULES.has(rule), rule).toBe(false);
    }
  });

  it(`caps the list at ${MAX_VIOLATIONS}, stable order, and says how many there were`, () => {
    const names = Array.from({ length: 150 }, (_, i) => `f${String(i).padStart(3, "0")}`);
    const violations = ajvViolations({ type: "object", required: names }, {});
    expect(violations).toHaveLength(150);
    const error = ApiError.fromViolations(violations);
    expect(error.code).toBe(3);
    expect(error.details.violations).toHaveLength(MAX_VIOLATIONS);
    expect(error.details.violations[0]?.pointer).toBe("/f000");
    expect(error.details.violations[99]?.pointer).toBe("/f099");
    expect(error.publicMessage).toBe("Invalid request: body /f000: is required (and 149 more)");
    expect(parseErrorBody(serializeError(error), 400).conforming).toBe(true);
  });
});
