/**
 * The bad-input corpus against the reference API, over a real socket, byte for byte: hostile bodies
 * on its login and order endpoints, hostile paths and queries, and the transport-level attacks
 * (smuggling, Host, CONNECT, header overflow, slow clients) on its own server. Each row has its
 * status and code; every error must conform (the app's code 100 included) and leak nothing.
 *
 * The server is set up as a deployment would protect it: `protectServer` with 500 ms for the
 * headers and 1 s for the whole request, checked every 200 ms.
 */
import { protectServer } from "api-error-codes/fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoRatesServer, startDemoRatesServer } from "../../src/rates/demo-server.js";
import type { Backend } from "../support/backends.js";
import type { TestApi } from "../support/server.js";
import {
  ADMIN,
  checkTimeoutsOften,
  codeOf,
  http,
  login,
  MEMBER,
  portOf,
  postgres,
  problems,
  raw,
  request,
  sqlite,
  startBuilt,
} from "./support.js";

type Symbols = { member: string; revoked: string; mine: string; admins: string };

interface Row {
  name: string;
  bytes: (s: Symbols) => string | Buffer | readonly (string | number)[];
  status: number;
  code?: number;
  headers?: Record<string, string | RegExp | null>;
  timeoutMs?: number;
}

const json = (token?: string) => ({
  "Content-Type": "application/json",
  ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }),
});
const login_ = (body: string | Buffer, type = "application/json") =>
  http("POST", "/v1/auth/token", { "Content-Type": type }, body);
const order = (s: Symbols, body: string | Buffer, type = "application/json") =>
  http("POST", "/v1/orders", { "Content-Type": type, Authorization: `Bearer ${s.member}` }, body);
const get = (s: Symbols, target: string) => http("GET", target, { Authorization: `Bearer ${s.member}` });
const valid = '"item":"tea","quantity":1,"unit_price":2.5,"currency":"EUR"';
const UUID = /^[0-9a-f-]{36}$/;

const rows: Row[] = [
  // Login bodies.
  {
    name: "login: truncated JSON",
    bytes: () => login_('{"email":"member@example.com","pass'),
    status: 400,
    code: 3,
  },
  {
    name: "login: a BOM before valid credentials",
    bytes: () =>
      login_(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(MEMBER))])),
    status: 201,
  },
  {
    name: "login: __proto__ beside the credentials",
    bytes: () => login_(`{"email":"member@example.com","password":"x","__proto__":{"admin":true}}`),
    status: 400,
    code: 3,
  },
  {
    name: "login: a duplicate email key",
    bytes: () =>
      login_(`{"email":"x@example.com","email":"member@example.com","password":"member-password"}`),
    status: 400,
    code: 3,
  },
  {
    name: "login: NUL in the email",
    bytes: () => login_(`{"email":"member\\u0000@example.com","password":"x"}`),
    status: 400,
    code: 4,
  },
  {
    name: "login: a 100,000-character password is refused before hashing",
    bytes: () => login_(JSON.stringify({ email: MEMBER.email, password: "p".repeat(100_000) })),
    status: 400,
    code: 4,
  },
  {
    name: "login: a number for the email",
    bytes: () => login_(`{"email":5,"password":"x"}`),
    status: 400,
    code: 5,
  },
  {
    name: "login: form-urlencoded",
    bytes: () => login_("email=a&password=b", "application/x-www-form-urlencoded"),
    status: 415,
    code: 3,
  },
  {
    name: "login: 10,000-deep nesting",
    bytes: () => login_(`${"[".repeat(10_000)}${"]".repeat(10_000)}`),
    status: 400,
    code: 3,
  },
  {
    name: "login: GET is not a method of it",
    bytes: () => http("GET", "/v1/auth/token"),
    status: 405,
    code: 1,
    headers: { allow: /POST/ },
  },
  {
    name: "refresh: invalid UTF-8",
    bytes: () => http("POST", "/v1/auth/refresh", json(), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])),
    status: 400,
    code: 3,
  },

  // Order bodies.
  {
    name: "order: 1e400",
    bytes: (s) => order(s, `{"item":"tea","quantity":1,"unit_price":1e400,"currency":"EUR"}`),
    status: 400,
    code: 4,
  },
  {
    name: "order: a fractional quantity",
    bytes: (s) => order(s, `{"item":"tea","quantity":1.5,"unit_price":1,"currency":"EUR"}`),
    status: 400,
    code: 5,
  },
  {
    name: "order: a tenth of a cent",
    bytes: (s) => order(s, `{"item":"tea","quantity":1,"unit_price":0.001,"currency":"EUR"}`),
    status: 400,
    code: 4,
  },
  {
    name: "order: a currency that is not ISO 4217",
    bytes: (s) => order(s, `{"item":"tea","quantity":1,"unit_price":1,"currency":"ABC"}`),
    status: 400,
    code: 4,
  },
  {
    name: "order: a 201-character item",
    bytes: (s) =>
      order(s, JSON.stringify({ item: "x".repeat(201), quantity: 1, unit_price: 1, currency: "EUR" })),
    status: 400,
    code: 4,
  },
  {
    name: "order: NUL in the item",
    bytes: (s) => order(s, `{"item":"te\\u0000a","quantity":1,"unit_price":1,"currency":"EUR"}`),
    status: 400,
    code: 4,
  },
  {
    name: "order: an escaped duplicate key",
    bytes: (s) => order(s, `{${valid},"it\\u0065m":"coffee"}`),
    status: 400,
    code: 3,
  },
  { name: "order: text/plain", bytes: (s) => order(s, `{${valid}}`, "text/plain"), status: 415, code: 3 },
  {
    name: "order: anonymous with a broken body is 6 first",
    bytes: () => http("POST", "/v1/orders", json(), "{"),
    status: 401,
    code: 6,
  },
  {
    name: "order: a revoked token with a broken body is 7 first",
    bytes: (s) => http("POST", "/v1/orders", json(s.revoked), "{"),
    status: 401,
    code: 7,
  },
  {
    name: "order: a declared 2 MB body is refused before reading",
    bytes: (s) =>
      `POST /v1/orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.member}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{`,
    status: 413,
    code: 3,
  },

  // Queries and paths.
  { name: "list: a negative offset", bytes: (s) => get(s, "/v1/orders?offset=-1"), status: 400, code: 4 },
  {
    name: "list: an offset past 2^64",
    bytes: (s) => get(s, "/v1/orders?offset=99999999999999999999"),
    status: 400,
    code: 5,
  },
  {
    name: "list: an offset past 2^53",
    bytes: (s) => get(s, "/v1/orders?offset=9007199254740993"),
    status: 400,
    code: 5,
  },
  {
    name: "list: a repeated limit",
    bytes: (s) => get(s, "/v1/orders?limit=1&limit=2"),
    status: 400,
    code: 5,
  },
  {
    name: "list: a status in capitals",
    bytes: (s) => get(s, "/v1/orders?status=PENDING"),
    status: 400,
    code: 4,
  },
  { name: "list: bad percent-encoding", bytes: (s) => get(s, "/v1/orders?status=%E9"), status: 400, code: 3 },
  { name: "order id: not a UUID", bytes: (s) => get(s, "/v1/orders/not-a-uuid"), status: 400, code: 4 },
  { name: "order id: bad percent-encoding", bytes: (s) => get(s, "/v1/orders/%zz"), status: 400, code: 3 },
  {
    name: "order id: another user's order is 10",
    bytes: (s) => get(s, `/v1/orders/${s.admins}`),
    status: 404,
    code: 10,
  },
  {
    name: "order id: an upper-case UUID of one's own order",
    bytes: (s) => get(s, `/v1/orders/${s.mine.toUpperCase()}`),
    status: 200,
  },
  { name: "quote: no currency", bytes: (s) => get(s, `/v1/orders/${s.mine}/quote`), status: 400, code: 3 },
  {
    name: "quote: a lower-case currency",
    bytes: (s) => get(s, `/v1/orders/${s.mine}/quote?currency=usd`),
    status: 400,
    code: 4,
  },
  {
    name: "quote: another user's order, before the upstream",
    bytes: (s) => get(s, `/v1/orders/${s.admins}/quote?currency=USD`),
    status: 404,
    code: 10,
  },
  {
    name: "refund: documented, not realized",
    bytes: (s) => http("POST", `/v1/orders/${s.mine}/refund`, { Authorization: `Bearer ${s.member}` }),
    status: 501,
    code: 2,
  },
  { name: "admin route as a member", bytes: (s) => get(s, "/v1/admin/users"), status: 403, code: 9 },
  { name: "a path with a dot-dot segment", bytes: (s) => get(s, "/v1/x/../orders"), status: 404, code: 10 },
  {
    name: "PATCH on the collection",
    bytes: () => http("PATCH", "/v1/orders"),
    status: 405,
    code: 1,
    headers: { allow: /GET.*POST/ },
  },
  {
    name: "OPTIONS on the collection",
    bytes: () => http("OPTIONS", "/v1/orders"),
    status: 204,
    headers: { allow: /GET.*POST/ },
  },
  {
    name: "HEAD /v1/me without credentials: 401 without a body",
    bytes: () => http("HEAD", "/v1/me"),
    status: 401,
  },

  // Credentials.
  {
    name: "two Authorization headers",
    bytes: (s) =>
      `GET /v1/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.member}\r\nAuthorization: Bearer ${s.member}\r\nConnection: close\r\n\r\n`,
    status: 400,
    code: 3,
  },
  {
    name: "a real token in the URL is never read",
    bytes: (s) => http("GET", `/v1/me?access_token=${s.member}`),
    status: 401,
    code: 6,
  },
  {
    name: "a revoked token",
    bytes: (s) => http("GET", "/v1/me", { Authorization: `Bearer ${s.revoked}` }),
    status: 401,
    code: 7,
  },
  {
    name: "the Basic scheme with the demo password",
    bytes: () =>
      http("GET", "/v1/me", {
        Authorization: `Basic ${Buffer.from(`${MEMBER.email}:${MEMBER.password}`).toString("base64")}`,
      }),
    status: 401,
    code: 6,
  },

  // Transport.
  {
    name: "HTTP/1.1 without Host",
    bytes: () => "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n",
    status: 400,
    code: 3,
  },
  {
    name: "two Host headers",
    bytes: () => "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
    status: 400,
    code: 3,
  },
  {
    name: "CONNECT",
    bytes: () => "CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n\r\n",
    status: 400,
    code: 3,
  },
  {
    name: "a lower-case method",
    bytes: () => "get /health HTTP/1.1\r\nHost: x\r\n\r\n",
    status: 400,
    code: 3,
  },
  {
    name: "Content-Length with Transfer-Encoding (smuggling)",
    bytes: () =>
      "POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/admin/users HTTP/1.1\r\nHost: x\r\n\r\n",
    status: 400,
    code: 3,
  },
  {
    name: "Transfer-Encoding: chunked, identity",
    bytes: () => http("POST", "/v1/auth/token", { "Transfer-Encoding": "chunked, identity" }, "0\r\n\r\n"),
    status: 400,
    code: 3,
  },
  {
    name: "a 20 KiB header",
    bytes: () => http("GET", "/health", { "X-Big": "a".repeat(20_000) }),
    status: 431,
    code: 3,
  },
  {
    name: "slowloris",
    bytes: () => ["GET /health HTTP/1.1\r\nHost: x\r\n", 400, "X-A: 1\r\n", 400, "X-B: 1\r\n", 800, "\r\n"],
    status: 408,
    code: 3,
    timeoutMs: 5000,
  },
  {
    name: "a login body that trickles",
    bytes: () => [
      "POST /v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n",
      '{"email":',
      800,
      '"member@example.com",',
      800,
      '"password":"member-password"}',
    ],
    status: 408,
    code: 3,
    timeoutMs: 5000,
  },
  {
    name: "Expect: 100-continue with a refused media type",
    bytes: () =>
      http("POST", "/v1/auth/token", { "Content-Type": "text/plain", Expect: "100-continue" }, "hello"),
    status: 415,
    code: 3,
  },
  {
    name: "an X-Request-Id with markup is replaced",
    bytes: () => http("GET", "/nope", { "X-Request-Id": "<img src=x>" }),
    status: 404,
    code: 10,
    headers: { "x-request-id": UUID },
  },
];

const available = [sqlite, postgres].filter((b) => b.available);

describe.each(available.map((b) => [b.name, b] as const))(
  "reference API corpus on %s",
  (_name, backend: Backend) => {
    let api: TestApi;
    let rates: DemoRatesServer;
    let database: Awaited<ReturnType<Backend["create"]>>;
    let symbols: Symbols;

    beforeAll(async () => {
      rates = await startDemoRatesServer();
      database = await backend.create();
      api = await startBuilt({
        databaseUrl: database.url,
        ratesUrl: rates.url,
        env: { LOG_LEVEL: "warn" },
        beforeListen: (app) => {
          checkTimeoutsOften(app.server);
          protectServer(app.server, { headersTimeout: 500, requestTimeout: 1000 });
        },
      });
      const member = await login(api.base, MEMBER);
      const admin = await login(api.base, ADMIN);
      const revoked = await login(api.base, MEMBER);
      await request(api.base, "DELETE", "/v1/auth/token", { token: revoked.access_token });
      const place = async (token: string) => {
        const answer = await request(api.base, "POST", "/v1/orders", {
          token,
          body: { item: "tea", quantity: 1, unit_price: 2, currency: "EUR" },
        });
        return (JSON.parse(answer.text) as { id: string }).id;
      };
      symbols = {
        member: member.access_token,
        revoked: revoked.access_token,
        mine: await place(member.access_token),
        admins: await place(admin.access_token),
      };
      console.log(`[reference corpus] ${rows.length} cases on ${backend.name}`);
    });
    afterAll(async () => {
      await api?.close();
      await rates?.close();
      await database?.remove();
    });

    it.each(rows.map((row) => [row.name, row] as const))("%s", async (_name, row) => {
      const bytes = row.bytes(symbols);
      const started = Date.now();
      const head =
        typeof bytes === "string" || Buffer.isBuffer(bytes)
          ? bytes.toString("latin1").startsWith("HEAD ")
          : false;
      const answer = await raw(portOf(api), bytes, row.timeoutMs ?? 5000, head);
      const where = `${row.name} -> ${answer.status} ${answer.text.slice(0, 300)}`;
      expect(problems(answer, { head }), where).toStrictEqual([]);
      expect(answer.status, where).toBe(row.status);
      if (row.code !== undefined) expect(codeOf(answer), where).toBe(row.code);
      for (const [name, value] of Object.entries(row.headers ?? {})) {
        if (value === null) expect(answer.headers[name], name).toBeUndefined();
        else if (value instanceof RegExp) expect(answer.headers[name], name).toMatch(value);
        else expect(answer.headers[name], name).toBe(value);
      }
      // Nothing hostile is slow to refuse (the slow clients are slow on their own).
      if (row.timeoutMs === undefined) expect(Date.now() - started, where).toBeLessThan(2000);
    });

    it("still serves well-formed requests afterwards", async () => {
      const answer = await request(api.base, "GET", "/v1/orders", { token: symbols.member });
      expect(answer.status).toBe(200);
    });
  },
);
