import { once } from "node:events";
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener, serve } from "@hono/node-server";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { TrieRouter } from "hono/router/trie-router";
import { getRequestListener as oldRequestListener } from "hono-node-server-1";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buildApp as buildExample } from "../../examples/hono.js";
import { apiErrorCodes, protectServer } from "../../src/adapters/hono/index.js";
import { parseErrorBody } from "../../src/index.js";
import { buildHono, type Target } from "./builders.js";
import { type Answer, check, overHttp, type Send } from "./harness.js";
import { buildExtras, buildSpecApp, capture, type Entry } from "./hono-apps.js";
import { expectMalformedAnswer, MALFORMED, rawRequest } from "./raw-socket.js";
import { type Scenario, scenarios } from "./scenarios.js";

const errorScenario = (name: string, method: string, path: string, status: number): Scenario => ({
  name,
  method,
  path,
  expect: { status },
});

function errorCode(answer: Answer): number {
  const parsed = parseErrorBody(answer.text, answer.status);
  expect(parsed.conforming ? [] : parsed.problems).toStrictEqual([]);
  return (JSON.parse(answer.text) as { error_code: number }).error_code;
}

describe("hono adapter in-process (app.request, no node server)", () => {
  const { app } = buildSpecApp();
  let send: Send;
  beforeAll(async () => {
    send = (await buildHono()).send;
  });
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });

  it("reads bodies of in-process requests that carry no Content-Length", async () => {
    const post = (body: string, type: string) =>
      app.request("/items", {
        method: "POST",
        body,
        headers: { "content-type": type, authorization: "Bearer member-token" },
      });
    const ok = await post(JSON.stringify({ name: "fig", quantity: 1 }), "application/json");
    expect(ok.status).toBe(201);
    expect(await ok.json()).toStrictEqual({ id: 7, name: "fig", quantity: 1 });
    const plain = await post("fig", "text/plain");
    expect(plain.status).toBe(415);
    const big = await post(JSON.stringify({ name: "x".repeat(1_100_000), quantity: 1 }), "application/json");
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({
      error_code: 3,
      details: { violations: [{ in: "body", rule: "size" }] },
    });
  });
});

describe("hono adapter over a real socket (@hono/node-server)", () => {
  const { logger, entries } = capture();
  const { app } = buildSpecApp(logger);
  let server: Server;
  let port: number;
  let send: Send;

  beforeAll(async () => {
    // What serve() returns, as it is: protectServer is on the hono subpath and takes its type.
    const served = protectServer(serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }));
    server = served as Server;
    if (!server.listening) await once(server, "listening");
    port = (server.address() as AddressInfo).port;
    send = overHttp(port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });

  it("logs each error once; 5xx entries carry request id, code, status and the cause's stack", async () => {
    entries.length = 0;
    await send({ ...errorScenario("boom", "GET", "/boom", 500), headers: { "x-request-id": "boom-1" } });
    await send({ ...errorScenario("nope", "GET", "/nope", 404), headers: { "x-request-id": "nope-1" } });
    expect(entries).toHaveLength(2);
    const [boom, nope] = entries as [Entry, Entry];
    expect(boom.level).toBe("error");
    expect(boom.entry).toMatchObject({
      request_id: "boom-1",
      method: "GET",
      path: "/boom",
      code: 0,
      status: 500,
    });
    expect((boom.entry.err as { stack: string }).stack).toMatch(/password=hunter2[\s\S]*at /);
    expect(nope).toMatchObject({ level: "info", entry: { request_id: "nope-1", code: 10, status: 404 } });
  });

  it("cuts off a chunked body past the limit while reading: 413 / 3 and the connection closes", async () => {
    const answer = await new Promise<Answer>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, method: "POST", path: "/notes", agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers as Record<string, string>,
              text: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on("error", reject);
      req.setHeader("content-type", "application/json");
      req.setHeader("transfer-encoding", "chunked");
      req.write(`{"title":"${"x".repeat(600_000)}`);
      req.end(`${"y".repeat(600_000)}","count":1}`);
    });
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.text)).toMatchObject({
      error_code: 3,
      details: { violations: [{ in: "body", pointer: "", rule: "size", expected: 1048576 }] },
    });
  });

  it.each(MALFORMED)("answers $name with $status / 3", async ({ data, status }) => {
    expectMalformedAnswer(await rawRequest(port, data), status);
  });
});

describe("hono adapter: Hono's own errors and other middleware end in the contract", () => {
  const { logger, entries } = capture();
  const { app, api } = buildExtras(logger);
  const call = async (path: string, init: RequestInit = {}): Promise<Answer> => {
    const res = await app.request(path, init);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: res.status, headers, text: await res.text() };
  };
  const seen: Answer[] = [];
  const error = async (path: string, status: number, code: number, init: RequestInit = {}) => {
    const answer = await call(path, init);
    seen.push(answer);
    expect(answer.status, answer.text).toBe(status);
    expect(answer.headers["x-request-id"]).toMatch(/^[A-Za-z0-9._:-]+$/);
    expect(errorCode(answer)).toBe(code);
    return answer;
  };
  const json = (body: string, extra: Record<string, string> = {}): RequestInit => ({
    method: "POST",
    body,
    headers: { "content-type": "application/json", ...extra },
  });

  it("HTTPException(401) from an auth middleware is 6 with its message and WWW-Authenticate", async () => {
    const answer = await error("/guarded/data", 401, 6);
    expect(answer.headers["www-authenticate"]).toBe("Bearer");
    expect(JSON.parse(answer.text).error_message).toBe("A key is required");
    expect((await call("/guarded/data", { headers: { "x-key": "k" } })).status).toBe(200);
  });

  it("HTTPException(404) is 10 naming method and path; one with a custom res still ends in the contract", async () => {
    const gone = await error("/gone", 404, 10);
    expect(JSON.parse(gone.text).details).toStrictEqual({ method: "GET", path: "/gone" });
    await error("/custom-res", 403, 9);
  });

  it("hono/body-limit's 413, thrown or returned as text, is 413 / 3", async () => {
    const big = JSON.stringify({ title: "long enough", count: 1 });
    await error("/limited", 413, 3, json(big));
    await error("/limited-text", 413, 3, json(big));
    const small = await call("/limited", json('{"x":1}'));
    expect(small.status).toBe(400); // under the limit, then the route's schema: unknown key x
  });

  it("a middleware that throws an Error or a non-Error is 500 / 0 with the generic message only", async () => {
    for (const path of ["/mw-throws", "/mw-throws-string"]) {
      const answer = await error(path, 500, 0);
      expect(JSON.parse(answer.text).error_message).toBe("Unknown server side error occurred");
      expect(answer.text).not.toMatch(/5432|srv|not an Error/);
    }
  });

  it("error responses returned as text or HTML, c.notFound() and a sub-app's own error page are converted", async () => {
    await error("/text-error", 404, 10);
    await error("/html-error", 500, 0);
    const missing = await error("/not-found-call", 404, 10);
    expect(JSON.parse(missing.text).details).toStrictEqual({ method: "GET", path: "/not-found-call" });
    await error("/v1/sub-boom", 500, 0);
  });

  it("logs one entry per error; 5xx entries carry request id, code, status and the cause's stack", async () => {
    entries.length = 0;
    await error("/mw-throws", 500, 0, { headers: { "x-request-id": "mw-1" } });
    await error("/gone", 404, 10, { headers: { "x-request-id": "gone-1" } });
    expect(entries).toHaveLength(2);
    const [first, second] = entries as [Entry, Entry];
    expect(first).toMatchObject({
      level: "error",
      entry: { request_id: "mw-1", code: 0, status: 500, path: "/mw-throws" },
    });
    expect((first.entry.err as { stack?: string }).stack).toMatch(/db:5432[\s\S]*at /);
    expect(second).toMatchObject({ level: "info", entry: { request_id: "gone-1", code: 10, status: 404 } });
  });

  it("routes without api.route() get 405 + Allow and OPTIONS from the same table", async () => {
    const answer = await error("/plain/1", 405, 1, { method: "PATCH" });
    expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS");
    const options = await call("/plain/1", { method: "OPTIONS" });
    expect([options.status, options.headers.allow, options.text]).toStrictEqual([
      204,
      "GET, HEAD, OPTIONS",
      "",
    ]);
    const head = await call("/plain/1", { method: "HEAD" });
    const get = await call("/plain/1");
    expect([head.status, head.headers["content-type"], head.text]).toStrictEqual([
      200,
      get.headers["content-type"],
      "",
    ]);
  });

  it("a CORS preflight reaches hono/cors; error answers keep its headers", async () => {
    const origin = { origin: "https://ui.example" };
    const preflight = await call("/plain/1", {
      method: "OPTIONS",
      headers: { ...origin, "access-control-request-method": "GET" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("https://ui.example");
    const failed = await error("/gone", 404, 10, { headers: origin });
    expect(failed.headers["access-control-allow-origin"]).toBe("https://ui.example");
  });

  it("wildcard and regex routes the table cannot express are left to Hono's router", async () => {
    expect(JSON.parse((await call("/files/a/b.txt")).text)).toStrictEqual({ file: "/files/a/b.txt" });
    expect(JSON.parse((await call("/num/12")).text)).toStrictEqual({ id: "12" });
    await error("/num/abc", 404, 10);
  });

  it("follows Hono when it runs a route the table did not choose (overlapping templates)", async () => {
    expect(JSON.parse((await call("/over/all")).text)).toStrictEqual({ by: "param", name: "all" });
    await error("/over/ab", 400, 4);
  });

  it("handlers get typed, converted parts, the principal, the request id, and c.req.json()", async () => {
    const init = json(JSON.stringify({ title: "hello", count: 2 }), {
      authorization: "Bearer member-token",
      "x-request-id": "t-1",
    });
    const typed = await call("/typed/5", init);
    expect(JSON.parse(typed.text)).toStrictEqual({
      id: 5,
      title: "hello",
      user: "u-member",
      requestId: "t-1",
    });
    expect(typed.headers["x-request-id"]).toBe("t-1");
    await error("/typed/5", 401, 6, json("{}"));
    expect(JSON.parse((await call("/anonymous")).text)).toStrictEqual({ user: null });
    expect(JSON.parse((await call("/echo", json('{"a":[1,2]}'))).text)).toStrictEqual({ a: [1, 2] });
    await error("/echo", 400, 3, json('{"a":1,"a":2}'));
    expect(JSON.parse((await call("/v1/ping/42")).text)).toStrictEqual({ n: 42 });
    await error("/v1/ping/x", 400, 5);
  });

  it("no error answer is ever text/plain or HTML", () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const answer of seen) expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  });

  it("api.route() on app.use() is refused when the routes are read", () => {
    const other = new Hono();
    const otherApi = apiErrorCodes(other, { logger: false });
    other.use("/x/*", otherApi.route({}));
    expect(() => otherApi.sync()).toThrow(TypeError);
    expect(() => api.route({ auth: true }) && apiErrorCodes(new Hono()).route({ auth: true })).toThrow(
      /auth/,
    );
  });

  it("treats a trailing slash as the app does (strict by default, lenient with strict: false)", async () => {
    for (const strict of [true, false]) {
      const other = new Hono({ strict });
      apiErrorCodes(other, { logger: false });
      other.get("/a", (c) => c.json({ a: 1 }));
      expect((await other.request("/a/")).status).toBe(strict ? 404 : 200);
    }
  });

  it("runs without node: no node import or Buffer, and a console logger where process.stderr is missing", async () => {
    for (const file of [
      "adapters/hono/index.ts",
      "adapters/hono/types.ts",
      "pipeline/web/body.ts",
      "pipeline/web/bridge.ts",
      "pipeline/web/guard.ts",
      "pipeline/web/port.ts",
    ]) {
      const source = readFileSync(new URL(`../../src/${file}`, import.meta.url), "utf8");
      expect(source, file).not.toMatch(/from "node:|\bBuffer\b|node-http/);
    }
    // A Worker has no process.stderr: the default logger writes to the console there.
    const stderr = process.stderr as { write: unknown };
    const write = stderr.write;
    const info = vi.spyOn(console, "info").mockImplementation(() => {});
    stderr.write = undefined;
    try {
      const workerLike = new Hono();
      apiErrorCodes(workerLike);
      expect((await workerLike.request("/nope", { headers: { "x-request-id": "w-1" } })).status).toBe(404);
      expect(info).toHaveBeenCalledTimes(1);
      expect(JSON.parse(String(info.mock.calls[0]?.[0]))).toMatchObject({
        level: 30,
        request_id: "w-1",
        code: 10,
      });
    } finally {
      stderr.write = write;
      info.mockRestore();
    }
  });

  it("picks up routes added after the first request (routers that allow it)", async () => {
    const late = new Hono({ router: new TrieRouter() });
    apiErrorCodes(late, { logger: false });
    late.get("/a", (c) => c.json({ a: 1 }));
    expect((await late.request("/b")).status).toBe(404);
    late.get("/b", (c) => c.json({ b: 1 }));
    expect((await late.request("/b")).status).toBe(200);
    expect((await late.request("/b", { method: "DELETE" })).headers.get("allow")).toBe("GET, HEAD, OPTIONS");
  });
});

describe("hono adapter: @hono/node-server's own request errors through api.requestError", () => {
  const { app, api } = buildExtras(false);
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const listener = getRequestListener(app.fetch, { hostname: "127.0.0.1", errorHandler: api.requestError });
    server = protectServer(createServer(listener));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ["a backslash in the path", "GET /pl\\ain/1 HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["an invalid Host", "GET /plain/1 HTTP/1.1\r\nHost: a@b\r\n\r\n"],
  ])("answers %s with 400 / 3", async (_name, bytes) => {
    const answer = await rawRequest(port, bytes);
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 3 });
  });
});

describe("examples/hono.ts", () => {
  const app = buildExample();
  const member = { authorization: "Bearer demo-token", "content-type": "application/json" };

  it("creates and reads an order, and answers 404, 405 and validation errors with the contract", async () => {
    const created = await app.request("/orders", {
      method: "POST",
      headers: member,
      body: '{"item":"tea","quantity":2}',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/orders/1");
    expect(await (await app.request("/orders/1")).json()).toMatchObject({
      id: 1,
      item: "tea",
      owner: "u-demo",
    });
    const codes: [string, RequestInit, number, number][] = [
      ["/orders/2", {}, 404, 10],
      ["/nope", {}, 404, 10],
      ["/orders", { method: "DELETE" }, 405, 1],
      ["/orders/abc", {}, 400, 5],
      ["/orders", { method: "POST", headers: member, body: '{"item":"","quantity":0}' }, 400, 4],
      ["/orders", { method: "POST", body: "{}" }, 401, 6],
    ];
    for (const [path, init, status, code] of codes) {
      const res = await app.request(path, init);
      expect([path, res.status, res.headers.get("content-type")]).toStrictEqual([
        path,
        status,
        "application/json; charset=utf-8",
      ]);
      expect(((await res.json()) as { error_code: number }).error_code).toBe(code);
    }
  });
});

describe.each(["1.19", "2"] as const)("hono adapter on @hono/node-server %s, over a socket", (version) => {
  let target: Target;
  beforeAll(async () => {
    target = await buildHono({ socket: true, honoNodeServer: version });
  });
  afterAll(() => target.close());

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await target.send(scenario));
  });

  it("an error through middleware that touches headers has one Content-Length (node's fetch reads it)", async () => {
    const app = new Hono();
    apiErrorCodes(app, { logger: false });
    app.use(cors());
    app.use(async (c, next) => {
      await next();
      c.header("X-Extra", "1");
    });
    app.get("/boom", () => {
      throw new Error("boom");
    });
    const listener = version === "1.19" ? oldRequestListener : getRequestListener;
    const server = createServer(listener(app.fetch));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (const [path, status] of [
        ["/boom", 500],
        ["/nope", 404],
      ] as const) {
        const response = await fetch(base + path, { headers: { origin: "http://a.example" } });
        expect(response.status).toBe(status);
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
        expect(parseErrorBody(await response.text(), status).conforming).toBe(true);
      }
    } finally {
      server.close();
    }
  });
});

describe("hono adapter: the body the contract read is the app's to read again", () => {
  it("c.req.raw, handed to another library, still has it, with or without api.route()", async () => {
    const app = new Hono();
    const api = apiErrorCodes(app, { logger: false });
    app.post("/plain", async (c) => c.json({ raw: await c.req.raw.text() }));
    const Body = { type: "object", properties: { a: { type: "integer" } } } as const;
    app.post("/declared", api.route({ schema: { body: Body } }), async (c) =>
      c.json({ raw: await c.req.raw.json(), valid: c.req.valid("json") }),
    );
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      app.request(path, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });
    for (const headers of [{ "content-length": "7" }, {}]) {
      const plain = await post("/plain", '{"a":1}', headers);
      expect(plain.status).toBe(200);
      expect(await plain.json()).toStrictEqual({ raw: '{"a":1}' });
      const declared = await post("/declared", '{"a":1}', headers);
      expect(declared.status).toBe(200);
      expect(await declared.json()).toStrictEqual({ raw: { a: 1 }, valid: { a: 1 } });
    }
  });
});
