import { describe, expect, it } from "vitest";
import {
  ApiError,
  BUILTIN_CODES,
  ErrorCode,
  FIRST_CUSTOM_CODE,
  getCode,
  isAllowedStatus,
  listCodes,
  registerCode,
} from "../src/index.js";

describe("registry", () => {
  it("holds the thirteen codes of the contract with their statuses", () => {
    expect(BUILTIN_CODES.map((d) => [d.code, d.name, d.status, d.statuses])).toStrictEqual([
      [0, "UNKNOWN", 500, [500]],
      [1, "NOT_ALLOWED", 405, [405]],
      [2, "NOT_REALIZED", 501, [501]],
      [3, "INVALID_STRUCTURE", 400, [400, 408, 413, 415, 431]],
      [4, "INVALID_VALUE", 400, [400, 409, 422]],
      [5, "INVALID_TYPE", 400, [400]],
      [6, "AUTH_NOT_PROVIDED", 401, [401]],
      [7, "AUTH_INVALID", 401, [401]],
      [8, "AUTH_EXPIRED", 401, [401]],
      [9, "AUTH_FORBIDDEN", 403, [403]],
      [10, "NOT_EXIST", 404, [404]],
      [11, "EXTERNAL_SERVICE", 502, [502, 503, 504]],
      [12, "DATABASE", 503, [503, 500]],
    ]);
  });

  it("names every code as a constant", () => {
    expect(ErrorCode.UNKNOWN).toBe(0);
    expect(ErrorCode.NOT_EXIST).toBe(10);
    expect(ErrorCode.DATABASE).toBe(12);
    expect(Object.keys(ErrorCode)).toHaveLength(13);
    expect(Object.isFrozen(ErrorCode)).toBe(true);
  });

  it("answers status questions", () => {
    expect(isAllowedStatus(3, 413)).toBe(true);
    expect(isAllowedStatus(3, 422)).toBe(false);
    expect(isAllowedStatus(12, 500)).toBe(true);
    expect(isAllowedStatus(77, 400)).toBe(false);
    expect(getCode(77)).toBeUndefined();
  });
});

describe("registerCode", () => {
  it("adds an application code that behaves like a built-in one", () => {
    const definition = registerCode({
      code: 150,
      name: "QUOTA_EXCEEDED",
      status: 429,
      statuses: [503],
      message: "Quota exceeded",
    });
    expect(definition).toStrictEqual({
      code: 150,
      name: "QUOTA_EXCEEDED",
      status: 429,
      statuses: [429, 503],
      message: "Quota exceeded",
      description: "Quota exceeded",
    });
    expect(listCodes().at(-1)?.code).toBe(150);
    const error = new ApiError(150, { limit: 10 }, { retryAfter: 60 });
    expect(error.status).toBe(429);
    expect(error.headers).toStrictEqual({ "Retry-After": "60" });
    expect(JSON.stringify(error)).toBe(
      '{"error_code":150,"error_message":"Quota exceeded","details":{"limit":10}}',
    );
    expect(new ApiError(150, null, { status: 503 }).publicMessage).toBe("Quota exceeded");
  });

  it("accepts the same definition twice and refuses a conflicting one", () => {
    const input = { code: 151, name: "ALPHA", status: 409, message: "Alpha" } as const;
    expect(registerCode(input)).toBe(registerCode(input));
    expect(() => registerCode({ ...input, message: "Other" })).toThrow(
      "code 151 is already registered as ALPHA",
    );
    expect(() => registerCode({ code: 152, name: "ALPHA", status: 409, message: "x" })).toThrow(
      "name ALPHA is already used by code 151",
    );
  });

  it.each([
    [{ code: 99, name: "LOW", status: 400, message: "x" }, `code must be an integer >= ${FIRST_CUSTOM_CODE}`],
    [{ code: 100.5, name: "FRACTION", status: 400, message: "x" }, "code must be an integer"],
    [{ code: 160, name: "lower", status: 400, message: "x" }, "must be UPPER_SNAKE_CASE"],
    [{ code: 161, name: "OK_STATUS", status: 200, message: "x" }, "status 200 is not an error status"],
    [{ code: 162, name: "EMPTY", status: 400, message: "" }, "message is required"],
  ])("refuses %j", (input, message) => {
    expect(() => registerCode(input)).toThrow(message);
  });
});
