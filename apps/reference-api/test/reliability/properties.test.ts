/**
 * Properties of the reference API on arbitrary requests: any method, path, query, headers and body
 * get 2xx or a conforming error (the app's own code 100 included), never a 5xx (no fault is
 * injected: the database is up, the rates service is the healthy demo one), never a leak. The same
 * request gets the same status and code on SQLite and on PostgreSQL (when PostgreSQL runs).
 *
 * Requests go through Fastify's `inject`. Tokens and order ids are symbolic in the generated
 * requests and resolved per instance (each has its own sessions and orders). PROPERTY_RUNS (default
 * 1000) and PROPERTY_SEED (printed) as in the library's properties.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  authorization,
  bodyBytes,
  contentType,
  type GeneratedRequest,
  headerValue,
  LEAK,
  method,
  nearJson,
  path,
  propertySettings,
  query,
  requestIdHeader,
} from "../../../../packages/api-error-codes/test/reliability/arbitraries.js";
import { Tokens } from "../../src/domain/tokens.js";
import { Users } from "../../src/domain/users.js";
import {
  ADMIN,
  codeOf,
  type Instance,
  login,
  MEMBER,
  postgres,
  problems,
  type Seen,
  sqlite,
  startInstance,
} from "./support.js";

const TEMPLATES = [
  "/v1/auth/token",
  "/v1/auth/refresh",
  "/v1/me",
  "/v1/orders",
  "/v1/orders/{}",
  "/v1/orders/{}/quote",
  "/v1/orders/{}/refund",
  "/v1/admin/users",
  "/health",
  "/ready",
  "/openapi.json",
  "/v1",
];
const QUERY_KEYS = ["offset", "limit", "status", "currency", "access_token"];
/** Symbols replaced per instance: real tokens and real order ids. */
const SYMBOLS = ["@member", "@admin", "@revoked"];
const ORDER_SYMBOLS = ["@order-mine", "@order-admins"];

const newOrder = fc.record({
  item: fc.string({ minLength: 1, maxLength: 40 }),
  quantity: fc.integer({ min: 1, max: 10_000 }),
  unit_price: fc.integer({ min: 1, max: 100_000_000 }).map((cents) => cents / 100),
  currency: fc.constantFrom("EUR", "USD", "JPY", "GBP", "XAU", "ABC"),
});
const credentials = fc.record({
  email: fc.oneof(fc.constantFrom(MEMBER.email, ADMIN.email, "nobody@example.com"), fc.emailAddress()),
  password: fc.oneof(fc.constantFrom(MEMBER.password, "wrong"), fc.string({ maxLength: 20 })),
});
const refresh = fc.record({
  refresh_token: fc.oneof(fc.constantFrom("@refresh"), fc.string({ maxLength: 50 })),
});

const ROUTES: { method: string; template: string; body?: fc.Arbitrary<Record<string, unknown>> }[] = [
  { method: "POST", template: "/v1/auth/token", body: credentials },
  { method: "POST", template: "/v1/auth/refresh", body: refresh },
  { method: "GET", template: "/v1/me" },
  { method: "GET", template: "/v1/orders" },
  { method: "POST", template: "/v1/orders", body: newOrder },
  { method: "GET", template: "/v1/orders/{}" },
  { method: "DELETE", template: "/v1/orders/{}" },
  { method: "GET", template: "/v1/orders/{}/quote" },
  { method: "POST", template: "/v1/orders/{}/refund" },
  { method: "PATCH", template: "/v1/orders" },
  { method: "GET", template: "/v1/admin/users" },
  { method: "GET", template: "/ready" },
];

const orderId = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ORDER_SYMBOLS) },
  { weight: 2, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.constantFrom("123", "not-a-uuid", "0F8FAD5B-D9CB-469F-A165-70867728950E") },
  { weight: 1, arbitrary: path(["/{}"]).map((p) => p.slice(1)) },
);

const tokens = authorization(SYMBOLS);

const request: fc.Arbitrary<GeneratedRequest> = fc
  .oneof(
    {
      weight: 3,
      arbitrary: fc.constantFrom(...ROUTES).chain((route) =>
        fc.record({
          method: fc.oneof(
            { weight: 9, arbitrary: fc.constant(route.method) },
            { weight: 1, arbitrary: method() },
          ),
          path: fc
            .tuple(orderId, query(QUERY_KEYS))
            .map(
              ([id, q]) =>
                route.template.replace("{}", id) +
                (route.template.endsWith("quote") && q === "" ? "?currency=USD" : q),
            ),
          auth: fc.oneof(
            { weight: 4, arbitrary: fc.constantFrom("Bearer @member", "Bearer @admin") },
            { weight: 2, arbitrary: tokens },
          ),
          type: fc.oneof(
            { weight: 5, arbitrary: fc.constant("application/json") },
            { weight: 1, arbitrary: contentType() },
          ),
          id: requestIdHeader(),
          body:
            route.body === undefined
              ? fc.option(bodyBytes(nearJson(newOrder)), { nil: undefined, freq: 5 })
              : fc.oneof(
                  { weight: 4, arbitrary: route.body.map((b) => JSON.stringify(b)) },
                  { weight: 4, arbitrary: bodyBytes(nearJson(route.body)) },
                  { weight: 1, arbitrary: fc.constant(undefined) },
                ),
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        method: method(),
        path: fc.tuple(path(TEMPLATES), query(QUERY_KEYS)).map(([p, q]) => p + q),
        auth: tokens,
        type: contentType(),
        id: requestIdHeader(),
        body: fc.option(bodyBytes(nearJson(fc.oneof(newOrder, credentials))), { nil: undefined, freq: 3 }),
      }),
    },
  )
  .chain((parts) =>
    fc
      .record({
        accept: fc.constantFrom(undefined, "text/html", "*/*"),
        extra: fc.option(headerValue(10), { nil: undefined }),
      })
      .map(({ accept, extra }): GeneratedRequest => {
        const bodyless = ["GET", "HEAD"].includes(parts.method.toUpperCase());
        const headers: Record<string, string | string[]> = {};
        if (parts.auth !== undefined) headers.authorization = parts.auth;
        if (parts.id !== undefined) headers["x-request-id"] = parts.id;
        if (accept !== undefined) headers.accept = accept;
        if (extra !== undefined) headers["x-extra"] = extra;
        if (!bodyless && parts.body !== undefined && parts.type !== undefined)
          headers["content-type"] = parts.type;
        return {
          method: parts.method,
          path: parts.path,
          headers,
          ...(bodyless || parts.body === undefined ? {} : { body: parts.body }),
        };
      }),
  )
  .filter((r) => !LEAK.test(JSON.stringify(r)));

interface Session {
  instance: Instance;
  symbols: Record<string, string>;
}

async function prepare(instance: Instance): Promise<Session> {
  const { base } = instance.api;
  const member = await login(base, MEMBER);
  const admin = await login(base, ADMIN);
  const revoked = await login(base, MEMBER);
  await fetch(`${base}/v1/auth/token`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${revoked.access_token}` },
  });
  const order = async (token: string) => {
    const answer = await fetch(`${base}/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ item: "tea", quantity: 2, unit_price: 3.5, currency: "EUR" }),
    });
    return ((await answer.json()) as { id: string }).id;
  };
  return {
    instance,
    symbols: {
      "@member": member.access_token,
      "@admin": admin.access_token,
      "@revoked": revoked.access_token,
      "@refresh": member.refresh_token,
      "@order-mine": await order(member.access_token),
      "@order-admins": await order(admin.access_token),
    },
  };
}

function resolve(text: string, symbols: Record<string, string>): string {
  return text.replace(/@(?:member|admin|revoked|refresh|order-mine|order-admins)\b/g, (s) => symbols[s] ?? s);
}

async function send(session: Session, req: GeneratedRequest): Promise<Seen> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value)
      ? value.map((v) => resolve(v, session.symbols))
      : resolve(value, session.symbols);
  }
  const body = typeof req.body === "string" ? resolve(req.body, session.symbols) : req.body;
  const response = await session.instance.api.app.inject({
    method: req.method as "GET",
    url: resolve(req.path, session.symbols),
    headers,
    ...(body === undefined ? {} : { payload: body }),
  });
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined)
      out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return { status: response.statusCode, headers: out, text: response.body };
}

/**
 * A session whose tokens a generated request revoked (logout, refresh) gets fresh ones, issued
 * directly (a login could be throttled by the generated wrong passwords: that is 429 / 100 too).
 */
async function renew(session: Session): Promise<void> {
  const { base, deps } = session.instance.api;
  const tokens = new Tokens(deps.database, deps.clock, deps.tokenTtl, deps.logger);
  const users = new Users(deps.database);
  const check = async (symbol: string, email: string) => {
    const me = await fetch(`${base}/v1/me`, {
      headers: { authorization: `Bearer ${session.symbols[symbol]}` },
    });
    await me.arrayBuffer();
    if (me.status !== 401) return;
    const fresh = await tokens.issue((await users.findByEmail(email)) as { id: string });
    session.symbols[symbol] = fresh.access_token;
    if (symbol === "@member") session.symbols["@refresh"] = fresh.refresh_token;
  };
  await check("@member", MEMBER.email);
  await check("@admin", ADMIN.email);
}

describe("properties: the reference API keeps the contract on arbitrary requests", () => {
  const sessions: Session[] = [];
  const settings = propertySettings(1000);
  const seenCodes = new Map<string, number>();

  beforeAll(async () => {
    // Throttling stays on (429 / 100 is one of the answers); the address limit is high enough that
    // the demo logins used to renew sessions are not refused.
    const env = { LOGIN_FAILURES_PER_ADDRESS: "1000000", LOG_LEVEL: "warn" };
    const backends = postgres.available ? [sqlite, postgres] : [sqlite];
    for (const backend of backends) sessions.push(await prepare(await startInstance(backend, env)));
  });
  afterAll(async () => {
    for (const session of sessions) await session.instance.close();
    const spread = [...seenCodes.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(`[reference properties] answers: ${spread.map(([k, n]) => `${k}=${n}`).join(" ")}`);
  });

  it("2xx or a conforming error, no 5xx, no leak; SQLite and PostgreSQL agree", async () => {
    console.log(
      `[reference properties] seed=${settings.seed} runs=${settings.numRuns} backends=${sessions.map((s) => s.instance.backend.name).join(",")}`,
    );
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const answers = await Promise.all(sessions.map((session) => send(session, req)));
        const head = req.method.toUpperCase() === "HEAD";
        for (const [i, answer] of answers.entries()) {
          const where = `${sessions[i]?.instance.backend.name}: ${req.method} ${req.path} -> ${answer.status} ${answer.text.slice(0, 200)}`;
          expect(problems(answer, { head }), where).toStrictEqual([]);
          const notRealized = answer.status === 501 && (head || codeOf(answer) === 2);
          if (!notRealized) expect(answer.status, `no 5xx without a fault: ${where}`).toBeLessThan(500);
        }
        const [first, ...others] = answers as [Seen, ...Seen[]];
        for (const other of others) {
          expect(
            [other.status, codeOf(other)],
            `PostgreSQL vs SQLite for ${req.method} ${req.path}`,
          ).toStrictEqual([first.status, codeOf(first)]);
        }
        const key = `${first.status}${first.status >= 400 && !head ? `/${codeOf(first)}` : ""}`;
        seenCodes.set(key, (seenCodes.get(key) ?? 0) + 1);
        if (first.status === 204 || /refresh|auth\/token/.test(req.path))
          await Promise.all(sessions.map(renew));
      }),
      settings,
    );
  }, 300_000);
});
