/**
 * Security promises of the reference API, on SQLite and PostgreSQL:
 * - tokens and passwords are never at rest in clear (every column of every table is read back),
 *   never in a log line (debug level, over a session full of errors), never in a URL it emits,
 *   and a token in the URL is never read;
 * - an unknown, a revoked, an expired-session and a malformed token get the same answer;
 * - another user's order is 10 exactly like an absent one, for reading, quoting and deleting;
 * - login is throttled (429 with the app's registered code 100 and Retry-After), right password
 *   or not;
 * - in production mode, 5xx bodies are the generic ones (an injected database failure);
 * - every error carries `X-Content-Type-Options: nosniff`.
 */
import { randomBytes } from "node:crypto";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoUsers } from "../../src/domain/users.js";
import type { Backend } from "../support/backends.js";
import {
  ADMIN,
  codeOf,
  type Instance,
  login,
  MEMBER,
  postgres,
  problems,
  request,
  type Seen,
  sqlite,
  startInstance,
} from "./support.js";

/** Every value of every row of every application table, as text. */
async function dump(instance: Instance): Promise<string> {
  const tables = ["users", "sessions", "tokens", "orders"];
  const out: unknown[] = [];
  if (instance.backend.name === "sqlite") {
    const db = new BetterSqlite3(instance.databaseUrl.slice("sqlite:".length), { readonly: true });
    try {
      for (const table of tables) out.push(db.prepare(`SELECT * FROM ${table}`).all());
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: instance.databaseUrl });
    await client.connect();
    try {
      for (const table of tables) out.push((await client.query(`SELECT * FROM ${table}`)).rows);
    } finally {
      await client.end();
    }
  }
  return JSON.stringify(out);
}

/** The answer without what differs on every request (its id, its date). */
function comparable(answer: Seen): unknown {
  const { "x-request-id": _id, date: _date, ...headers } = answer.headers;
  return { status: answer.status, headers, text: answer.text };
}

const available = [sqlite, postgres].filter((b) => b.available);

describe.each(available.map((b) => [b.name, b] as const))("security on %s", (_name, backend: Backend) => {
  let instance: Instance;
  let base = "";
  /** Every secret this suite handed to or got from the API. */
  const secrets: string[] = [MEMBER.password, ADMIN.password];

  beforeAll(async () => {
    instance = await startInstance(backend, { LOG_LEVEL: "debug", LOGIN_FAILURES_PER_ACCOUNT: "3" });
    base = instance.api.base;
  });
  afterAll(async () => {
    await instance?.close();
  });

  const track = <T extends { access_token: string; refresh_token: string }>(pair: T): T => {
    secrets.push(pair.access_token, pair.refresh_token);
    return pair;
  };

  it("a session full of errors: tokens and passwords never in the database, the logs or a URL", async () => {
    const member = track(await login(base, MEMBER));
    const admin = track(await login(base, ADMIN));
    // Refresh, reuse (revokes the session), log out.
    const refreshed = await request(base, "POST", "/v1/auth/refresh", {
      body: { refresh_token: member.refresh_token },
    });
    const pair = track(JSON.parse(refreshed.text) as typeof member);
    await request(base, "POST", "/v1/auth/refresh", { body: { refresh_token: member.refresh_token } });
    const other = track(await login(base, ADMIN));
    await request(base, "DELETE", "/v1/auth/token", { token: other.access_token });
    const live = track(await login(base, MEMBER));
    // Secrets where they do not belong: wrong passwords, tokens in the URL, in bodies, in headers.
    const wrong = `wrong-${randomBytes(6).toString("hex")}`;
    secrets.push(wrong);
    await request(base, "POST", "/v1/auth/token", { body: { email: "nobody@example.com", password: wrong } });
    await request(base, "POST", "/v1/auth/token", {
      body: `{"email":"${MEMBER.email}","password":"${wrong}"`,
    });
    await request(base, "POST", "/v1/auth/token", {
      body: { email: MEMBER.email, password: wrong, extra: live.access_token },
    });
    await request(base, "GET", "/v1/me", { token: `${live.access_token}x` });
    await request(base, "GET", "/v1/me", {
      headers: {
        authorization: `Basic ${Buffer.from(`${MEMBER.email}:${MEMBER.password}`).toString("base64")}`,
      },
    });
    const order = await request(base, "POST", "/v1/orders", {
      token: live.access_token,
      body: { item: "tea", quantity: 1, unit_price: 1, currency: "EUR" },
    });
    expect(order.status).toBe(201);
    await request(base, "GET", "/v1/admin/users", { token: admin.access_token });
    expect(pair.access_token).not.toBe(member.access_token);

    // At rest: only digests and password hashes.
    const stored = await dump(instance);
    for (const secret of secrets) expect(stored, "a secret is stored in clear").not.toContain(secret);
    for (const token of [member, admin, pair, live].flatMap((p) => [p.access_token, p.refresh_token])) {
      // What a leaked table would hold instead: the SHA-256 digest, hex.
      const digest = (await import("node:crypto")).createHash("sha256").update(token).digest("hex");
      expect(stored).toContain(digest);
    }
    expect(stored).toMatch(/"password_hash":"scrypt\$\d+\$/);

    // In the logs: nothing, at debug level, over all of the above.
    expect(instance.api.logs.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      const lines = instance.api.logs.filter((line) => line.includes(secret));
      expect(lines, "a secret reached the logs").toStrictEqual([]);
    }

    // In URLs the API emits: the Location of the order, the links of the OpenAPI document.
    expect(order.headers.location).toMatch(/^\/v1\/orders\/[0-9a-f-]{36}$/);
    const spec = await request(base, "GET", "/openapi.json");
    // (The demo passwords are documented examples of the Credentials schema; tokens never appear.)
    for (const token of secrets.filter((t) => /^[A-Za-z0-9_-]{43}$/.test(t)))
      expect(spec.text).not.toContain(token);
    const schemes = (
      JSON.parse(spec.text) as {
        components?: { securitySchemes?: Record<string, { in?: string; type: string }> };
      }
    ).components?.securitySchemes;
    for (const scheme of Object.values(schemes ?? {}))
      expect(scheme.in, "no token in a query or cookie").toBeUndefined();
  });

  it("a token in the URL is never read, and the contract's own log entry keeps only the path", async () => {
    const live = track(await login(base, MEMBER));
    for (const name of ["access_token", "token", "bearer"]) {
      const answer = await request(base, "GET", `/v1/me?${name}=${live.access_token}`, {
        headers: { "x-request-id": `url-token-${name}` },
      });
      expect([answer.status, codeOf(answer)], "a token in the URL is never read").toStrictEqual([401, 6]);
      const entry = instance.api.logs.find(
        (line) => line.includes(`"request_id":"url-token-${name}"`) && line.includes('"code":6'),
      );
      expect(entry).toBeDefined();
      expect(entry).not.toContain(live.access_token);
    }
  });

  // Fastify's own "incoming request" line would log `req.url` with its query string; the app's `req`
  // serializer keeps only the path, so a token a client wrongly put in the URL never reaches the log.
  it("a token in the query string never reaches any log line", async () => {
    const live = track(await login(base, MEMBER));
    await request(base, "GET", `/v1/me?access_token=${live.access_token}`);
    expect(instance.api.logs.filter((line) => line.includes(live.access_token))).toStrictEqual([]);
  });

  it("unknown, revoked, refreshed-away and foreign tokens get the same answer", async () => {
    const revoked = track(await login(base, MEMBER));
    await request(base, "DELETE", "/v1/auth/token", { token: revoked.access_token });
    const rotated = track(await login(base, MEMBER));
    await request(base, "POST", "/v1/auth/refresh", { body: { refresh_token: rotated.refresh_token } });
    const tokens = {
      unknown: randomBytes(32).toString("base64url"),
      revoked: revoked.access_token,
      "replaced by a refresh": rotated.access_token,
      "of another length": "c2hvcnQ",
      "a refresh token used as an access token": track(await login(base, MEMBER)).refresh_token,
    };
    for (const path of ["/v1/me", "/v1/orders", "/v1/admin/users"]) {
      const answers = new Map<string, unknown>();
      for (const [kind, token] of Object.entries(tokens)) {
        const answer = await request(base, "GET", path, { token });
        expect(problems(answer)).toStrictEqual([]);
        expect([answer.status, codeOf(answer)], `${kind} on ${path}`).toStrictEqual([401, 7]);
        answers.set(kind, comparable(answer));
      }
      const [first, ...rest] = [...answers.values()];
      for (const other of rest) expect(other).toStrictEqual(first);
      // A token that is not even token68 syntax is 7 too; its message may say so (the client can
      // see that for itself: nothing about the token store is revealed).
      const malformed = await request(base, "GET", path, { token: "not-even-base64!" });
      expect([malformed.status, codeOf(malformed)]).toStrictEqual([401, 7]);
    }
  });

  it("another user's order is 10, exactly like an absent one, and stays", async () => {
    const member = track(await login(base, MEMBER));
    const admin = track(await login(base, ADMIN));
    const placed = await request(base, "POST", "/v1/orders", {
      token: admin.access_token,
      body: { item: "secret plans", quantity: 1, unit_price: 99, currency: "EUR" },
    });
    const theirs = (JSON.parse(placed.text) as { id: string }).id;
    const absent = "0f8fad5b-d9cb-469f-a165-70867728950e";
    for (const [method, suffix] of [
      ["GET", ""],
      ["DELETE", ""],
      ["GET", "/quote?currency=USD"],
    ] as const) {
      const foreign = await request(base, method, `/v1/orders/${theirs}${suffix}`, {
        token: member.access_token,
      });
      const missing = await request(base, method, `/v1/orders/${absent}${suffix}`, {
        token: member.access_token,
      });
      expect(problems(foreign)).toStrictEqual([]);
      expect([foreign.status, codeOf(foreign)]).toStrictEqual([404, 10]);
      expect(foreign.text).not.toContain("secret plans");
      expect(comparable(foreign)).toStrictEqual(
        JSON.parse(JSON.stringify(comparable(missing)).replaceAll(absent, theirs)),
      );
    }
    const list = await request(base, "GET", "/v1/orders", { token: member.access_token });
    expect(list.text).not.toContain(theirs);
    expect((await request(base, "GET", `/v1/orders/${theirs}`, { token: admin.access_token })).status).toBe(
      200,
    );
  });

  it("login is throttled: 429 / 100 with Retry-After, whether the password is right or not", async () => {
    const victim = "throttled@example.com";
    await instance.api.deps.database.run(async (db) => {
      await db
        .insertInto("users")
        .values({
          id: crypto.randomUUID(),
          email: victim,
          password_hash: await instance.api.deps.hasher.hash("right-password"),
          role: "member",
          created_at: new Date().toISOString(),
        })
        .execute();
    });
    secrets.push("right-password");
    const attempt = (password: string) =>
      request(base, "POST", "/v1/auth/token", { body: { email: victim, password } });
    for (let i = 0; i < 3; i++) expect(codeOf(await attempt("guess"))).toBe(7);
    const wrong = await attempt("guess");
    const right = await attempt("right-password");
    for (const answer of [wrong, right]) {
      expect(problems(answer)).toStrictEqual([]);
      expect([answer.status, codeOf(answer)]).toStrictEqual([429, 100]);
      expect(Number(answer.headers["retry-after"])).toBeGreaterThan(0);
      expect(JSON.parse(answer.text)).toMatchObject({
        error_message: "Too many failed login attempts, try again later",
        details: { retry_after_seconds: Number(answer.headers["retry-after"]) },
      });
    }
    expect(comparable(right)).toStrictEqual(comparable(wrong));
    // Another account is not affected.
    expect((await request(base, "POST", "/v1/auth/token", { body: ADMIN })).status).toBe(201);
  });

  it("every error carries nosniff", async () => {
    const { access_token: token } = track(await login(base, MEMBER));
    const errors = [
      await request(base, "GET", "/nope"),
      await request(base, "PATCH", "/v1/orders"),
      await request(base, "GET", "/v1/me"),
      await request(base, "GET", "/v1/admin/users", { token }),
      await request(base, "POST", "/v1/orders", { token, body: "{" }),
      await request(base, "POST", "/v1/orders", {
        token,
        body: "x",
        headers: { "content-type": "text/plain" },
      }),
      await request(base, "POST", `/v1/orders/${crypto.randomUUID()}/refund`, { token }),
      await request(base, "GET", "/v1/orders?limit=abc", { token }),
    ];
    for (const answer of errors) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.headers["x-content-type-options"], answer.text).toBe("nosniff");
      expect(problems(answer)).toStrictEqual([]);
    }
  });
});

describe.each(available.map((b) => [b.name, b] as const))(
  "production mode on %s",
  (_name, backend: Backend) => {
    let instance: Instance;

    beforeAll(async () => {
      instance = await startInstance(backend, { NODE_ENV: "production", LOG_LEVEL: "warn" });
      // Production seeds no demo users: this suite makes its own.
      const { deps } = instance.api;
      await deps.database.run((db) => seedDemoUsers(db, deps.hasher, deps.clock));
    });
    afterAll(async () => {
      await instance?.close();
    });

    it("5xx bodies are the generic ones: a database failure tells nothing of its cause", async () => {
      const { base } = instance.api;
      const { access_token: token } = await login(base, MEMBER);
      // An injected fault: the orders table disappears behind the service's back.
      await instance.api.deps.database.run(async (db) => {
        await db.schema.dropTable("orders").execute();
      });
      const answers = [
        await request(base, "GET", "/v1/orders", { token }),
        await request(base, "POST", "/v1/orders", {
          token,
          body: { item: "tea", quantity: 1, unit_price: 1, currency: "EUR" },
        }),
        await request(base, "GET", `/v1/orders/${crypto.randomUUID()}`, { token }),
      ];
      for (const answer of answers) {
        expect(problems(answer)).toStrictEqual([]);
        expect(answer.status, answer.text).toBeGreaterThanOrEqual(500);
        const body = JSON.parse(answer.text) as {
          error_code: number;
          error_message: string;
          details: unknown;
        };
        expect([0, 12]).toContain(body.error_code);
        // The fixed messages of the contract, and nothing of the driver's.
        expect(["Unknown server side error occurred", "Database error", "Database is unavailable"]).toContain(
          body.error_message,
        );
        expect(answer.text).not.toMatch(/orders|relation|table|sqlite|postgres|select|insert/i);
      }
      // The cause is in the log, for the operator, with the request id.
      expect(instance.api.logs.some((line) => /"level":50/.test(line) && /orders/.test(line))).toBe(true);
    });
  },
);
