/**
 * The `details` shapes are written once (DETAILS_SCHEMAS in src/details.ts). The OpenAPI output
 * publishes that table, and the wire parser interprets it without ajv: here the two readings are
 * held to the same verdicts, so a shape changed in the table changes both or a test says which.
 */
import { describe, expect, it } from "vitest";
import { DETAILS_SCHEMAS } from "../src/details.js";
import { BUILTIN_CODES, parseErrorBody } from "../src/index.js";
import { detailsSchema } from "../src/openapi.js";
import { describeShape, type ShapeSchema, shapeProblems } from "../src/shape.js";
import { newAjv } from "./support/ajv.js";

const CODES = BUILTIN_CODES.map((definition) => definition.code);

const ajv = newAjv();

const violation = { in: "query", pointer: "/limit", rule: "maximum", message: "must be <= 100" };

// Every value some built-in code accepts, and near misses of each. Formats and maxItems are
// annotations the wire does not check, so every string here is a valid date-time and pointer.
const CANDIDATES: unknown[] = [
  null,
  0,
  "2025-06-01T12:00:00Z",
  true,
  [],
  {},
  [null],
  { method: "PATCH", allowed: ["GET", "HEAD"] },
  { method: "PATCH", allowed: [] },
  { method: "PATCH", allowed: "GET" },
  { method: "PATCH", allowed: [1] },
  { method: "PATCH", allowed: ["GET"], extra: 1 },
  { method: 1, allowed: ["GET"] },
  { allowed: ["GET"] },
  { method: "GET", path: "/nope" },
  { method: "GET", path: null },
  { method: "GET", path: "/nope", trace: "x" },
  { resource: "order", id: "1" },
  { resource: "order", id: 1 },
  { resource: "order" },
  { method: "GET", path: "/nope", resource: "order", id: "1" },
  { violations: [] },
  { violations: [violation] },
  {
    violations: [
      { ...violation, expected: 100 },
      { ...violation, expected: ["EUR", { a: null }] },
    ],
  },
  { violations: [{ ...violation, in: "cookie" }] },
  { violations: [{ ...violation, extra: 1 }] },
  { violations: [{ in: "body", pointer: "/a", rule: "type" }] },
  { violations: [violation, "x"] },
  { violations: "x" },
  { violations: [violation], more: 1 },
  { expired_at: "2025-06-01T12:00:00Z" },
  { expired_at: 1 },
  { expired_at: "2025-06-01T12:00:00Z", by: "x" },
  { required: "admin" },
  { required: ["admin"] },
  { service: "rates", reason: "timeout" },
  { service: "rates", reason: "circuit_open" },
  { service: "rates", reason: "slow" },
  { service: "rates" },
  { reason: "timeout" },
  { reason: "unavailable" },
  { reason: "failure" },
  { reason: "deadlock" },
  { reason: "conflict", service: "db" },
];

describe("the details table", () => {
  it("has a schema for exactly the built-in codes", () => {
    expect(Object.keys(DETAILS_SCHEMAS).map(Number)).toStrictEqual(CODES);
  });

  it.each(CODES)("code %i: the wire parser and the published schema agree", (code) => {
    const validate = ajv.compile(detailsSchema(code));
    const verdicts = CANDIDATES.map((details) => ({
      details,
      schema: validate(details),
      wire: parseErrorBody({ error_code: code, error_message: "x", details }).conforming,
    }));
    expect(verdicts.filter((v) => v.schema !== v.wire)).toStrictEqual([]);
    // Not a vacuous agreement: each code accepts something and refuses something.
    expect(verdicts.some((v) => v.wire)).toBe(true);
    expect(verdicts.some((v) => !v.wire)).toBe(true);
  });

  it("hands every OpenAPI caller its own copy", () => {
    const first = detailsSchema(11) as { properties: { reason: { enum: string[] } } };
    first.properties.reason.enum.push("mutated");
    expect(detailsSchema(11)).toStrictEqual(DETAILS_SCHEMAS[11]);
    expect(
      parseErrorBody({ error_code: 11, error_message: "x", details: { service: "s", reason: "mutated" } }),
    ).toMatchObject({ conforming: false });
  });
});

describe("the wire parser's details problems", () => {
  const problems = (code: number, details: unknown) => {
    const parsed = parseErrorBody({ error_code: code, error_message: "x", details });
    return parsed.conforming ? [] : parsed.problems;
  };

  it("refuses keys the published schema does not allow", () => {
    expect(problems(11, { service: "rates", reason: "timeout", stack: "at x" })).toStrictEqual([
      'details of code 11 must be {"service", "reason"}',
    ]);
    expect(problems(10, { method: "GET", path: "/a", resource: "order", id: "1" })).toStrictEqual([
      'details of code 10 must be null, {"method", "path"} or {"resource", "id"}',
    ]);
    expect(problems(8, { expired_at: "2025-06-01T12:00:00Z", by: "x" })).toStrictEqual([
      'details of code 8 must be null or {"expired_at"}',
    ]);
  });

  it("names each bad violation, and the whole details when the list itself is wrong", () => {
    expect(problems(4, { violations: [violation, { ...violation, extra: 1 }, 7] })).toStrictEqual([
      "details.violations[1] is not {in, pointer, rule, message}",
      "details.violations[2] is not {in, pointer, rule, message}",
    ]);
    expect(problems(5, { violations: "x" })).toStrictEqual([
      'details of code 5 must be {"violations": [...]}',
    ]);
    expect(problems(3, null)).toStrictEqual(['details of code 3 must be {"violations": [...]}']);
    expect(problems(3, { violations: [7], more: 1 })).toStrictEqual([
      'details of code 3 must be {"violations": [...]}',
    ]);
  });

  it("leaves the details of other codes alone", () => {
    expect(problems(140, { anything: [1, { b: null }] })).toStrictEqual([]);
    expect(problems(50, null)).toStrictEqual(["error_code 50 is reserved and not defined by the contract"]);
  });
});

describe("the schema subset", () => {
  const at = (schema: ShapeSchema, value: unknown) => shapeProblems(schema, value, "v", "v must be");

  it("checks types, type lists, integers, enums and anyOf", () => {
    expect(at({ type: ["string", "null"] }, null)).toStrictEqual([]);
    expect(at({ type: ["string", "null"] }, 1)).toStrictEqual(["v must be string or null"]);
    expect(at({ type: "integer" }, 1.5)).toStrictEqual(["v must be integer"]);
    expect(at({ type: "number" }, Number.NaN)).toStrictEqual(["v must be number"]);
    expect(at({ type: "boolean" }, false)).toStrictEqual([]);
    expect(at({ enum: ["a", 1] }, 2)).toStrictEqual(['v must be "a" or 1']);
    expect(at({ anyOf: [{ type: "string" }, { type: "string", enum: ["x"] }] }, "x")).toStrictEqual([]);
    expect(at({ oneOf: [{ type: "string" }, { type: "string", enum: ["x"] }] }, "x")).toStrictEqual([
      'v must be string or "x"',
    ]);
    expect(at({ description: "anything" }, { a: [1] })).toStrictEqual([]);
    expect(describeShape({})).toBe("any JSON value");
  });

  it("checks objects: required keys, property schemas and closed objects", () => {
    const open: ShapeSchema = { type: "object", required: ["a"], properties: { a: { type: "string" } } };
    expect(at(open, { a: "x", b: 1 })).toStrictEqual([]);
    expect(at({ ...open, additionalProperties: false }, { a: "x", b: 1 })).toStrictEqual(['v must be {"a"}']);
    expect(at(open, { b: 1 })).toStrictEqual(['v must be {"a"}']);
    expect(at(open, { a: 1 })).toStrictEqual(['v must be {"a"}']);
    // Inherited keys are not the object's own.
    expect(at(open, Object.create({ a: "x" }))).toStrictEqual(['v must be {"a"}']);
  });
});
