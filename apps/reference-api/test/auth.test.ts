/**
 * Sessions over real HTTP, on SQLite and on PostgreSQL: log in (201, 3, 4, 5, 7), throttling
 * (429 / 100), /v1/me (6, 7, 8), refresh with rotation and reuse detection (7, 8), log out, and
 * logs that never carry a password or a token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./support/backends.js";
import { call, expectError, rules } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";

const MEMBER = { email: "member@example.com", password: "member-password" };
const ADMIN = { email: "admin@example.com", password: "admin-password" };
const NO_RATES = "http://127.0.0.1:9";

interface Pair {
  access_token: string;
  refresh_token: string;
}

describe.each(backends)("auth on $name", (backend) => {
  describe.skipIf(!backend.available)("sessions", () => {
    let api: TestApi;
    let database: Awaited<ReturnType<typeof backend.create>>;
    /** Every token handed out, to look for in the logs at the end. */
    const issued: string[] = [];

    const login = async (credentials = MEMBER): Promise<Pair> => {
      const answer = await call(api.base, "POST", "/v1/auth/token", { body: credentials });
      expect(answer.status, answer.text).toBe(201);
      const pair = answer.json as Pair;
      issued.push(pair.access_token, pair.refresh_token);
      return pair;
    };

    beforeAll(async () => {
      database = await backend.create();
      api = await startApi({ databaseUrl: database.url, ratesUrl: NO_RATES });
    });
    afterAll(async () => {
      await api?.close();
      await database?.remove();
    });

    it("logs in with the demo member: 201, a token pair, no-store", async () => {
      const answer = await call(api.base, "POST", "/v1/auth/token", { body: MEMBER });
      expect(answer.status).toBe(201);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      const pair = answer.json as Record<string, unknown>;
      expect(Object.keys(pair).sort()).toStrictEqual(
        ["access_token", "expires_in", "refresh_expires_in", "refresh_token", "token_type"].sort(),
      );
      expect(pair).toMatchObject({ token_type: "Bearer", expires_in: 900, refresh_expires_in: 2_592_000 });
      expect(pair.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      issued.push(String(pair.access_token), String(pair.refresh_token));
      const me = await call(api.base, "GET", "/v1/me", { token: String(pair.access_token) });
      expect(me.status).toBe(200);
      expect(me.json).toMatchObject({ email: MEMBER.email, roles: ["member"] });
    });

    it("refuses bad login bodies: 3 structure, 5 type, 4 value, 415 media type", async () => {
      const missing = expectError(
        await call(api.base, "POST", "/v1/auth/token", { body: { email: MEMBER.email } }),
        400,
        3,
      );
      expect(rules(missing)).toStrictEqual(["/password:required"]);
      // A structural and a type violation together: 3 wins, both are listed.
      const mixed = expectError(
        await call(api.base, "POST", "/v1/auth/token", { body: { email: 42 } }),
        400,
        3,
      );
      expect(rules(mixed).sort()).toStrictEqual(["/email:type", "/password:required"]);
      const typed = expectError(
        await call(api.base, "POST", "/v1/auth/token", { body: { email: MEMBER.email, password: 123 } }),
        400,
        5,
      );
      expect(rules(typed)).toStrictEqual(["/password:type"]);
      const value = expectError(
        await call(api.base, "POST", "/v1/auth/token", { body: { email: "not-an-address", password: "x" } }),
        400,
        4,
      );
      expect(rules(value)).toStrictEqual(["/email:format"]);
      expectError(await call(api.base, "POST", "/v1/auth/token", { body: '{"email":' }), 400, 3);
      expectError(await call(api.base, "POST", "/v1/auth/token"), 400, 3);
      expectError(
        await call(api.base, "POST", "/v1/auth/token", {
          body: "email=x",
          headers: { "content-type": "text/plain" },
        }),
        415,
        3,
      );
    });

    it("a wrong password and an unknown address get the same 7", async () => {
      const wrong = expectError(
        await call(api.base, "POST", "/v1/auth/token", { body: { ...ADMIN, password: "wrong-password" } }),
        401,
        7,
      );
      const unknown = expectError(
        await call(api.base, "POST", "/v1/auth/token", {
          body: { email: "nobody@example.com", password: "x" },
        }),
        401,
        7,
      );
      expect(unknown.error_message).toBe(wrong.error_message);
      expect(wrong.details).toBeNull();
    });

    it("throttles one account after 5 failures: 429 / 100 with Retry-After, then lets it in again", async () => {
      const attempt = (password: string) =>
        call(api.base, "POST", "/v1/auth/token", { body: { email: MEMBER.email, password } });
      // The admin's failure of the previous test is on another account.
      for (let i = 0; i < 5; i++) expectError(await attempt("wrong-password"), 401, 7);
      const blocked = await attempt(MEMBER.password); // even the right password
      const body = expectError(blocked, 429, 100);
      expect(body.error_message).toBe("Too many failed login attempts, try again later");
      const retryAfter = Number(blocked.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(900);
      expect(body.details).toStrictEqual({ retry_after_seconds: retryAfter });
      // Another account from the same address is not affected.
      await login(ADMIN);
      api.clock.advance(901_000);
      await login(MEMBER);
    });

    it("throttles one client address across accounts", async () => {
      const strict = await startApi({
        databaseUrl: database.url,
        ratesUrl: NO_RATES,
        env: { LOGIN_FAILURES_PER_ADDRESS: "3" },
      });
      try {
        for (const email of ["a@example.com", "b@example.com", "c@example.com"]) {
          expectError(
            await call(strict.base, "POST", "/v1/auth/token", { body: { email, password: "x" } }),
            401,
            7,
          );
        }
        expectError(await call(strict.base, "POST", "/v1/auth/token", { body: MEMBER }), 429, 100);
      } finally {
        await strict.close();
      }
    });

    it("/v1/me: 6 without credentials, 7 for unknown or malformed tokens, 8 once expired", async () => {
      const me = (headers: Record<string, string>) => call(api.base, "GET", "/v1/me", { headers });
      expectError(await me({}), 401, 6);
      expectError(await me({ authorization: "Basic bWVtYmVyOnB3" }), 401, 6);
      const malformed = await me({ authorization: "Bearer not a token" });
      expectError(malformed, 401, 7);
      expect(malformed.headers.get("www-authenticate")).toContain('error="invalid_token"');
      expectError(await me({ authorization: `Bearer ${"A".repeat(43)}` }), 401, 7);
      // Two credentials in one header (how fetch and proxies join a repeated one): structural, 3.
      const doubled = expectError(
        await me({ authorization: `Bearer ${"A".repeat(43)}, Bearer ${"B".repeat(43)}` }),
        400,
        3,
      );
      expect(rules(doubled)).toStrictEqual(["/authorization:duplicate"]);
      const { access_token } = await login();
      api.clock.advance(900_000);
      const expired = await me({ authorization: `Bearer ${access_token}` });
      const body = expectError(expired, 401, 8);
      expect(Date.parse((body.details as { expired_at: string }).expired_at)).toBe(api.clock.now());
      expect(expired.headers.get("www-authenticate")).toContain('error="invalid_token"');
    });

    it("refresh rotates the pair; the old tokens stop working", async () => {
      const first = await login();
      const answer = await call(api.base, "POST", "/v1/auth/refresh", {
        body: { refresh_token: first.refresh_token },
      });
      expect(answer.status, answer.text).toBe(201);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      const second = answer.json as Pair;
      issued.push(second.access_token, second.refresh_token);
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      expectError(await call(api.base, "GET", "/v1/me", { token: first.access_token }), 401, 7);
      expect((await call(api.base, "GET", "/v1/me", { token: second.access_token })).status).toBe(200);
    });

    it("a reused refresh token is 7 and revokes the whole session", async () => {
      const first = await login();
      const rotated = await call(api.base, "POST", "/v1/auth/refresh", {
        body: { refresh_token: first.refresh_token },
      });
      const second = rotated.json as Pair;
      issued.push(second.access_token, second.refresh_token);
      const reuse = await call(api.base, "POST", "/v1/auth/refresh", {
        body: { refresh_token: first.refresh_token },
      });
      expect(expectError(reuse, 401, 7).error_message).toContain("already used");
      // Whoever held the copy and whoever held the real one are both logged out.
      expectError(await call(api.base, "GET", "/v1/me", { token: second.access_token }), 401, 7);
      expectError(
        await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: second.refresh_token } }),
        401,
        7,
      );
    });

    it("refresh: 8 once the refresh token expired, 7 for unknown ones, 3 / 5 for bad bodies", async () => {
      const { refresh_token } = await login();
      api.clock.advance(30 * 86_400_000);
      const expired = expectError(
        await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token } }),
        401,
        8,
      );
      expect(expired.details).toMatchObject({ expired_at: expect.any(String) });
      expectError(
        await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: "B".repeat(43) } }),
        401,
        7,
      );
      expectError(
        await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: "short" } }),
        401,
        7,
      );
      expectError(await call(api.base, "POST", "/v1/auth/refresh", { body: {} }), 400, 3);
      expectError(await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: 7 } }), 400, 5);
      expectError(await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: "" } }), 400, 4);
    });

    it("DELETE /v1/auth/token: 6 without a token, 7 with a bad one, 204 ends the session", async () => {
      expectError(await call(api.base, "DELETE", "/v1/auth/token"), 401, 6);
      expectError(await call(api.base, "DELETE", "/v1/auth/token", { token: "C".repeat(43) }), 401, 7);
      const pair = await login();
      const answer = await call(api.base, "DELETE", "/v1/auth/token", { token: pair.access_token });
      expect(answer.status).toBe(204);
      expect(answer.text).toBe("");
      expectError(await call(api.base, "GET", "/v1/me", { token: pair.access_token }), 401, 7);
      expectError(await call(api.base, "DELETE", "/v1/auth/token", { token: pair.access_token }), 401, 7);
      expectError(
        await call(api.base, "POST", "/v1/auth/refresh", { body: { refresh_token: pair.refresh_token } }),
        401,
        7,
      );
    });

    it("logs carry the request id, never a password or a token", async () => {
      const answer = await call(api.base, "GET", "/v1/me", { headers: { "x-request-id": "trace-me-42" } });
      expect(answer.headers.get("x-request-id")).toBe("trace-me-42");
      const lines = api.logs.filter((line) => line.includes('"request_id":"trace-me-42"'));
      expect(lines.length).toBeGreaterThanOrEqual(2); // the request, its error entry, its completion
      expect(lines.some((line) => JSON.parse(line).code === 6)).toBe(true);
      // Fastify's request lines and the library's error entry each carry the id once, same key.
      for (const line of lines) expect(line.match(/"request_id"/g)).toHaveLength(1);
      const all = api.logs.join("\n");
      expect(issued.length).toBeGreaterThan(10);
      for (const secret of [...issued, MEMBER.password, ADMIN.password, "wrong-password"]) {
        expect(all).not.toContain(secret);
      }
    });
  });
});
