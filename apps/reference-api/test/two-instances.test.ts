/**
 * Scaling out: two instances on one PostgreSQL database, started together (the migrations run
 * once, under Kysely's lock). Whatever one issues or changes, the other honours at once: tokens,
 * rotation and reuse detection, logout, orders. With REDIS_URL, login throttling is shared too.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "./support/http.js";
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  postgresAvailable,
  randomDatabaseName,
} from "./support/postgres.js";
import { REDIS_URL, redisAvailable } from "./support/redis.js";
import { startApi, type TestApi } from "./support/server.js";

const MEMBER = { email: "member@example.com", password: "member-password" };
const withPostgres = await postgresAvailable();
const withRedis = withPostgres && (await redisAvailable());

describe.skipIf(!withPostgres)("two instances on one PostgreSQL database", () => {
  const name = randomDatabaseName("reference_pair");
  let a: TestApi;
  let b: TestApi;

  beforeAll(async () => {
    await createDatabase(name);
    const env = withRedis ? { REDIS_URL, LOGIN_FAILURES_PER_ACCOUNT: "3" } : {};
    // One Redis key prefix for both: they are one deployment.
    const redisPrefix = `reference-test-${randomBytes(4).toString("hex")}:`;
    [a, b] = await Promise.all([
      startApi({ databaseUrl: databaseUrl(name), ratesUrl: "http://127.0.0.1:9", env, redisPrefix }),
      startApi({ databaseUrl: databaseUrl(name), ratesUrl: "http://127.0.0.1:9", env, redisPrefix }),
    ]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropDatabase(name);
  });

  it("migrated once and seeded once, though both started together", async () => {
    const migrated = [...a.logs, ...b.logs].filter((line) => line.includes('"msg":"database migrated"'));
    expect(migrated).toHaveLength(1);
    const login = await call(a.base, "POST", "/v1/auth/token", {
      body: { email: "admin@example.com", password: "admin-password" },
    });
    const token = (login.json as { access_token: string }).access_token;
    const users = (await call(b.base, "GET", "/v1/admin/users", { token })).json as { total: number };
    expect(users.total).toBe(2);
  });

  it("a token issued by one instance works on the other, and so do orders", async () => {
    const login = await call(a.base, "POST", "/v1/auth/token", { body: MEMBER });
    const { access_token: token } = login.json as { access_token: string };
    const me = await call(b.base, "GET", "/v1/me", { token });
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ email: MEMBER.email });
    const created = await call(b.base, "POST", "/v1/orders", {
      token,
      body: { item: "shared", quantity: 1, unit_price: 3, currency: "EUR" },
    });
    const location = String(created.headers.get("location"));
    expect((await call(a.base, "GET", location, { token })).json).toStrictEqual(created.json);
    expect((await call(a.base, "DELETE", location, { token })).status).toBe(204);
    expectError(await call(b.base, "GET", location, { token }), 404, 10);
  });

  it("rotation on one instance, reuse detected on the other; logout on one ends the session on both", async () => {
    const first = (await call(a.base, "POST", "/v1/auth/token", { body: MEMBER })).json as {
      access_token: string;
      refresh_token: string;
    };
    const rotated = await call(b.base, "POST", "/v1/auth/refresh", {
      body: { refresh_token: first.refresh_token },
    });
    expect(rotated.status).toBe(201);
    const second = rotated.json as { access_token: string; refresh_token: string };
    expect((await call(a.base, "GET", "/v1/me", { token: second.access_token })).status).toBe(200);
    expectError(
      await call(a.base, "POST", "/v1/auth/refresh", { body: { refresh_token: first.refresh_token } }),
      401,
      7,
    );
    expectError(await call(b.base, "GET", "/v1/me", { token: second.access_token }), 401, 7);

    const third = (await call(b.base, "POST", "/v1/auth/token", { body: MEMBER })).json as {
      access_token: string;
    };
    expect((await call(a.base, "DELETE", "/v1/auth/token", { token: third.access_token })).status).toBe(204);
    expectError(await call(b.base, "GET", "/v1/me", { token: third.access_token }), 401, 7);
  });

  it("concurrent refreshes with one token on both instances: exactly one wins", async () => {
    const pair = (await call(a.base, "POST", "/v1/auth/token", { body: MEMBER })).json as {
      refresh_token: string;
    };
    const body = { refresh_token: pair.refresh_token };
    const answers = await Promise.all([
      call(a.base, "POST", "/v1/auth/refresh", { body }),
      call(b.base, "POST", "/v1/auth/refresh", { body }),
    ]);
    expect(answers.map((r) => r.status).sort()).toStrictEqual([201, 401]);
  });

  it.skipIf(!withRedis)("with REDIS_URL, failed logins count across instances", async () => {
    const wrong = { email: MEMBER.email, password: "wrong-password" };
    expectError(await call(a.base, "POST", "/v1/auth/token", { body: wrong }), 401, 7);
    expectError(await call(b.base, "POST", "/v1/auth/token", { body: wrong }), 401, 7);
    expectError(await call(a.base, "POST", "/v1/auth/token", { body: wrong }), 401, 7);
    const blocked = await call(b.base, "POST", "/v1/auth/token", { body: MEMBER });
    expectError(blocked, 429, 100);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
