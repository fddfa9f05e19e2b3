import { describe, expect, expectTypeOf, it, vi } from "vitest";
import { type ApiError, isApiError } from "../src/api-error.js";
import {
  authenticate,
  checkPrincipal,
  extractToken,
  type Principal,
  type RequestHeaders,
  requireRole,
  requireScope,
  type TokenLookup,
} from "../src/pipeline/auth.js";
import { errorResponse } from "../src/response.js";

/** The refusal a call throws, or returns as a value (extractToken, checkPrincipal). */
function fail(run: () => unknown): ApiError<number> {
  try {
    const result = run();
    if (isApiError(result)) return result as ApiError<number>;
  } catch (error) {
    if (isApiError(error)) return error as ApiError<number>;
    throw error;
  }
  throw new Error("expected an ApiError");
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

const summary = (error: ApiError<number>) => [error.status, error.code, error.details, error.message];
const duplicate = (header: string) => [
  400,
  3,
  {
    violations: [
      {
        in: "header",
        pointer: `/${header}`,
        rule: "duplicate",
        message: `The ${header} header carries more than one credential`,
      },
    ],
  },
  `Invalid request: header /${header}: The ${header} header carries more than one credential`,
];
const NOT_PROVIDED = [401, 6, null, "Authentication is required"];
const OTHER_SCHEME = [401, 6, null, "Only Bearer authentication is supported"];
const NO_TOKEN = [401, 7, null, "The Bearer credentials carry no token"];
const MALFORMED = [401, 7, null, "The access token is malformed"];

describe("extractToken", () => {
  it.each<[RequestHeaders, string]>([
    [{ authorization: "Bearer abc" }, "abc"],
    [{ authorization: "bearer abc" }, "abc"],
    [{ authorization: "BEARER abc" }, "abc"],
    [{ authorization: "Bearer    abc  " }, "abc"],
    [{ authorization: "Bearer\tabc" }, "abc"],
    [{ authorization: "Bearer abc==" }, "abc=="],
    [{ authorization: "Bearer a.b-c_d~e+f/g=" }, "a.b-c_d~e+f/g="],
    [{ authorization: ["Bearer abc"] }, "abc"],
    [{ authorization: `Bearer ${"t".repeat(4096)}` }, "t".repeat(4096)],
  ])("reads %j", (headers, token) => {
    expect(extractToken(headers)).toBe(token);
  });

  it.each<[string, RequestHeaders, unknown[]]>([
    ["no header", {}, NOT_PROVIDED],
    ["an undefined header", { authorization: undefined }, NOT_PROVIDED],
    ["an empty array", { authorization: [] }, NOT_PROVIDED],
    ["an empty header", { authorization: "" }, NOT_PROVIDED],
    ["a blank header", { authorization: "   " }, NOT_PROVIDED],
    // Tokens in the URL are never read: such a request is anonymous.
    ["a token in the query only", { ":path": "/orders?access_token=abc" }, NOT_PROVIDED],
    ["Basic", { authorization: "Basic dXNlcjpwYXNz" }, OTHER_SCHEME],
    ["Digest with auth-params", { authorization: 'Digest username="a", realm="b", nonce="c"' }, OTHER_SCHEME],
    ["a bare token", { authorization: "abc" }, OTHER_SCHEME],
    ["Bearer without a space", { authorization: "Bearerabc" }, OTHER_SCHEME],
    ["Bearer without a token", { authorization: "Bearer" }, NO_TOKEN],
    ["Bearer and spaces", { authorization: "Bearer   " }, NO_TOKEN],
    ["a token with a space", { authorization: "Bearer a b" }, MALFORMED],
    ["a trailing comma", { authorization: "Bearer abc," }, MALFORMED],
    ["padding inside", { authorization: "Bearer ab=c" }, MALFORMED],
    ["a quote", { authorization: 'Bearer "abc"' }, MALFORMED],
    ["a non-ASCII token", { authorization: "Bearer äbc" }, MALFORMED],
    ["a token too long", { authorization: `Bearer ${"t".repeat(4097)}` }, MALFORMED],
    ["two headers", { authorization: ["Bearer a", "Bearer b"] }, duplicate("authorization")],
    ["two identical headers", { authorization: ["Bearer a", "Bearer a"] }, duplicate("authorization")],
    ["two joined credentials", { authorization: "Bearer a, Bearer b" }, duplicate("authorization")],
    ["Basic and Bearer joined", { authorization: "Basic x, Bearer b" }, duplicate("authorization")],
    ["a joined bare second token", { authorization: "Bearer a, b" }, duplicate("authorization")],
  ])("refuses %s", (_name, headers, expected) => {
    expect(summary(fail(() => extractToken(headers)))).toEqual(expected);
  });

  it("reads a bare token from a custom header instead of Authorization", () => {
    const options = { header: "X-Access-Token" };
    expect(extractToken({ "x-access-token": " abc " }, options)).toBe("abc");
    expect(summary(fail(() => extractToken({ authorization: "Bearer abc" }, options)))).toEqual(NOT_PROVIDED);
    expect(summary(fail(() => extractToken({ "x-access-token": "a b" }, options)))).toEqual(MALFORMED);
    expect(summary(fail(() => extractToken({ "x-access-token": "a, b" }, options)))).toEqual(
      duplicate("x-access-token"),
    );
    expect(
      summary(fail(() => extractToken({ "x-access-token": "abc" }, { ...options, maxTokenLength: 2 }))),
    ).toEqual(MALFORMED);
  });
});

interface User {
  id: string;
  email: string;
  expiresAt: Date | null;
  roles: string[];
}

const NOW = Date.parse("2030-01-01T00:00:00.000Z");
const user = (expiresAt: Date | null = null): User => ({
  id: "u1",
  email: "a@b.c",
  expiresAt,
  roles: ["member"],
});
const headers = { authorization: "Bearer good" };

describe("authenticate", () => {
  it("returns the application's own principal type", async () => {
    const lookup = vi.fn((token: string) => (token === "good" ? user() : null));
    const principal = await authenticate(headers, lookup);
    expectTypeOf(principal).toEqualTypeOf<User>();
    expect(principal.email).toBe("a@b.c");
    expect(lookup).toHaveBeenCalledWith("good");
  });

  it("accepts asynchronous stores and the default Principal", async () => {
    const lookup: TokenLookup = async () => ({ id: "u2", scopes: ["a"], tenant: "t" });
    const principal = await authenticate(headers, lookup);
    expectTypeOf(principal).toEqualTypeOf<Principal>();
    expect(principal.tenant).toBe("t");
  });

  it.each([null, undefined])("answers 7 for an unknown token (%s)", async (found) => {
    const error = await rejection(authenticate(headers, () => found));
    expect(isApiError(error, 7) && summary(error)).toEqual([
      401,
      7,
      null,
      "Authentication credentials are invalid",
    ]);
  });

  it("checks the header before calling the store", async () => {
    const lookup = vi.fn(() => user());
    expect(isApiError(await rejection(authenticate({}, lookup)), 6)).toBe(true);
    expect(
      isApiError(await rejection(authenticate({ authorization: ["Bearer a", "Bearer b"] }, lookup)), 3),
    ).toBe(true);
    expect(isApiError(await rejection(authenticate({ authorization: "Bearer a b" }, lookup)), 7)).toBe(true);
    expect(lookup).not.toHaveBeenCalled();
  });

  it("passes a failing store's error on untouched: a 5xx concern, not 7", async () => {
    const down = new Error("connection refused");
    expect(await rejection(authenticate(headers, () => Promise.reject(down)))).toBe(down);
    expect(
      await rejection(
        authenticate(headers, () => {
          throw down;
        }),
      ),
    ).toBe(down);
  });

  it.each<[string, Date | string | number, boolean]>([
    ["a past Date", new Date(NOW - 1), true],
    ["the current instant", new Date(NOW), true],
    ["a past RFC 3339 string", "2029-12-31T23:59:59+01:00", true],
    ["past epoch milliseconds", NOW - 60_000, true],
    ["a future Date", new Date(NOW + 1), false],
    ["a future string", "2030-01-01T00:00:01Z", false],
    ["Infinity", Number.POSITIVE_INFINITY, false],
  ])("answers 8 for a token that expired (%s)", async (_name, expiresAt, expired) => {
    const lookup = () => ({ id: "u1", expiresAt });
    const result = authenticate(headers, lookup, { now: () => NOW });
    if (!expired) return expect(await result).toMatchObject({ id: "u1" });
    const error = await rejection(result);
    const at = new Date(expiresAt instanceof Date ? expiresAt.getTime() : expiresAt).toISOString();
    expect(isApiError(error, 8) && summary(error)).toEqual([
      401,
      8,
      { expired_at: at },
      "Authentication credentials have expired",
    ]);
  });

  it("takes the clock as a Date too, and defaults to the real one", async () => {
    const soon = user(new Date(NOW));
    await expect(authenticate(headers, () => soon, { now: () => new Date(NOW - 1) })).resolves.toBe(soon);
    expect(isApiError(await rejection(authenticate(headers, () => user(new Date(Date.now() - 1)))), 8)).toBe(
      true,
    );
  });

  it("treats an unreadable expiry as the store's bug, not the client's", () => {
    expect(() => checkPrincipal({ id: "u", expiresAt: "soon" })).toThrow(TypeError);
    expect(() => checkPrincipal({ id: "u", expiresAt: Number.NaN })).toThrow(TypeError);
    expect(() => checkPrincipal({ id: "u", expiresAt: 1e20 })).toThrow(TypeError);
  });

  it("answers 401 with the RFC 6750 header through errorResponse", async () => {
    const error = await rejection(authenticate(headers, () => null));
    if (!isApiError(error)) throw error;
    expect(errorResponse(error).headers["WWW-Authenticate"]).toBe(
      'Bearer error="invalid_token", error_description="The access token is invalid"',
    );
  });
});

describe("requireRole and requireScope", () => {
  const principal = { id: "u", roles: ["member", "support"], scopes: ["orders:read", "orders:write"] };

  it.each<[string | string[], string | null]>([
    ["member", null],
    [["admin", "support"], null],
    ["admin", "admin"],
    [["admin", "owner"], "admin|owner"],
  ])("requireRole %j", (role, required) => {
    if (required === null) return expect(requireRole(principal, role)).toBe(principal);
    expect(summary(fail(() => requireRole(principal, role)))).toEqual([
      403,
      9,
      { required },
      "Access to this operation is forbidden",
    ]);
  });

  it.each<[string | string[], string | null]>([
    ["orders:read", null],
    [["orders:read", "orders:write"], null],
    ["admin", "admin"],
    [["orders:read", "orders:delete", "users:read"], "orders:delete users:read"],
  ])("requireScope %j", (scope, required) => {
    if (required === null) return expect(requireScope(principal, scope)).toBe(principal);
    expect(summary(fail(() => requireScope(principal, scope)))).toEqual([
      403,
      9,
      { required },
      "Access to this operation is forbidden",
    ]);
  });

  it("denies a principal without roles or scopes", () => {
    expect(fail(() => requireRole({ id: "u" }, "member")).code).toBe(9);
    expect(fail(() => requireScope({ id: "u", scopes: null }, "a")).code).toBe(9);
  });

  it("refuses an empty requirement as a programming error", () => {
    expect(() => requireRole(principal, [])).toThrow(RangeError);
    expect(() => requireScope(principal, [])).toThrow(RangeError);
  });
});
