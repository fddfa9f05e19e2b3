import { describe, expect, it } from "vitest";
import {
  ApiError,
  BUILTIN_CODES,
  listCodes,
  parseErrorBody,
  problemJson,
  registerCode,
  serializeError,
} from "../src/index.js";
import {
  API_ERROR_SCHEMA_NAME,
  codeSchema,
  codesMarkdownTable,
  detailsSchema,
  errorBodySchema,
  errorComponentName,
  errorComponents,
  errorExample,
  errorResponses,
  type JsonSchema,
  type MediaTypeObject,
  problemSchema,
  type ReferenceObject,
  type ResponseObject,
  sentStatuses,
} from "../src/openapi.js";
import { newAjv } from "./support/ajv.js";

const ajv = newAjv();
const validatorFor = (schema: JsonSchema) => ajv.compile(schema);

// An application code, registered before anything is derived: it must show up everywhere.
const CUSTOM = registerCode({
  code: 140,
  name: "QUOTA_EXCEEDED",
  status: 429,
  statuses: [503],
  message: "Quota exceeded",
  description: "The caller used up its quota for the period.",
});

const MEDIA = "application/json";

function isRef(value: ResponseObject | ReferenceObject | undefined): value is ReferenceObject {
  return value !== undefined && "$ref" in value;
}

function response(value: ResponseObject | ReferenceObject | undefined): ResponseObject {
  if (value === undefined || isRef(value)) throw new Error(`expected an inline response, got ${value}`);
  return value;
}

/** Every `$ref` in a value, with where it was found. */
function refsIn(value: unknown, at = "#"): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((item, i) => refsIn(item, `${at}/${i}`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, item]): [string, string][] =>
    key === "$ref" && typeof item === "string" ? [[at, item]] : refsIn(item, `${at}/${key}`),
  );
}

function resolve(document: unknown, ref: string): unknown {
  let node = document;
  for (const segment of ref.replace(/^#\//, "").split("/")) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return node;
}

const violation = {
  in: "body",
  pointer: "/items/0/qty",
  rule: "minimum",
  message: "must be >= 1",
  expected: 1,
} as const;

/** Errors as handlers and the core build them, at least one per code and every allowed status. */
const wireCases: ApiError<number>[] = [
  ApiError.unknown({ message: "db password is hunter2", cause: new Error("boom") }),
  ApiError.notAllowed({ method: "DELETE", allowed: ["GET", "HEAD"] }),
  ApiError.notRealized({ method: "POST", path: "/v1/orders/{id}/refund" }),
  ApiError.invalidStructure([{ in: "body", pointer: "", rule: "parse", message: "Unexpected end of JSON" }]),
  ApiError.invalidStructure([{ in: "body", pointer: "", rule: "timeout", message: "too slow" }], {
    status: 408,
  }),
  ApiError.invalidStructure([{ in: "body", pointer: "", rule: "size", message: "too large" }], {
    status: 413,
  }),
  ApiError.invalidStructure(
    [{ in: "header", pointer: "/content-type", rule: "media_type", message: "json" }],
    {
      status: 415,
    },
  ),
  ApiError.invalidStructure([{ in: "header", pointer: "", rule: "size", message: "too large" }], {
    status: 431,
  }),
  ApiError.invalidValue([violation, { ...violation, pointer: "/a~1b", expected: { any: ["json", null] } }]),
  ApiError.invalidValue([{ in: "body", pointer: "/email", rule: "unique", message: "taken" }], {
    status: 409,
  }),
  ApiError.invalidValue([], { status: 422 }),
  ApiError.invalidType([{ in: "path", pointer: "/id", rule: "type", message: "must be integer" }]),
  ApiError.fromViolations([
    violation,
    { in: "query", pointer: "/x", rule: "type", message: "must be string" },
  ]),
  ApiError.authNotProvided(),
  ApiError.authInvalid(),
  ApiError.authExpired(),
  ApiError.authExpired(new Date("2024-02-29T23:59:59Z")),
  ApiError.authForbidden(),
  ApiError.authForbidden("orders:write"),
  ApiError.notExist(),
  ApiError.notExist({ method: "GET", path: "/nope" }),
  ApiError.notExist({ resource: "order", id: "42" }),
  ApiError.externalService({ service: "rates", reason: "timeout" }),
  ApiError.externalService({ service: "rates", reason: "unavailable" }),
  ApiError.externalService({ service: "rates", reason: "bad_response" }),
  ApiError.externalService({ service: "rates", reason: "circuit_open" }, { retryAfter: 30 }),
  ApiError.database({ reason: "unavailable" }),
  ApiError.database({ reason: "conflict" }),
  ApiError.database({ reason: "failure" }),
  new ApiError<number>(CUSTOM.code, { retry_after_seconds: 30, nested: [1, "two", null] }),
  new ApiError<number>(CUSTOM.code, null, { status: 503 }),
];

describe("schemas", () => {
  const components = errorComponents();

  it("all compile under JSON Schema 2020-12 in ajv's strict mode", () => {
    for (const [name, schema] of Object.entries(components.schemas)) {
      expect(() => newAjv().compile(schema), name).not.toThrow();
    }
    expect(() => newAjv().compile(errorBodySchema)).not.toThrow();
  });

  it("have one schema per registered code plus the generic one", () => {
    expect(Object.keys(components.schemas)).toStrictEqual([
      API_ERROR_SCHEMA_NAME,
      ...listCodes().map((d) => errorComponentName(d.code)),
    ]);
    expect(components.schemas[API_ERROR_SCHEMA_NAME]).toStrictEqual(errorBodySchema);
    expect(errorComponentName(10)).toBe("Error10NotExist");
    expect(errorComponentName(3)).toBe("Error3InvalidStructure");
    expect(errorComponentName(CUSTOM.code)).toBe("Error140QuotaExceeded");
  });

  it("accept every body serializeError produces, for every code and allowed status", () => {
    const generic = validatorFor(errorBodySchema);
    const covered = new Set<string>();
    for (const error of wireCases) {
      const body: unknown = JSON.parse(serializeError(error));
      const own = validatorFor(codeSchema(error.code));
      expect(own(body), `${serializeError(error)}: ${JSON.stringify(own.errors)}`).toBe(true);
      expect(generic(body), serializeError(error)).toBe(true);
      covered.add(`${error.code}/${error.status}`);
    }
    const expected = listCodes().flatMap((d) => d.statuses.map((s) => `${d.code}/${s}`));
    expect([...covered].sort()).toStrictEqual(expected.sort());
  });

  it("accept dev-mode bodies too (the message changes, the shape does not)", () => {
    for (const error of wireCases) {
      const body: unknown = JSON.parse(serializeError(error, { dev: true }));
      expect(validatorFor(codeSchema(error.code))(body)).toBe(true);
    }
  });

  it.each<[string, number, unknown]>([
    ["a missing details key", 0, { error_code: 0, error_message: "x" }],
    ["an extra key", 10, { error_code: 10, error_message: "x", details: null, stack: "at ..." }],
    ["a string error_code", 10, { error_code: "10", error_message: "x", details: null }],
    ["another code", 10, { error_code: 4, error_message: "x", details: null }],
    ["an empty message", 10, { error_code: 10, error_message: "", details: null }],
    ["details where null is required", 6, { error_code: 6, error_message: "x", details: {} }],
    ["null where details are required", 1, { error_code: 1, error_message: "x", details: null }],
    [
      "allowed that is not a list",
      1,
      { error_code: 1, error_message: "x", details: { method: "GET", allowed: "GET" } },
    ],
    [
      "a violation without a rule",
      4,
      {
        error_code: 4,
        error_message: "x",
        details: { violations: [{ in: "body", pointer: "/a", message: "m" }] },
      },
    ],
    [
      "a violation in an unknown place",
      3,
      {
        error_code: 3,
        error_message: "x",
        details: { violations: [{ in: "cookie", pointer: "/a", rule: "r", message: "m" }] },
      },
    ],
    [
      "a pointer that is no JSON Pointer",
      5,
      {
        error_code: 5,
        error_message: "x",
        details: { violations: [{ in: "body", pointer: "a", rule: "type", message: "m" }] },
      },
    ],
    [
      "101 violations",
      4,
      {
        error_code: 4,
        error_message: "x",
        details: { violations: Array.from({ length: 101 }, () => violation) },
      },
    ],
    [
      "expired_at that is no date-time",
      8,
      { error_code: 8, error_message: "x", details: { expired_at: "yesterday" } },
    ],
    [
      "required that is no string",
      9,
      { error_code: 9, error_message: "x", details: { required: ["admin"] } },
    ],
    [
      "a mix of both shapes of 10",
      10,
      {
        error_code: 10,
        error_message: "x",
        details: { method: "GET", path: "/a", resource: "order", id: "1" },
      },
    ],
    [
      "an unknown reason for 11",
      11,
      { error_code: 11, error_message: "x", details: { service: "rates", reason: "slow" } },
    ],
    ["no service for 11", 11, { error_code: 11, error_message: "x", details: { reason: "timeout" } }],
    ["an unknown reason for 12", 12, { error_code: 12, error_message: "x", details: { reason: "deadlock" } }],
  ])("reject %s", (_, code, body) => {
    expect(validatorFor(codeSchema(code))(body)).toBe(false);
  });

  it("reject wrong bodies in the generic schema too", () => {
    const generic = validatorFor(errorBodySchema);
    expect(generic({ error_code: -1, error_message: "x", details: null })).toBe(false);
    expect(generic({ error_code: 1.5, error_message: "x", details: null })).toBe(false);
    expect(generic({ code: 10, message: "x" })).toBe(false);
    expect(generic([])).toBe(false);
    expect(generic({ error_code: 140, error_message: "x", details: [1, { a: null }] })).toBe(true);
  });

  it("let a custom code carry any JSON in details", () => {
    const validate = validatorFor(codeSchema(CUSTOM.code));
    for (const details of [null, 1, "s", [1, 2], { a: { b: [true] } }]) {
      expect(validate({ error_code: CUSTOM.code, error_message: "Quota exceeded", details })).toBe(true);
    }
    expect(detailsSchema(CUSTOM.code)).not.toHaveProperty("type");
  });

  it("throw for an unregistered code", () => {
    expect(() => detailsSchema(42)).toThrow("detailsSchema: code 42 is not registered (see registerCode)");
    expect(() => codeSchema(99)).toThrow(RangeError);
    expect(() => errorComponentName(13)).toThrow(RangeError);
  });
});

describe("errorComponents", () => {
  const components = errorComponents();

  it("has one response per registered code, the custom one included", () => {
    expect(Object.keys(components.responses)).toStrictEqual(
      listCodes().map((d) => errorComponentName(d.code)),
    );
    expect(components.responses["Error140QuotaExceeded"]?.description).toBe(
      "140 QUOTA_EXCEEDED: The caller used up its quota for the period.",
    );
  });

  it("gives every response an example its code's schema accepts, exactly as the wire carries it", () => {
    for (const definition of listCodes()) {
      const name = errorComponentName(definition.code);
      const content = components.responses[name]?.content[MEDIA];
      expect(content?.schema).toStrictEqual({ $ref: `#/components/schemas/${name}` });
      const example = content?.example;
      const validate = validatorFor(components.schemas[name]!);
      expect(validate(example), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
      expect(parseErrorBody(example, definition.status).conforming, name).toBe(true);
      // The example's key order is the wire's.
      expect(JSON.stringify(example)).toMatch(/^\{"error_code":\d+,"error_message":".+","details":/);
      expect(example).toStrictEqual(errorExample(definition.code));
    }
  });

  it("uses the fixed public message for 5xx examples", () => {
    expect(components.responses["Error0Unknown"]?.content[MEDIA]?.example).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
    expect(errorExample(12)).toStrictEqual({
      error_code: 12,
      error_message: "Database is unavailable",
      details: { reason: "unavailable" },
    });
    expect(errorExample(12, 500)).toStrictEqual({
      error_code: 12,
      error_message: "Database error",
      details: { reason: "failure" },
    });
  });

  it("documents the headers the contract mandates", () => {
    const headers = (name: string) => components.responses[name]?.headers ?? {};
    for (const name of Object.keys(components.responses)) {
      expect(headers(name)["X-Request-Id"]?.required, name).toBe(true);
    }
    expect(Object.keys(headers("Error1NotAllowed")).sort()).toStrictEqual(["Allow", "X-Request-Id"]);
    expect(headers("Error1NotAllowed")["Allow"]).toMatchObject({
      required: true,
      example: "GET, HEAD, POST",
    });
    for (const name of ["Error6AuthNotProvided", "Error7AuthInvalid", "Error8AuthExpired"]) {
      expect(headers(name)["WWW-Authenticate"]?.required, name).toBe(true);
    }
    expect(headers("Error6AuthNotProvided")["WWW-Authenticate"]?.example).toBe("Bearer");
    expect(String(headers("Error8AuthExpired")["WWW-Authenticate"]?.example)).toContain(
      'error="invalid_token"',
    );
    expect(headers("Error12Database")["Retry-After"]).toMatchObject({ required: false, example: 5 });
    expect(headers("Error10NotExist")).not.toHaveProperty("Retry-After");
    expect(headers("Error10NotExist")).not.toHaveProperty("Allow");
    expect(headers("Error140QuotaExceeded")).not.toHaveProperty("WWW-Authenticate");
  });

  it("gives header examples that their own header schemas accept", () => {
    for (const [name, res] of Object.entries(components.responses)) {
      for (const [header, object] of Object.entries(res.headers)) {
        if (object.example === undefined) continue;
        expect(validatorFor(object.schema)(object.example), `${name} ${header}`).toBe(true);
      }
    }
  });

  it("can inline the schemas and change the media type", () => {
    const inline = errorComponents({ inline: true, mediaType: "application/json; charset=utf-8" });
    expect(refsIn(inline)).toStrictEqual([]);
    const content = inline.responses["Error10NotExist"]?.content["application/json; charset=utf-8"];
    expect(content?.schema).toStrictEqual(codeSchema(10));
  });

  it("returns fresh objects every time, so tools that rewrite documents in place harm nobody", () => {
    const first = errorComponents();
    (first.schemas["Error10NotExist"] as { title: string }).title = "changed";
    expect(errorComponents().schemas["Error10NotExist"]?.["title"]).toBe("10 NOT_EXIST");
    expect(errorBodySchema["title"]).toBe("ApiError");
  });

  it("lists the custom code in the markdown table", () => {
    expect(codesMarkdownTable()).toContain(
      "| 140 | QUOTA_EXCEEDED | 429 | 503 | The caller used up its quota for the period. |",
    );
  });
});

describe("errorResponses", () => {
  it("combines codes that share a status and refers to components", () => {
    const responses = errorResponses([3, 4, 5, 6, 10]);
    expect(Object.keys(responses)).toStrictEqual(["400", "401", "404", "413", "415"]);
    expect(responses["401"]).toStrictEqual({ $ref: "#/components/responses/Error6AuthNotProvided" });
    expect(responses["404"]).toStrictEqual({ $ref: "#/components/responses/Error10NotExist" });
    const bad = response(responses["400"]);
    expect(bad.content[MEDIA]?.schema).toStrictEqual({
      oneOf: [
        { $ref: "#/components/schemas/Error3InvalidStructure" },
        { $ref: "#/components/schemas/Error4InvalidValue" },
        { $ref: "#/components/schemas/Error5InvalidType" },
      ],
    });
    expect(Object.keys(bad.content[MEDIA]?.examples ?? {})).toStrictEqual([
      "Error3InvalidStructure",
      "Error4InvalidValue",
      "Error5InvalidType",
    ]);
    expect(bad.description).toContain("- 4 INVALID_VALUE: ");
  });

  it("combines the three 401 codes into one response with a WWW-Authenticate header", () => {
    const responses = errorResponses([8, 6, 7]);
    const unauthorized = response(responses["401"]);
    expect(Object.keys(unauthorized.content[MEDIA]?.examples ?? {})).toStrictEqual([
      "Error6AuthNotProvided",
      "Error7AuthInvalid",
      "Error8AuthExpired",
    ]);
    expect(unauthorized.headers["WWW-Authenticate"]?.required).toBe(true);
  });

  it("puts a code at a non-default status under that status, with a matching example", () => {
    const responses = errorResponses([
      4,
      { code: 4, status: 409 },
      11,
      { code: 11, status: 504 },
      { code: 11, status: 503 },
    ]);
    expect(Object.keys(responses)).toStrictEqual(["400", "409", "502", "503", "504"]);
    expect(responses["400"]).toStrictEqual({ $ref: "#/components/responses/Error4InvalidValue" });
    expect(responses["502"]).toStrictEqual({ $ref: "#/components/responses/Error11ExternalService" });
    const conflict = response(responses["409"]);
    expect(conflict.content[MEDIA]?.schema).toStrictEqual({
      $ref: "#/components/schemas/Error4InvalidValue",
    });
    expect(conflict.content[MEDIA]?.example).toMatchObject({ details: { violations: [{ rule: "unique" }] } });
    const timeout = response(responses["504"]);
    expect(timeout.content[MEDIA]?.example).toStrictEqual({
      error_code: 11,
      error_message: "External service timed out",
      details: { service: "rates", reason: "timeout" },
    });
    expect(response(responses["503"]).headers["Retry-After"]).toMatchObject({ example: 30 });
    expect(timeout.headers).not.toHaveProperty("Retry-After");
  });

  it("gives examples valid for their schema and status at every allowed status of every code", () => {
    const all = listCodes().flatMap((d) => d.statuses.map((status) => ({ code: d.code, status })));
    const responses = errorResponses(all, { inline: true });
    expect(Object.keys(responses).map(Number)).toStrictEqual(
      [...new Set(all.map((e) => e.status))].sort((a, b) => a - b),
    );
    for (const [status, value] of Object.entries(responses)) {
      const content = response(value).content[MEDIA]!;
      const validate = validatorFor(content.schema);
      const examples = content.examples
        ? Object.values(content.examples).map((e) => e.value)
        : [content.example];
      for (const example of examples) {
        expect(validate(example), `${status} ${JSON.stringify(example)}`).toBe(true);
        expect(
          parseErrorBody(example, Number(status)).conforming,
          `${status} ${JSON.stringify(example)}`,
        ).toBe(true);
      }
    }
  });

  it("handles the custom code like a built-in one", () => {
    const responses = errorResponses([CUSTOM.code, { code: CUSTOM.code, status: 503 }, 12]);
    expect(responses["429"]).toStrictEqual({ $ref: "#/components/responses/Error140QuotaExceeded" });
    const unavailable = response(responses["503"]);
    expect(Object.keys(unavailable.content[MEDIA]?.examples ?? {})).toStrictEqual([
      "Error12Database",
      "Error140QuotaExceeded",
    ]);
    expect(unavailable.headers["Retry-After"]?.required).toBe(false);
  });

  it("inlines everything on request", () => {
    const responses = errorResponses([3, 4, 10, { code: 12, status: 500 }, 0], { inline: true });
    expect(refsIn(responses)).toStrictEqual([]);
    expect(response(responses["404"]).content[MEDIA]?.schema).toStrictEqual(codeSchema(10));
    expect(response(responses["500"]).content[MEDIA]?.schema).toStrictEqual({
      oneOf: [codeSchema(0), codeSchema(12)],
    });
  });

  it("documents a plain code at every status the adapters send it with; { code, status } at that one", () => {
    expect(sentStatuses(3)).toStrictEqual([400, 413, 415]);
    expect(sentStatuses(11)).toStrictEqual([502, 503, 504]);
    expect(sentStatuses(12)).toStrictEqual([500, 503]);
    expect(sentStatuses(4)).toStrictEqual([400]);
    expect(sentStatuses(CUSTOM.code)).toStrictEqual([429]);
    expect(Object.keys(errorResponses([3]))).toStrictEqual(["400", "413", "415"]);
    expect(Object.keys(errorResponses([{ code: 3, status: 400 }]))).toStrictEqual(["400"]);
    expect(Object.keys(errorResponses([11, 12, 0]))).toStrictEqual(["500", "502", "503", "504"]);
    const tooLarge = response(errorResponses([3])["413"]);
    expect(tooLarge.content[MEDIA]?.schema).toStrictEqual({
      $ref: "#/components/schemas/Error3InvalidStructure",
    });
    expect(tooLarge.content[MEDIA]?.example).toMatchObject({
      error_code: 3,
      details: { violations: [{ rule: "size" }] },
    });
    const media = response(errorResponses([3])["415"]);
    expect(media.content[MEDIA]?.example).toMatchObject({
      details: { violations: [{ rule: "media_type" }] },
    });
    expect(() => sentStatuses(42)).toThrow(RangeError);
  });

  it("ignores a code listed twice at the same status", () => {
    expect(errorResponses([10, 10, { code: 10, status: 404 }])).toStrictEqual(errorResponses([10]));
    expect(errorResponses([])).toStrictEqual({});
  });

  it("only refers to things errorComponents defines", () => {
    const document = {
      openapi: "3.1.0",
      info: { title: "t", version: "1" },
      components: errorComponents(),
      paths: {
        "/v1/orders/{id}": {
          get: {
            responses: errorResponses(
              listCodes().flatMap((d) => d.statuses.map((status) => ({ code: d.code, status }))),
            ),
          },
        },
      },
    };
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(listCodes().length);
    for (const [at, ref] of refs) {
      expect(resolve(document, ref), `${at} -> ${ref}`).toBeDefined();
    }
  });

  it.each<[string, Parameters<typeof errorResponses>[0], string | RegExp]>([
    ["an unregistered code", [3, 42], "errorResponses: code 42 is not registered (see registerCode)"],
    ["a reserved code", [99], "errorResponses: code 99 is not registered (see registerCode)"],
    ["a code that is not an integer", [1.5], "errorResponses: code must be an integer, got 1.5"],
    [
      "a code given as a string",
      ["10" as unknown as number],
      'errorResponses: code must be an integer, got "10"',
    ],
    [
      "a status the code does not allow",
      [{ code: 10, status: 409 }],
      "errorResponses: status 409 is not allowed for code 10 NOT_EXIST (allowed: 404)",
    ],
    [
      "a status of a custom code it does not allow",
      [{ code: CUSTOM.code, status: 500 }],
      "errorResponses: status 500 is not allowed for code 140 QUOTA_EXCEEDED (allowed: 429, 503)",
    ],
  ])("throws for %s", (_, codes, message) => {
    expect(() => errorResponses(codes)).toThrow(message);
  });

  it("throws the right error types", () => {
    expect(() => errorResponses([42])).toThrow(RangeError);
    expect(() => errorResponses([{ code: 4, status: 404 }])).toThrow(RangeError);
    expect(() => errorResponses([Number.NaN])).toThrow(TypeError);
    expect(() => errorExample(11, 500)).toThrow(
      "errorExample: status 500 is not allowed for code 11 EXTERNAL_SERVICE (allowed: 502, 503, 504)",
    );
  });
});

describe("the OpenAPI quickstart example", () => {
  it("documents each status of each operation from the registry", async () => {
    const { document } = await import("../examples/openapi.js");
    expect(Object.keys(document.paths["/orders/{id}"].get.responses)).toStrictEqual([
      "200",
      "400",
      "401",
      "404",
      "500",
      "503",
    ]);
    expect(Object.keys(document.paths["/orders/{id}"].put.responses)).toStrictEqual(["204", "404", "409"]);
    // Every built-in code (this file also registers an application code, which appears too).
    expect(Object.keys(document.components.responses)).toEqual(
      expect.arrayContaining(BUILTIN_CODES.map((d) => errorComponentName(d.code))),
    );
  });
});

describe("Problem Details in the document", () => {
  it("documents application/problem+json beside the contract when the API offers it", () => {
    const responses = errorResponses([4, 6, 7, 10], { inline: true, problemDetails: true }) as Record<
      string,
      ResponseObject
    >;
    for (const [status, response] of Object.entries(responses)) {
      expect(Object.keys(response.content)).toStrictEqual(["application/json", "application/problem+json"]);
      const problem = response.content["application/problem+json"] as MediaTypeObject;
      const validate = validatorFor(problem.schema);
      const examples =
        problem.example === undefined
          ? Object.values(problem.examples ?? {}).map((e) => e.value)
          : [problem.example];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
        expect(example).toMatchObject({ type: "about:blank", status: Number(status) });
      }
    }
    expect(
      Object.keys((errorResponses([10], { inline: true }) as Record<string, ResponseObject>)["404"]!.content),
    ).toStrictEqual(["application/json"]);
  });

  it("the schema of a code holds what the adapters answer with", () => {
    const body = {
      error_code: 10,
      error_message: "Resource not found",
      details: { method: "GET", path: "/x" },
    };
    const answer = JSON.parse(problemJson(body, 404, { title: "Resource not found", instance: "/x" }));
    expect(validatorFor(problemSchema(10))(answer)).toBe(true);
    expect(validatorFor(problemSchema(10))({ ...answer, error_code: 4 })).toBe(false);
    expect(validatorFor(problemSchema(10))({ ...answer, status: 400 })).toBe(false);
  });
});
