import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ApiError,
  parseErrorBody,
  safeJson,
  serializeBody,
  serializeError,
  type Violation,
} from "../src/index.js";

const violationArb: fc.Arbitrary<Violation> = fc.record(
  {
    in: fc.constantFrom("body", "query", "path", "header"),
    pointer: fc.string({ unit: "binary" }),
    rule: fc.string(),
    message: fc.string({ unit: "binary" }),
    expected: fc.jsonValue(),
  },
  { requiredKeys: ["in", "pointer", "rule", "message"] },
) as fc.Arbitrary<Violation>;

describe("serializeBody", () => {
  it("writes exactly what JSON.stringify writes, for any message and details", () => {
    fc.assert(
      fc.property(
        fc.nat(1000),
        fc.string({ unit: "binary" }),
        fc.oneof(fc.jsonValue(), fc.record({ violations: fc.array(violationArb, { maxLength: 5 }) })),
        (code, message, details) => {
          const expected = JSON.stringify({ error_code: code, error_message: message, details });
          expect(serializeBody(code, message, details)).toBe(expected);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("escapes quotes, backslashes, controls and lone surrogates", () => {
    const message = 'a"b\\c\n\u0000\u001f\ud800 é 🙂';
    expect(serializeBody(3, message, null)).toBe(
      JSON.stringify({ error_code: 3, error_message: message, details: null }),
    );
  });

  it("treats undefined details as null", () => {
    expect(serializeBody(0, "x", undefined)).toBe('{"error_code":0,"error_message":"x","details":null}');
  });
});

describe("safeJson", () => {
  it("survives cycles, BigInt, functions and throwing toJSON", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    cyclic.list = [cyclic, { big: 10n }];
    expect(safeJson(cyclic)).toBe('{"a":1,"self":"[Circular]","list":["[Circular]",{"big":"10"}]}');
    expect(safeJson(() => 1)).toBe("null");
    expect(safeJson(Symbol("s"))).toBe("null");
    // A repeated (not cyclic) object is written both times.
    const shared = { x: 1 };
    expect(safeJson({ a: shared, b: shared, c: 2n })).toBe('{"a":{"x":1},"b":{"x":1},"c":"2"}');
  });

  it("survives causes and details whose getters throw", () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        ownKeys() {
          throw new Error("trap");
        },
      },
    );
    expect(safeJson(hostile)).toBe("null");
    const throwingMessage = new Error("x");
    Object.defineProperty(throwingMessage, "message", {
      get() {
        throw new Error("trap");
      },
    });
    for (const cause of [hostile, throwingMessage]) {
      const error = ApiError.unknown({ message: "outer", cause });
      expect(JSON.parse(serializeError(error, { dev: true })).error_message).toMatch(/^outer <- caused by /);
    }
  });

  it("lets an ApiError with hostile details still serialize", () => {
    const details: Record<string, unknown> = { n: 2n };
    details.loop = details;
    const error = new ApiError(0, details as unknown as null);
    expect(serializeError(error)).toBe(
      '{"error_code":0,"error_message":"Unknown server side error occurred","details":{"n":"2","loop":"[Circular]"}}',
    );
  });
});

describe("serializeError", () => {
  it("matches JSON.stringify(error) for every factory", () => {
    const errors = [
      ApiError.unknown({ message: "secret" }),
      ApiError.notAllowed({ method: "PATCH", allowed: ["GET", "HEAD"] }),
      ApiError.invalidType([
        { in: "query", pointer: "/limit", rule: "type", message: "must be integer", expected: "integer" },
      ]),
      ApiError.authExpired("2026-01-01T00:00:00Z"),
      ApiError.externalService({ service: "rates", reason: "circuit_open" }),
    ];
    for (const error of errors) expect(serializeError(error)).toBe(JSON.stringify(error));
  });

  it("exposes the cause chain of a 5xx only in development mode", () => {
    const root = new Error("connect ECONNREFUSED 127.0.0.1:5432");
    const error = ApiError.unknown({
      message: "query failed",
      cause: new Error("pool error", { cause: root }),
    });
    expect(JSON.parse(serializeError(error)).error_message).toBe("Unknown server side error occurred");
    expect(JSON.parse(serializeError(error, { dev: true })).error_message).toBe(
      "query failed <- caused by Error: pool error <- caused by Error: connect ECONNREFUSED 127.0.0.1:5432",
    );
    expect(JSON.parse(serializeError(ApiError.notExist(), { dev: true })).error_message).toBe(
      "Resource not found",
    );
  });
});

describe("parseErrorBody", () => {
  it("accepts what the serializer writes, for every code and allowed status", () => {
    const error = ApiError.invalidValue(
      [{ in: "body", pointer: "/q", rule: "minimum", message: "too small" }],
      {
        status: 422,
      },
    );
    expect(parseErrorBody(serializeError(error), 422)).toStrictEqual({
      conforming: true,
      body: error.toJSON(),
      form: "contract",
    });
    expect(parseErrorBody(error.toJSON()).conforming).toBe(true);
  });

  it.each([
    ["<html>Bad Gateway</html>", 502, ["body is not valid JSON"]],
    ["", 500, ["body is not valid JSON"]],
    ["[1]", 400, ["body is not a JSON object"]],
    [
      '{"error":"x"}',
      400,
      [
        'missing key "error_code"',
        'missing key "error_message"',
        'missing key "details"',
        'unexpected key "error"',
      ],
    ],
    [
      '{"error_message":"x","error_code":10,"details":null}',
      404,
      ["keys are not in the order error_code, error_message, details"],
    ],
    [
      '{"error_code":10,"error_message":"x","details":null}',
      400,
      ["status 400 is not allowed for error_code 10 (404)"],
    ],
    [
      '{"error_code":10,"error_message":"x","details":null}',
      200,
      ["status 200 is not allowed for error_code 10 (404)"],
    ],
    [
      '{"error_code":50,"error_message":"x","details":null}',
      400,
      ["error_code 50 is reserved and not defined by the contract"],
    ],
    [
      '{"error_code":"10","error_message":"x","details":null}',
      404,
      ["error_code is not a non-negative integer"],
    ],
    ['{"error_code":10,"error_message":"","details":null}', 404, ["error_message is not a non-empty string"]],
    [
      '{"error_code":1,"error_message":"x","details":null}',
      405,
      ['details of code 1 must be {"method", "allowed": [...]}'],
    ],
    [
      '{"error_code":3,"error_message":"x","details":{"violations":[{"in":"cookie"}]}}',
      400,
      ["details.violations[0] is not {in, pointer, rule, message}"],
    ],
    [
      '{"error_code":0,"error_message":"x","details":{"stack":"at x"}}',
      500,
      ["details of code 0 must be null"],
    ],
    [
      '{"error_code":12,"error_message":"x","details":{"reason":"gone"}}',
      503,
      ['details of code 12 must be {"reason"}'],
    ],
    [
      '{"error_code":150,"error_message":"x","details":{"any":1}}',
      200,
      ["status 200 is not an error status"],
    ],
  ])("flags %s (status %i)", (text, status, problems) => {
    const parsed = parseErrorBody(text, status);
    expect(parsed.conforming).toBe(false);
    if (!parsed.conforming) expect(parsed.problems).toStrictEqual(problems);
  });

  it("accepts an unknown application code with any details", () => {
    expect(parseErrorBody('{"error_code":700,"error_message":"x","details":[1]}', 429).conforming).toBe(true);
  });
});
