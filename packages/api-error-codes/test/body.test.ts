import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ApiError, isApiError } from "../src/api-error.js";
import type { Violation } from "../src/details.js";
import {
  checkContentLength,
  checkContentType,
  type JsonBodyOptions,
  parseJsonBody,
  requestHasBody,
} from "../src/pipeline/body.js";

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function fail(run: () => unknown): ApiError<number> {
  try {
    run();
  } catch (error) {
    if (isApiError(error)) return error as ApiError<number>;
    throw error;
  }
  throw new Error("expected an ApiError");
}

function violationsOf(error: ApiError<number>): Violation[] {
  if (isApiError(error, 3) || isApiError(error, 4) || isApiError(error, 5)) return error.details.violations;
  throw new Error(`expected a violation error, got code ${error.code}`);
}

/** [status, code, violations] of the error a body is refused with. */
function refusal(body: Uint8Array | string, options?: JsonBodyOptions): [number, number, Violation[]] {
  const error = fail(() => parseJsonBody(typeof body === "string" ? utf8(body) : body, options));
  return [error.status, error.code, violationsOf(error)];
}

const v = (pointer: string, rule: string, extra: Partial<Violation> = {}) =>
  expect.objectContaining({ in: "body", pointer, rule, ...extra });

describe("checkContentType", () => {
  it.each([
    ["application/json", "application/json"],
    ["application/json; charset=utf-8", "application/json"],
    ["Application/JSON;Charset=UTF-8", "application/json"],
    ['application/json; charset="utf-8"', "application/json"],
    ["application/json;charset=utf8", "application/json"],
    ["application/json;", "application/json"],
    ["application/json; foo=bar; charset=utf-8", "application/json"],
    ["  application/json  ", "application/json"],
    ["application/problem+json", "application/problem+json"],
    ["application/merge-patch+json; charset=UTF-8", "application/merge-patch+json"],
    ["application/vnd.api+json", "application/vnd.api+json"],
  ])("accepts %j", (header, essence) => {
    expect(checkContentType(header)).toBe(essence);
  });

  it.each([
    [undefined, "Content-Type is missing; the body must be application/json"],
    ["", "Content-Type is missing; the body must be application/json"],
    ["text/plain", "Content-Type must be application/json"],
    ["text/json", "Content-Type must be application/json"],
    ["application/x-www-form-urlencoded", "Content-Type must be application/json"],
    ["multipart/form-data; boundary=x", "Content-Type must be application/json"],
    ["application/jsonx", "Content-Type must be application/json"],
    ["application/+json", "Content-Type must be application/json"],
    ["application/json-seq", "Content-Type must be application/json"],
    ["json", "Content-Type must be application/json"],
    ["application/json; charset=iso-8859-1", "The body must be encoded as UTF-8"],
    ["application/json; charset=utf-16", "The body must be encoded as UTF-8"],
    ["application/json; charset=", "The body must be encoded as UTF-8"],
  ])("refuses %j with 415 / 3", (header, message) => {
    const error = fail(() => checkContentType(header));
    expect([error.status, error.code, error.details]).toEqual([
      415,
      3,
      {
        violations: [
          {
            in: "header",
            pointer: "/content-type",
            rule: "media_type",
            message,
            expected: "application/json",
          },
        ],
      },
    ]);
  });
});

describe("checkContentLength", () => {
  it.each<[string | string[] | undefined, number | undefined]>([
    [undefined, undefined],
    [[], undefined],
    ["0", 0],
    ["10", 10],
    [" 12 ", 12],
    ["007", 7],
    ["1048576", 1_048_576],
    [["5"], 5],
  ])("reads %j", (header, length) => {
    expect(checkContentLength(header)).toBe(length);
  });

  it.each(["1048577", "99999999999999999999", "1".repeat(400)])(
    "refuses %s before reading: 413 / 3",
    (header) => {
      const error = fail(() => checkContentLength(header));
      expect([error.status, error.code, error.details]).toEqual([
        413,
        3,
        {
          violations: [
            {
              in: "header",
              pointer: "/content-length",
              rule: "size",
              message: "Request body is larger than 1048576 bytes",
              expected: 1_048_576,
            },
          ],
        },
      ]);
    },
  );

  it("takes the limit as an argument", () => {
    expect(checkContentLength("100", 100)).toBe(100);
    expect(fail(() => checkContentLength("101", 100)).status).toBe(413);
  });

  it.each<[string | string[], string]>([
    ["abc", "parse"],
    ["-1", "parse"],
    ["1.5", "parse"],
    ["1e3", "parse"],
    ["", "parse"],
    ["1,1", "parse"],
    ["0x10", "parse"],
    [["5", "5"], "duplicate"],
  ])("refuses the malformed %j with 400 / 3", (header, rule) => {
    const error = fail(() => checkContentLength(header));
    expect([error.status, error.code]).toEqual([400, 3]);
    expect(violationsOf(error)).toEqual([
      expect.objectContaining({ in: "header", pointer: "/content-length", rule }),
    ]);
  });
});

describe("requestHasBody", () => {
  it.each<[string | string[] | undefined, string | undefined, boolean]>([
    [undefined, undefined, false],
    ["0", undefined, false],
    [" 0 ", undefined, false],
    ["12", undefined, true],
    [undefined, "chunked", true],
    ["0", "chunked", true],
    [["1", "2"], undefined, true],
  ])("content-length %j, transfer-encoding %j -> %s", (length, encoding, expected) => {
    expect(requestHasBody(length, encoding)).toBe(expected);
  });
});

describe("parseJsonBody accepts", () => {
  it.each<[string, unknown]>([
    ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', { a: 1, b: [true, false, null], c: { d: "e" } }],
    [' \n\t{ "a" : [ 1 , 2 ] }\r\n', { a: [1, 2] }],
    ["[]", []],
    ["{}", {}],
    ['"text"', "text"],
    ["0", 0],
    ["-0.5e-3", -0.0005],
    ["null", null],
    ["9007199254740991", 9_007_199_254_740_991],
    ["-9007199254740991", -9_007_199_254_740_991],
    ["1e20", 1e20],
    ["1.7976931348623157e308", Number.MAX_VALUE],
    ["0e-400", 0],
    ["0.000000000000000000000000000000", 0],
    ['"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"', 'é\n"\\/\b\f\r\t'],
    ['"\\ud83d\\ude00 \\uD83D\\uDE00"', "\u{1F600} \u{1F600}"],
    ['{"Zoë":"Ångström ✓ 😀","k":"€"}', { Zoë: "Ångström ✓ 😀", k: "€" }],
    [
      '{"constructor":{"name":"x"},"prototype":1,"proto":2}',
      { constructor: { name: "x" }, prototype: 1, proto: 2 },
    ],
    ['{"__proto":1,"__proto__x":2}', { __proto: 1, __proto__x: 2 }],
  ])("%s", (text, value) => {
    expect(parseJsonBody(utf8(text))).toEqual(value);
  });

  it("accepts and drops a UTF-8 byte order mark", () => {
    expect(parseJsonBody(bytes(0xef, 0xbb, 0xbf, ...utf8('{"a":"ü","b":1}')))).toEqual({ a: "ü", b: 1 });
    expect(parseJsonBody(bytes(0xef, 0xbb, 0xbf, ...utf8('{"a":1}')))).toEqual({ a: 1 });
  });

  it("accepts nesting up to maxDepth, and deep documents when the limit allows", () => {
    expect(parseJsonBody(utf8(`${"[".repeat(64)}${"]".repeat(64)}`))).toBeInstanceOf(Array);
    const deep = `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`;
    expect(parseJsonBody(utf8(deep), { maxDepth: 10_000 })).toBeTypeOf("object");
  });

  it("accepts a body exactly at the limit", () => {
    expect(parseJsonBody(utf8('"abcd"'), { limit: 6 })).toBe("abcd");
  });

  it("returns plain objects whose prototype no key could change", () => {
    const value = parseJsonBody(utf8('{"a":{"b":[{"c":1}]}}')) as { a: { b: object[] } };
    expect(Object.getPrototypeOf(value.a)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(value.a.b[0])).toBe(Object.prototype);
  });

  it("counts string length in UTF-16 units after unescaping", () => {
    expect(parseJsonBody(utf8('"äöü"'), { maxStringLength: 3 })).toBe("äöü");
    expect(parseJsonBody(utf8('"\\u0041\\n\\t"'), { maxStringLength: 3 })).toBe("A\n\t");
    expect(refusal('"😀😀"', { maxStringLength: 3 })[2]).toEqual([v("", "maxLength", { expected: 3 })]);
  });
});

describe("parseJsonBody refuses", () => {
  const parse = (message: string) => [v("", "parse", { message })];

  it.each<[string, Uint8Array | string, JsonBodyOptions | undefined, [number, number, unknown]]>([
    ["an empty body", bytes(), undefined, [400, 3, parse("Request body is empty")]],
    ["a whitespace-only body", " \n\t ", undefined, [400, 3, parse("Request body contains no JSON value")]],
    [
      "a BOM alone",
      bytes(0xef, 0xbb, 0xbf),
      undefined,
      [400, 3, parse("Request body contains no JSON value")],
    ],
    ["the byte 0xff", bytes(0x7b, 0xff, 0x7d), undefined, [400, 3, parse("Request body is not valid UTF-8")]],
    [
      "a truncated sequence",
      bytes(0x22, 0xe2, 0x82, 0x22),
      undefined,
      [400, 3, parse("Request body is not valid UTF-8")],
    ],
    [
      "an overlong NUL",
      bytes(0x22, 0xc0, 0x80, 0x22),
      undefined,
      [400, 3, parse("Request body is not valid UTF-8")],
    ],
    [
      "an encoded surrogate",
      bytes(0x22, 0xed, 0xa0, 0x80, 0x22),
      undefined,
      [400, 3, parse("Request body is not valid UTF-8")],
    ],
    ["a body over the limit", '"abcde"', { limit: 6 }, [413, 3, [v("", "size", { expected: 6 })]]],
    ["invalid bytes over the limit", bytes(0xff, 0xff, 0xff), { limit: 2 }, [413, 3, [v("", "size")]]],
    [
      "1e6 nested [",
      "[".repeat(1_000_000),
      undefined,
      [400, 3, [v(`${"/0".repeat(64)}`, "depth", { expected: 64 })]],
    ],
    [
      "10k nested objects",
      `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`,
      undefined,
      [400, 3, [v("/a".repeat(64), "depth")]],
    ],
    [
      "nesting one past the limit",
      "[[[]]]",
      { maxDepth: 2 },
      [400, 3, [v("/0/0", "depth", { expected: 2 })]],
    ],
    ["__proto__", '{"__proto__":{"x":1}}', undefined, [400, 3, [v("/__proto__", "forbidden_key")]]],
    [
      "escaped __proto__",
      '{"a":[{"\\u005f_proto__":1}]}',
      undefined,
      [400, 3, [v("/a/0/__proto__", "forbidden_key")]],
    ],
    [
      "constructor.prototype",
      '{"a":{"constructor":{"prototype":{}}}}',
      undefined,
      [400, 3, [v("/a/constructor/prototype", "forbidden_key")]],
    ],
    [
      "constructor.prototype in an array",
      '[{"constructor":{"x":1,"prototype":1}}]',
      undefined,
      [400, 3, [v("/0/constructor/prototype", "forbidden_key")]],
    ],
    ["duplicate keys", '{"a":1,"a":2}', undefined, [400, 3, [v("/a", "duplicate")]]],
    [
      "nested duplicate keys",
      '{"a":{"b":1,"c":2,"b":3},"d":[{"e":1,"e":{}}]}',
      undefined,
      [400, 3, [v("/a/b", "duplicate"), v("/d/0/e", "duplicate")]],
    ],
    ["keys equal after unescaping", '{"a":1,"\\u0061":2}', undefined, [400, 3, [v("/a", "duplicate")]]],
    ["duplicate non-ASCII keys", '{"é":"ü","k":1,"é":2}', undefined, [400, 3, [v("/é", "duplicate")]]],
    [
      "duplicates after 3- and 4-byte characters",
      '{"€😀":"✓ \\"ü","k":1,"k":2}',
      undefined,
      [400, 3, [v("/k", "duplicate")]],
    ],
    ["a NUL in a string", '"\\u0000"', undefined, [400, 4, [v("", "forbidden_character")]]],
    ["a NUL in a key", '{"a/b\\u0000":1}', undefined, [400, 4, [v("/a~1b\u0000", "forbidden_character")]]],
    [
      "a lone high surrogate",
      '["\\ud800"]',
      undefined,
      [400, 4, [v("/0", "forbidden_character", { message: "String contains a lone surrogate" })]],
    ],
    ["a lone low surrogate", '"a\\udc00b"', undefined, [400, 4, [v("", "forbidden_character")]]],
    ["a high surrogate before a letter", '"\\ud83da"', undefined, [400, 4, [v("", "forbidden_character")]]],
    ["two high surrogates", '"\\ud83d\\ud83d"', undefined, [400, 4, [v("", "forbidden_character")]]],
    [
      "a lone surrogate in a key",
      '{"\\udfff":1}',
      undefined,
      [400, 4, [v("/\udfff", "forbidden_character")]],
    ],
    [
      "1e400",
      '{"x":[1,1e400]}',
      undefined,
      [400, 4, [v("/x/1", "number_range", { message: "Number is too large to be represented" })]],
    ],
    ["-1e400", "-1e400", undefined, [400, 4, [v("", "number_range")]]],
    [
      "2^60 as an integer",
      '{"n":1152921504606846976}',
      undefined,
      [400, 4, [v("/n", "number_range", { message: "Integer is outside the range ±(2^53-1)" })]],
    ],
    ["2^53", "9007199254740992", undefined, [400, 4, [v("", "number_range")]]],
    [
      "an underflowing nonzero literal",
      "1e-400",
      undefined,
      [400, 4, [v("", "number_range", { message: "Number is too small to be represented" })]],
    ],
    [
      "a string past maxStringLength",
      '{"s":"abcd"}',
      { maxStringLength: 3 },
      [400, 4, [v("/s", "maxLength", { expected: 3 })]],
    ],
    ["a key past maxStringLength", '{"abcd":1}', { maxStringLength: 3 }, [400, 4, [v("/abcd", "maxLength")]]],
    [
      "an array past maxArrayLength",
      '{"a":[1,2,3]}',
      { maxArrayLength: 2 },
      [400, 4, [v("/a", "maxItems", { expected: 2 })]],
    ],
    [
      "any array when maxArrayLength is 0",
      "[[]]",
      { maxArrayLength: 0 },
      [400, 4, [v("", "maxItems", { expected: 0 })]],
    ],
    [
      "an object past maxKeys",
      '{"a":1,"b":2,"c":3}',
      { maxKeys: 2 },
      [400, 4, [v("", "maxProperties", { expected: 2 })]],
    ],
  ])("%s", (_name, body, options, expected) => {
    expect(refusal(body, options)).toEqual(expected);
  });

  it("reports a huge string past the limit as 413 without decoding it", () => {
    const huge = utf8(`{"s":"${"x".repeat(2 * 1_048_576)}"}`);
    expect(refusal(huge)).toEqual([413, 3, [v("", "size", { expected: 1_048_576 })]]);
  });

  it.each<[string, string]>([
    ['{"a":1', "Invalid JSON at line 1, column 7: unexpected end of input, expected ',' or '}'"],
    ["[1,]", "Invalid JSON at line 1, column 4: unexpected character ']', expected a JSON value"],
    ['{"a" 1}', "Invalid JSON at line 1, column 6: unexpected character '1', expected ':'"],
    ["{'a':1}", "Invalid JSON at line 1, column 2: unexpected character ''', expected a string key"],
    ['{"a":1,}', "Invalid JSON at line 1, column 8: unexpected character '}', expected a string key"],
    ["{} x", "Invalid JSON at line 1, column 4: unexpected character 'x', expected the end of the body"],
    ["01", "Invalid JSON at line 1, column 2: unexpected character '1', expected the end of the body"],
    ["-", "Invalid JSON at line 1, column 2: unexpected end of input, expected a digit"],
    ["1.e5", "Invalid JSON at line 1, column 3: unexpected character 'e', expected a digit"],
    ["NaN", "Invalid JSON at line 1, column 1: unexpected character 'N', expected a JSON value"],
    ["tru", "Invalid JSON at line 1, column 1: unexpected character 't', expected a JSON value"],
    ['"abc', "Invalid JSON at line 1, column 5: unexpected end of input, unterminated string"],
    ['"\\x"', "Invalid JSON at line 1, column 3: unexpected character 'x', invalid escape"],
    ['"\\u12G4"', "Invalid JSON at line 1, column 6: unexpected character 'G', invalid \\u escape"],
    [
      '{\n  "a": [1,\n  2 3]\n}',
      "Invalid JSON at line 3, column 5: unexpected character '3', expected ',' or ']'",
    ],
    [
      '{"a":"x\ty"}',
      "Invalid JSON at line 1, column 8: unexpected character U+0009, control characters must be escaped in strings",
    ],
    [
      '{"é":"x\ny"}',
      "Invalid JSON at line 1, column 8: unexpected character U+000A, control characters must be escaped in strings",
    ],
    ['["ü" "€"]', "Invalid JSON at line 1, column 6: unexpected character '\"', expected ',' or ']'"],
    ["{é}", "Invalid JSON at line 1, column 2: unexpected character U+00E9, expected a string key"],
  ])("malformed JSON %j says where", (text, message) => {
    expect(refusal(text)).toEqual([400, 3, [{ in: "body", pointer: "", rule: "parse", message }]]);
  });

  it("never echoes the input in messages", () => {
    const [, , violations] = refusal(`{"a":"${"A".repeat(100_000)}" ${"B".repeat(100_000)}`);
    expect(violations[0]?.message.length).toBeLessThan(120);
  });

  it("answers 300k `[` even without a depth limit: iterative, no stack overflow", () => {
    expect(refusal("[".repeat(300_000), { maxDepth: Number.POSITIVE_INFINITY })).toEqual([
      400,
      3,
      [v("", "parse", { message: expect.stringContaining("unexpected end of input") })],
    ]);
  });

  it("reports every problem at once, structural ones deciding the code", () => {
    const body = '{"__proto__":1,"a":"\\u0000","n":1e400,"a":2,"list":[1,2,3]}';
    const [status, code, violations] = refusal(body, { maxArrayLength: 2 });
    expect([status, code]).toEqual([400, 3]);
    expect(violations).toEqual([
      v("/__proto__", "forbidden_key"),
      v("/a", "forbidden_character"),
      v("/n", "number_range"),
      v("/a", "duplicate"),
      v("/list", "maxItems"),
    ]);
    const values = refusal('{"a":"\\u0000","b":1e400}');
    expect(values.slice(0, 2)).toEqual([400, 4]);
  });

  it("finds duplicates in wide objects too", () => {
    const keys = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
    expect(refusal(`{${keys.join(",")},"k5":0,"k39":1}`)[2]).toEqual([
      v("/k5", "duplicate"),
      v("/k39", "duplicate"),
    ]);
    expect(parseJsonBody(utf8(`{${keys.join(",")}}`))).toHaveProperty("k39", 39);
  });

  it("keeps 100 violations and counts the rest in the message", () => {
    const body = `[${Array.from({ length: 150 }, () => '"\\u0000"').join(",")}]`;
    const error = fail(() => parseJsonBody(utf8(body)));
    const violations = violationsOf(error);
    expect(violations).toHaveLength(100);
    expect(violations[99]?.pointer).toBe("/99");
    expect(error.message).toBe("Invalid request: body /0: String contains a NUL character (and 149 more)");
  });

  it("throws ApiErrors without a stack trace", () => {
    const error = fail(() => parseJsonBody(utf8("{")));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.stack?.includes("\n    at ")).toBe(false);
  });
});

/** With the `u` flag, a surrogate matches only when it is not half of a pair. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
const forbidden = (text: string) => text.includes("\u0000") || LONE_SURROGATE.test(text);

/** Whether a NUL or a lone surrogate is in any string or key (the values are only a few levels deep). */
function hasForbidden(value: unknown): boolean {
  if (typeof value === "string") return forbidden(value);
  if (typeof value !== "object" || value === null) return false;
  return Object.entries(value).some(([key, item]) => forbidden(key) || hasForbidden(item));
}

describe("parseJsonBody agrees with JSON.parse", () => {
  // The only reasons to refuse what JSON.parse accepts; anything JSON.parse refuses must be `parse`.
  const EXTRA_RULES = new Set(["duplicate", "forbidden_key", "forbidden_character", "number_range"]);
  // Characters that matter to a JSON scanner turn up often, next to arbitrary code points.
  const unit = fc.oneof(
    fc.constantFrom('"', "\\", "\u0000", "\n", "/", "é", "\u{1F600}", "a", "_"),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  );
  const json = fc.json({ stringUnit: unit, maxDepth: 4 });
  const mutated = fc
    .tuple(
      json,
      fc.nat(),
      fc.nat({ max: 2 }),
      fc.constantFrom(...'"\\{}[],:0-e. \n\t\u0000\u0001étnu\u{1F600}'),
    )
    .map(([text, at, op, char]) => {
      const i = at % (text.length + 1);
      if (op === 0) return text.slice(0, i) + char + text.slice(i);
      return text.slice(0, i) + (op === 1 ? "" : char) + text.slice(i + 1);
    });

  it("on arbitrary, valid and mutated text", () => {
    fc.assert(
      fc.property(fc.oneof(json, mutated, fc.string({ unit: "binary", maxLength: 24 })), (text) => {
        const body = utf8(text);
        // What the server receives: lone surrogates become U+FFFD, and a leading BOM is dropped.
        const received = new TextDecoder().decode(body);
        let expected: { value: unknown } | undefined;
        try {
          expected = { value: JSON.parse(received) };
        } catch {
          expected = undefined;
        }
        let rules: string[] = [];
        try {
          const value = parseJsonBody(body);
          expect({ value }).toEqual(expected);
          expect(hasForbidden(value)).toBe(false);
          return;
        } catch (error) {
          if (!isApiError(error)) throw error;
          rules = violationsOf(error as ApiError<number>).map((v) => v.rule);
        }
        if (expected === undefined) expect(rules).toEqual(["parse"]);
        else expect(rules.every((rule) => EXTRA_RULES.has(rule))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});
