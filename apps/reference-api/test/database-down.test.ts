/**
 * The database is down: the API starts anyway, /health stays 200, /ready and every database-backed
 * route answer 503 / 12 with Retry-After; when the database appears the API recovers without a
 * restart, migrations run, and the demo users exist. SQLite: a file where the database's folder
 * should be, then removed. PostgreSQL: a database that does not exist yet, then created; and an
 * outage of a running database (connections refused and killed), then lifted.
 */
import { unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/backends.js";
import { call, expectError } from "./support/http.js";
import {
  admin,
  createDatabase,
  databaseUrl,
  dropDatabase,
  postgresAvailable,
  randomDatabaseName,
} from "./support/postgres.js";
import { startApi, type TestApi } from "./support/server.js";

const MEMBER = { email: "member@example.com", password: "member-password" };
const withPostgres = await postgresAvailable();

/** Polls /ready until it answers 200. */
async function waitUntilReady(api: TestApi, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await call(api.base, "GET", "/ready")).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${api.logs.slice(-5).join("\n")}`);
}

/**
 * What every instance must answer while its database is unavailable. `issued` is a token the
 * service issued (its tag is right), when the test has one: it must be looked up, so the database
 * decides, 503 rather than a guess. A made-up token of the right form is refused by its tag alone
 * (401 / 7) once the service has read its token key; before that (a service that never saw its
 * database) it cannot be told apart, so 503 too.
 */
async function expectDown(api: TestApi, issued?: string): Promise<void> {
  const health = await call(api.base, "GET", "/health");
  expect(health.status).toBe(200);
  expect(health.json).toMatchObject({ status: "ok", database: "unavailable" });
  const madeUp = "A".repeat(43);
  const needsLookup = issued ?? madeUp;
  const answers = [
    await call(api.base, "GET", "/ready"),
    await call(api.base, "POST", "/v1/auth/token", { body: MEMBER }),
    await call(api.base, "GET", "/v1/orders", { token: needsLookup }),
    await call(api.base, "GET", "/v1/me", { token: needsLookup }),
  ];
  if (issued !== undefined) expectError(await call(api.base, "GET", "/v1/me", { token: madeUp }), 401, 7);
  for (const answer of answers) {
    const body = expectError(answer, 503, 12);
    expect(body).toStrictEqual({
      error_code: 12,
      error_message: "Database is unavailable",
      details: { reason: "unavailable" },
    });
    expect(answer.headers.get("retry-after")).toBe("1");
  }
  // What needs no database still works: routing, authentication without a lookup, the docs.
  expectError(await call(api.base, "GET", "/v1/orders"), 401, 6);
  expectError(await call(api.base, "GET", "/v1/orders", { token: "not-ours" }), 401, 7);
  expectError(await call(api.base, "PATCH", "/v1/orders"), 405, 1);
  expect((await call(api.base, "GET", "/openapi.json")).status).toBe(200);
  expect((await call(api.base, "GET", "/docs")).status).toBe(200);
}

async function expectWorking(api: TestApi): Promise<string> {
  const login = await call(api.base, "POST", "/v1/auth/token", { body: MEMBER });
  expect(login.status, login.text).toBe(201);
  const token = (login.json as { access_token: string }).access_token;
  const order = await call(api.base, "POST", "/v1/orders", {
    token,
    body: { item: "x", quantity: 1, unit_price: 1, currency: "EUR" },
  });
  expect(order.status).toBe(201);
  return token;
}

describe("database down: SQLite", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let api: TestApi;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(async () => {
    await api?.close();
    await dir?.remove();
  });

  it("starts without the database, answers 503 / 12, then recovers and migrates", async () => {
    const blocker = join(dir.path, "blocked");
    await writeFile(blocker, "a file where the database's folder should be");
    api = await startApi({
      databaseUrl: `sqlite:${join(blocker, "db.sqlite")}`,
      ratesUrl: "http://127.0.0.1:9",
      waitForDatabase: false,
    });
    await expectDown(api);
    await unlink(blocker);
    await waitUntilReady(api);
    expect(api.logs.some((line) => line.includes('"msg":"database migrated"'))).toBe(true);
    await expectWorking(api);
  });
});

describe.skipIf(!withPostgres)("database down: PostgreSQL", () => {
  const name = randomDatabaseName("reference_down");
  let api: TestApi;
  afterAll(async () => {
    await api?.close();
    await dropDatabase(name);
  });

  it("starts before its database exists, answers 503 / 12, then recovers and migrates", async () => {
    api = await startApi({
      databaseUrl: databaseUrl(name),
      ratesUrl: "http://127.0.0.1:9",
      waitForDatabase: false,
    });
    await expectDown(api);
    await createDatabase(name);
    await waitUntilReady(api);
    expect(api.logs.some((line) => line.includes('"msg":"database migrated"'))).toBe(true);
    await expectWorking(api);
  });

  it("survives an outage of the running database without a restart", async () => {
    const token = await expectWorking(api);
    // New connections are refused and the open ones killed: what a server restart looks like.
    await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}'`);
    try {
      const during = await call(api.base, "GET", "/v1/orders", { token });
      expectError(during, 503, 12);
      await expectDown(api, token);
    } finally {
      await admin(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
    }
    await waitUntilReady(api);
    // The session outlived the outage: it is in the database, not in the process.
    expect((await call(api.base, "GET", "/v1/orders", { token })).status).toBe(200);
    expect(api.logs.some((line) => line.includes("database became unavailable"))).toBe(true);
  });
});
