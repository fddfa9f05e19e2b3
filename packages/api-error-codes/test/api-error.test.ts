import { describe, expect, it } from "vitest";
import { ApiError, BUILTIN_CODES, ErrorCode, isApiError, type Violation } from "../src/index.js";

const violation = (rule: string, pointer = "/a"): Violation => ({
  in: "body",
  pointer,
  rule,
  message: `breaks ${rule}`,
});

describe("factories", () => {
  // One row per code: the factory call, and the exact wire body and status it must produce.
  const rows: [string, ApiError<number>, number, object][] = [
    [
      "unknown",
      ApiError.unknown({ message: "db password is hunter2" }),
      500,
      { error_code: 0, error_message: "Unknown server side error occurred", details: null },
    ],
    [
      "notAllowed",
      ApiError.notAllowed({ method: "PATCH", allowed: ["GET", "HEAD", "POST"] }),
      405,
      {
        error_code: 1,
        error_message: "Method not allowed",
        details: { method: "PATCH", allowed: ["GET", "HEAD", "POST"] },
      },
    ],
    [
      "notRealized",
      ApiError.notRealized({ method: "POST", path: "/v1/orders/{id}/refund" }),
      501,
      {
        error_code: 2,
        error_message: "Operation is not implemented",
        details: { method: "POST", path: "/v1/orders/{id}/refund" },
      },
    ],
    [
      "invalidStructure",
      ApiError.invalidStructure([violation("required", "/item")]),
      400,
      {
        error_code: 3,
        error_message: "Invalid request: body /item: breaks required",
        details: { violations: [violation("required", "/item")] },
      },
    ],
    [
      "invalidValue",
      ApiError.invalidValue([violation("minimum")], { status: 422, message: "quantity too small" }),
      422,
      { error_code: 4, error_message: "quantity too small", details: { violations: [violation("minimum")] } },
    ],
    [
      "invalidType",
      ApiError.invalidType([violation("type"), violation("type", "/b")]),
      400,
      {
        error_code: 5,
        error_message: "Invalid request: body /a: breaks type (and 1 more)",
        details: { violations: [violation("type"), violation("type", "/b")] },
      },
    ],
    [
      "authNotProvided",
      ApiError.authNotProvided(),
      401,
      { error_code: 6, error_message: "Authentication is required", details: null },
    ],
    [
      "authInvalid",
      ApiError.authInvalid(),
      401,
      { error_code: 7, error_message: "Authentication credentials are invalid", details: null },
    ],
    [
      "authExpired",
      ApiError.authExpired(new Date("2026-01-02T03:04:05.000Z")),
      401,
      {
        error_code: 8,
        error_message: "Authentication credentials have expired",
        details: { expired_at: "2026-01-02T03:04:05.000Z" },
      },
    ],
    [
      "authForbidden",
      ApiError.authForbidden("admin"),
      403,
      {
        error_code: 9,
        error_message: "Access to this operation is forbidden",
        details: { required: "admin" },
      },
    ],
    [
      "notExist",
      ApiError.notExist({ resource: "order", id: "42" }),
      404,
      { error_code: 10, error_message: "Resource not found", details: { resource: "order", id: "42" } },
    ],
    [
      "externalService",
      ApiError.externalService({ service: "rates", reason: "timeout" }, { message: "rates took 2001 ms" }),
      504,
      {
        error_code: 11,
        error_message: "External service timed out",
        details: { service: "rates", reason: "timeout" },
      },
    ],
    [
      "database",
      ApiError.database({ reason: "unavailable" }, { retryAfter: 2.5 }),
      503,
      { error_code: 12, error_message: "Database is unavailable", details: { reason: "unavailable" } },
    ],
  ];

  it.each(rows)("%s gives the exact wire body and status", (_name, error, status, body) => {
    expect(error.status).toBe(status);
    expect(error.toJSON()).toStrictEqual(body);
    expect(JSON.stringify(error)).toBe(JSON.stringify(body));
    expect(Object.keys(error.toJSON())).toStrictEqual(["error_code", "error_message", "details"]);
  });

  it("covers every built-in code", () => {
    expect(rows.map(([, e]) => e.code).sort((a, b) => a - b)).toStrictEqual(BUILTIN_CODES.map((d) => d.code));
  });

  it("derives the status of 11 and 12 from the reason", () => {
    expect(ApiError.externalService({ service: "s", reason: "circuit_open" }).status).toBe(503);
    expect(ApiError.externalService({ service: "s", reason: "bad_response" }).status).toBe(502);
    expect(ApiError.externalService({ service: "s", reason: "unavailable" }).status).toBe(502);
    expect(ApiError.database({ reason: "failure" }).status).toBe(500);
    expect(ApiError.database({ reason: "conflict" }).status).toBe(503);
    expect(ApiError.database({ reason: "failure" }).publicMessage).toBe("Database error");
  });

  it("rounds Retry-After up to whole seconds and keeps extra headers", () => {
    const error = ApiError.database(
      { reason: "unavailable" },
      { retryAfter: 2.5, headers: { "X-Shard": "3" } },
    );
    expect(error.headers).toStrictEqual({ "X-Shard": "3", "Retry-After": "3" });
  });

  it("leaves optional details null", () => {
    expect(ApiError.authExpired().details).toBeNull();
    expect(ApiError.authForbidden().details).toBeNull();
    expect(ApiError.notExist().details).toBeNull();
  });
});

describe("ApiError", () => {
  it("is a real Error with name, cause and the developer's message", () => {
    const cause = new Error("ECONNREFUSED 10.0.0.7:5432");
    const error = ApiError.database({ reason: "unavailable" }, { cause, message: "pool exhausted" });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ApiError");
    expect(error.message).toBe("pool exhausted");
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe("ApiError: pool exhausted");
  });

  it("never sends a 5xx message unless told to expose it", () => {
    const hidden = ApiError.unknown({ message: "SELECT * FROM users failed at /srv/app.js:12" });
    expect(hidden.publicMessage).toBe("Unknown server side error occurred");
    const shown = ApiError.notRealized(
      { method: "GET", path: "/x" },
      { message: "Coming in v2", expose: true },
    );
    expect(shown.publicMessage).toBe("Coming in v2");
  });

  it("keeps stacks for 5xx and skips them for 4xx", () => {
    expect(ApiError.unknown().stack).toContain("api-error.test.ts");
    expect(ApiError.notExist().stack).not.toContain("api-error.test.ts");
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });

  it("rejects an unregistered code and a status the code does not allow", () => {
    expect(() => new ApiError(55 as 0, null)).toThrow("code 55 is not registered");
    expect(() => ApiError.notExist(null, { status: 410 as 404 })).toThrow(
      "status 410 is not allowed for code 10 NOT_EXIST (allowed: 404)",
    );
    expect(() => ApiError.invalidValue([], { status: 409 })).not.toThrow();
  });

  it("caps violations at 100 and says how many there were", () => {
    const many = Array.from({ length: 150 }, (_, i) => violation("minimum", `/${i}`));
    const error = ApiError.fromViolations(many);
    expect(error.details.violations).toHaveLength(100);
    expect(error.details.violations[99]?.pointer).toBe("/99");
    expect(error.message).toBe("Invalid request: body /0: breaks minimum (and 149 more)");
  });

  it("picks the code by precedence: structural, then type, then value", () => {
    expect(
      ApiError.fromViolations([violation("minimum"), violation("type"), violation("required")]).code,
    ).toBe(3);
    expect(ApiError.fromViolations([violation("minimum"), violation("type")]).code).toBe(5);
    expect(ApiError.fromViolations([violation("pattern"), violation("enum")]).code).toBe(4);
    expect(ApiError.fromViolations([violation("additionalProperties"), violation("type")]).code).toBe(3);
  });

  it("names in its message the violation that decided the code, wherever it is listed", () => {
    const tooLong = violation("maxLength", "/name");
    const missing = violation("required", "/quantity");
    const wrongType = violation("type", "/tags");
    expect(ApiError.fromViolations([tooLong, missing]).message).toBe(
      "Invalid request: body /quantity: breaks required (and 1 more)",
    );
    expect(ApiError.fromViolations([tooLong, wrongType, violation("minimum")]).message).toBe(
      "Invalid request: body /tags: breaks type (and 2 more)",
    );
    // Past the 100 kept in details, the deciding violation still names the message.
    const many = [...Array.from({ length: 120 }, (_, i) => violation("maxLength", `/${i}`)), missing];
    expect(ApiError.fromViolations(many).message).toBe(
      "Invalid request: body /quantity: breaks required (and 120 more)",
    );
  });
});

describe("isApiError", () => {
  it("narrows by code", () => {
    const error: unknown = ApiError.notExist({ resource: "order", id: "1" });
    expect(isApiError(error)).toBe(true);
    expect(isApiError(error, ErrorCode.NOT_EXIST)).toBe(true);
    expect(isApiError(error, ErrorCode.AUTH_EXPIRED)).toBe(false);
  });

  it.each([null, undefined, "x", 10, { code: 10, status: 404 }, new Error("x"), Object.create(null)])(
    "rejects look-alikes and plain values: %s",
    (value) => {
      expect(isApiError(value)).toBe(false);
      expect(value instanceof ApiError).toBe(false);
    },
  );

  it("keeps the ordinary instanceof for subclasses", () => {
    class OrderMissing extends ApiError<10> {
      constructor() {
        super(10, { resource: "order", id: "x" });
      }
    }
    expect(new OrderMissing() instanceof OrderMissing).toBe(true);
    expect(new OrderMissing() instanceof ApiError).toBe(true);
    expect(ApiError.notExist() instanceof OrderMissing).toBe(false);
  });
});
