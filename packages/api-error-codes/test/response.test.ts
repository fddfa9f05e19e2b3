import { describe, expect, it } from "vitest";
import { ApiError, errorResponse, requestId } from "../src/index.js";

const base = { "Content-Type": "application/json; charset=utf-8", "X-Content-Type-Options": "nosniff" };

describe("errorResponse", () => {
  it.each([
    [
      ApiError.notAllowed({ method: "PATCH", allowed: ["GET", "HEAD", "POST"] }),
      { ...base, Allow: "GET, HEAD, POST" },
    ],
    [ApiError.authNotProvided(), { ...base, "WWW-Authenticate": "Bearer" }],
    [
      ApiError.authInvalid(),
      {
        ...base,
        "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token is invalid"',
      },
    ],
    [
      ApiError.authExpired(),
      {
        ...base,
        "WWW-Authenticate": 'Bearer error="invalid_token", error_description="The access token expired"',
      },
    ],
    [ApiError.database({ reason: "unavailable" }, { retryAfter: 5 }), { ...base, "Retry-After": "5" }],
    [ApiError.notExist(), base],
  ])("sets the contract's headers for code %#", (error, headers) => {
    const response = errorResponse(error);
    expect(response.status).toBe(error.status);
    expect(response.headers).toStrictEqual(headers);
    expect(response.body).toBe(JSON.stringify(error));
  });

  it("puts the realm into WWW-Authenticate and lets the error's own headers win", () => {
    expect(errorResponse(ApiError.authExpired(), { realm: 'orders"' }).headers["WWW-Authenticate"]).toBe(
      'Bearer realm="orders", error="invalid_token", error_description="The access token expired"',
    );
    const custom = ApiError.authNotProvided({
      headers: { "WWW-Authenticate": 'Bearer scope="orders:read"' },
    });
    expect(errorResponse(custom).headers["WWW-Authenticate"]).toBe('Bearer scope="orders:read"');
  });
});

describe("requestId", () => {
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  it.each(["abc-123", "a.b_c:d-e", "x".repeat(128)])("keeps the well-formed id %s", (id) => {
    expect(requestId(id)).toBe(id);
  });
  it.each([undefined, null, "", "has space", "x".repeat(129), "<script>", "id\r\nX-Evil: 1", ["a", "b"]])(
    "replaces %j with a fresh UUID",
    (id) => {
      expect(requestId(id)).toMatch(UUID);
    },
  );
  it("falls back to the framework's own id only when it is a UUID", () => {
    const made = "0c0ffee0-1234-4abc-8def-0123456789ab";
    expect(requestId("abc-123", made)).toBe("abc-123");
    expect(requestId("has space", made)).toBe(made);
    expect(requestId(undefined, made.toUpperCase())).toBe(made.toUpperCase());
    const fresh = requestId(undefined, "req-1");
    expect(fresh).toMatch(UUID);
    expect(fresh).not.toBe(made);
  });
});
