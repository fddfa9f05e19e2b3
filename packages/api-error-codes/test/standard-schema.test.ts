/**
 * Standard Schema issues -> violations with the real libraries (valibot, arktype, zod through
 * `~standard`): the exact pointer, rule and expected value per issue, the code the precedence rule
 * gives, and no message that repeats the input.
 */
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Violation } from "../src/details.js";
import { requestJsonSchema } from "../src/openapi.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { WebPort } from "../src/pipeline/web/port.js";
import { fromStandardIssues, isStandardSchema, type StandardSchemaLike } from "../src/validation/standard.js";
import { codeForViolations } from "../src/validation/violations.js";

async function violations(schema: StandardSchemaLike, input: unknown): Promise<Violation[]> {
  const result = await schema["~standard"].validate(input);
  if (result.issues === undefined) throw new Error("expected issues");
  return fromStandardIssues(result.issues, "body", { input, vendor: schema["~standard"].vendor });
}

/** pointer, rule, expected of each violation: what decides the code and what a client reads. */
const brief = (list: Violation[]) => list.map((x) => [x.pointer, x.rule, x.expected]);

const SECRET = "hunter2-secret-value";

const schemas = {
  valibot: v.strictObject({
    name: v.pipe(v.string(), v.minLength(3), v.maxLength(30)),
    quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
    kind: v.picklist(["tea", "coffee"]),
    code: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    email: v.optional(v.pipe(v.string(), v.email())),
    tags: v.optional(v.array(v.string())),
    "a/b": v.optional(v.literal("x")),
  }),
  arktype: type({
    "+": "reject",
    name: "3 <= string <= 30",
    quantity: "number.integer >= 1",
    kind: "'tea' | 'coffee'",
    code: /^[A-Z]{3}$/,
    "email?": "string.email",
    "tags?": "string[]",
    "a/b?": "'x'",
  }),
  zod: z.strictObject({
    name: z.string().min(3).max(30),
    quantity: z.number().int().min(1),
    kind: z.enum(["tea", "coffee"]),
    code: z.string().regex(/^[A-Z]{3}$/),
    email: z.email().optional(),
    tags: z.array(z.string()).optional(),
    "a/b": z.literal("x").optional(),
  }),
} satisfies Record<string, StandardSchemaLike>;

describe.each(Object.entries(schemas))("%s through ~standard", (library, schema) => {
  it("is recognised as a Standard Schema", () => {
    expect(isStandardSchema(schema)).toBe(true);
    expect(schema["~standard"].vendor).toBe(library);
  });

  it("a missing member is required (3) at the member's pointer", async () => {
    const got = await violations(schema, { name: "Tea", quantity: 1, code: "ABC" });
    expect(brief(got)).toStrictEqual([["/kind", "required", undefined]]);
    expect(got[0]?.message).toBe("is required");
    expect(codeForViolations(got)).toBe(3);
  });

  it("an extra member is additionalProperties (3) at the member's pointer", async () => {
    const got = await violations(schema, { name: "Tea", quantity: 1, kind: "tea", code: "ABC", [SECRET]: 1 });
    expect(brief(got)).toStrictEqual([[`/${SECRET}`, "additionalProperties", undefined]]);
    expect(codeForViolations(got)).toBe(3);
  });

  it("a wrong type is type (5) with the JSON type expected, nested pointers escaped", async () => {
    const got = await violations(schema, {
      name: "Tea",
      quantity: SECRET,
      kind: "tea",
      code: "ABC",
      tags: ["ok", 5],
    });
    expect(brief(got)).toStrictEqual([
      ["/quantity", "type", "number"],
      ["/tags/1", "type", "string"],
    ]);
    expect(codeForViolations(got)).toBe(5);
  });

  it("a fraction for an integer is type (5), expected integer", async () => {
    const got = await violations(schema, { name: "Tea", quantity: 1.5, kind: "tea", code: "ABC" });
    expect(brief(got)).toStrictEqual([["/quantity", "type", "integer"]]);
    expect(codeForViolations(got)).toBe(5);
  });

  it("values outside bounds, options, patterns and formats are their keyword (4)", async () => {
    const got = await violations(schema, {
      name: "ab",
      quantity: 0,
      kind: SECRET,
      code: SECRET,
      email: SECRET,
      "a/b": SECRET,
    });
    // arktype reports in its own order (by check kind); the set is what matters.
    const rules = got
      .map((x) => [x.pointer, x.rule])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(rules).toStrictEqual([
      ["/a~1b", "const"],
      ["/code", "pattern"],
      // arktype's email check is a pattern of its own; valibot and zod name the format.
      ["/email", library === "arktype" ? "pattern" : "format"],
      ["/kind", "enum"],
      ["/name", "minLength"],
      ["/quantity", "minimum"],
    ]);
    expect(got.find((x) => x.rule === "minLength")?.expected).toBe(3);
    expect(got.find((x) => x.rule === "minimum")?.expected).toBe(1);
    // arktype lists a union's values sorted.
    const options = got.find((x) => x.pointer === "/kind")?.expected as string[];
    expect([...options].sort()).toStrictEqual(["coffee", "tea"]);
    expect(got.find((x) => x.pointer === "/a~1b")?.expected).toBe("x");
    expect(codeForViolations(got)).toBe(4);
  });

  it("structure outranks type outranks value, and no message repeats the input", async () => {
    const input = { name: SECRET.repeat(3), quantity: SECRET, kind: SECRET, extra: SECRET };
    const got = await violations(schema, input);
    expect(codeForViolations(got)).toBe(3);
    expect(JSON.stringify(got)).not.toContain(SECRET);
    const top = await violations(schema, SECRET);
    expect(brief(top)).toStrictEqual([["", "type", "object"]]);
    expect(JSON.stringify(top)).not.toContain(SECRET);
  });
});

describe("library-specific kinds", () => {
  it("valibot: unions merge branch types, variants name the tag, numbers keep no echo", async () => {
    const schema = v.object({
      id: v.union([v.string(), v.number()]),
      shape: v.variant("kind", [
        v.object({ kind: v.literal("circle"), r: v.number() }),
        v.object({ kind: v.literal("square"), side: v.number() }),
      ]),
      size: v.pipe(v.array(v.string()), v.minLength(2)),
    });
    const got = await violations(schema, { id: true, shape: { kind: "hexagon" }, size: ["a"] });
    expect(brief(got)).toStrictEqual([
      ["/id", "type", ["string", "number"]],
      ["/shape/kind", "enum", ["circle", "square"]],
      ["/size", "minItems", 2],
    ]);
    const missingTag = await violations(schema, { id: 1, shape: {}, size: ["a", "b"] });
    expect(brief(missingTag)).toStrictEqual([["/shape/kind", "required", undefined]]);
  });

  it("arktype: a union of domains is type, a union of units enum, an exclusive bound exclusiveMinimum", async () => {
    const schema = type({
      id: "string | number",
      level: "1 | 2 | 3",
      ratio: "number > 0",
      items: "string[] >= 1",
    });
    const got = await violations(schema, { id: true, level: 7, ratio: 0, items: [] });
    expect(brief(got).sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toStrictEqual([
      ["/id", "type", ["number", "string"]],
      ["/items", "minItems", 1],
      ["/level", "enum", [1, 2, 3]],
      ["/ratio", "exclusiveMinimum", 0],
    ]);
  });

  it("a custom message is kept unless it repeats the value", async () => {
    const schema = v.object({
      pin: v.pipe(v.string(), v.length(4, "PIN must have four digits")),
      word: v.pipe(
        v.string(),
        v.check(
          (s) => s !== SECRET,
          (issue) => `${String(issue.input)} is not allowed`,
        ),
      ),
    });
    const got = await violations(schema, { pin: "12345", word: SECRET });
    expect(got.map((x) => [x.pointer, x.rule, x.message])).toStrictEqual([
      ["/pin", "maxLength", "PIN must have four digits"],
      ["/word", "custom", "is invalid"],
    ]);
  });

  it("another library: required when absent, else invalid (4), message scrubbed", () => {
    const issues = [
      { message: "missing", path: [{ key: "a" }] },
      { message: `bad ${SECRET}`, path: ["b", 0] },
    ];
    const got = fromStandardIssues(issues, "query", { input: { b: [SECRET] } });
    expect(got).toStrictEqual([
      { in: "query", pointer: "/a", rule: "required", message: "missing" },
      { in: "query", pointer: "/b/0", rule: "invalid", message: "is invalid" },
    ]);
  });
});

describe("requestJsonSchema: a route schema for the OpenAPI document", () => {
  it("zod and arktype through ~standard.jsonSchema, the input side by default", () => {
    const zodSchema = z.object({ item: z.string().min(2), quantity: z.number().int().optional() });
    expect(requestJsonSchema(zodSchema)).toStrictEqual({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: {
        item: { type: "string", minLength: 2 },
        quantity: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 },
      },
      required: ["item"],
    });
    const params = type({ id: "string.integer.parse" });
    expect(requestJsonSchema(params)).toMatchObject({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
    });
    expect(requestJsonSchema(params, { io: "output" })).toMatchObject({
      properties: { id: { type: "integer" } },
    });
  });

  it("JSON Schema as it is; valibot (no JSON Schema export) undefined", () => {
    const json = { type: "object", properties: { item: { type: "string" } } };
    expect(requestJsonSchema(json)).toStrictEqual(json);
    expect(requestJsonSchema(v.object({ item: v.string() }))).toBeUndefined();
  });

  it("a schema the library cannot express is a TypeError naming the library", () => {
    const parsed = z.object({ n: z.string().transform(Number) });
    expect(() => requestJsonSchema(parsed, { io: "output" })).toThrow(
      /^requestJsonSchema: this zod schema has no JSON Schema form: /,
    );
  });
});

describe("the pipeline with Standard Schemas", () => {
  const pipeline = new Pipeline({ logger: false });
  pipeline.route("GET", "/sync", { schema: { query: v.object({ n: v.pipe(v.string(), v.toNumber()) }) } });
  pipeline.route("GET", "/async", {
    schema: {
      query: v.pipeAsync(
        v.object({ n: v.string() }),
        v.checkAsync(async ({ n }) => n !== "taken", "that name is not available"),
      ),
    },
  });
  const handle = (target: string) => pipeline.handle(new WebPort(new Request(`http://127.0.0.1${target}`)));

  it("answers without a promise when every schema is synchronous, the output transformed", () => {
    const outcome = handle("/sync?n=7");
    expect(outcome).not.toBeInstanceOf(Promise);
    expect(outcome).toMatchObject({ kind: "pass", query: { n: 7 } });
    expect(handle("/sync")).toMatchObject({ kind: "answer", status: 400 });
  });

  it("returns a promise only for an asynchronous schema, settled to the same kinds of outcome", async () => {
    const passed = handle("/async?n=free");
    expect(passed).toBeInstanceOf(Promise);
    expect(await passed).toMatchObject({ kind: "pass", query: { n: "free" } });
    const refused = await handle("/async?n=taken");
    expect(refused).toMatchObject({ kind: "answer", status: 400 });
    expect(JSON.parse((refused as { body: string }).body)).toStrictEqual({
      error_code: 4,
      error_message: "Invalid request: query: that name is not available",
      details: {
        violations: [{ in: "query", pointer: "", rule: "custom", message: "that name is not available" }],
      },
    });
  });

  it("a schema that throws while validating is a 500 without the cause", async () => {
    const throwing = new Pipeline({ logger: false });
    const exploding = {
      "~standard": {
        version: 1 as const,
        vendor: "test",
        validate: () => {
          throw new Error("password=hunter2");
        },
      },
    };
    throwing.route("GET", "/x", { schema: { query: exploding } });
    const outcome = throwing.handle(new WebPort(new Request("http://127.0.0.1/x")));
    expect(outcome).toMatchObject({ kind: "answer", status: 500 });
    expect((outcome as { body: string }).body).not.toContain("hunter2");
  });
});
