/**
 * The fetch adapter: the shared scenario table over a real socket (node serving the `Request ->
 * Response` handler through @hono/node-server's bridge, as Bun or Deno would serve it), and the
 * handler called with plain `Request` objects, as Workers and route-handler runtimes call it.
 */
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi, reply } from "../../src/adapters/fetch/index.js";
import { protectServer } from "../../src/pipeline/node/protect.js";
import { lookup, openapi, routes } from "./app.js";
import { check, overHttp, type Send } from "./harness.js";
import { rawRequest } from "./raw-socket.js";
import { scenarios } from "./scenarios.js";

const api = createApi({ auth: { lookup }, openapi, logger: false });
for (const route of routes) {
  api.route(route.method, route.path, route.contract, async (context) => {
    const answer = await route.handler(context);
    return reply(answer.status, answer.body as never, answer.headers);
  });
}
api.get("/own-error", {}, () => new Response("<h1>teapot</h1>", { status: 409 }));
api.get("/stream", {}, () => new Response("plain text", { headers: { "content-type": "text/plain" } }));

describe("fetch adapter over a real socket: shared scenarios", () => {
  let server: Server;
  let send: Send;
  beforeAll(async () => {
    server = createServer(getRequestListener(api.fetch));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    send = overHttp((server.address() as AddressInfo).port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });
});

describe("fetch adapter on node: @hono/node-server's request errors and node's raw headers", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    const listener = getRequestListener(api.fetch, { hostname: "127.0.0.1", errorHandler: api.requestError });
    server = protectServer(createServer(listener));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const malformed = {
    error_code: 3,
    error_message: "Invalid request: header: Malformed HTTP request",
    details: {
      violations: [{ in: "header", pointer: "", rule: "parse", message: "Malformed HTTP request" }],
    },
  };

  it.each([
    ["a backslash in the path", "GET /items\\1 HTTP/1.1\r\nHost: x\r\n\r\n"],
    ["the asterisk form", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"],
  ])("a target the bridge cannot make a Request of (%s) is 400 / 3 in the contract", async (_name, bytes) => {
    const answer = await rawRequest(port, bytes);
    expect(answer.status).toBe(400);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    expect(answer.headers.connection).toBe("close");
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.body)).toStrictEqual(malformed);
  });

  it("an error other than the bridge's RequestError is 500 / 0", async () => {
    const response = api.requestError(new TypeError("boom at /srv/app.js:1"));
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
  });

  it("an empty Authorization header before a valid one is a doubled header (400 / 3), as on node", async () => {
    const answer = await rawRequest(
      port,
      "GET /me HTTP/1.1\r\nHost: x\r\nAuthorization:\r\nAuthorization: Bearer member-token\r\nConnection: close\r\n\r\n",
    );
    expect(answer.status).toBe(400);
    const message = "The authorization header carries more than one credential";
    expect(JSON.parse(answer.body)).toStrictEqual({
      error_code: 3,
      error_message: `Invalid request: header /authorization: ${message}`,
      details: { violations: [{ in: "header", pointer: "/authorization", rule: "duplicate", message }] },
    });
  });
});

describe("fetch adapter with plain Request objects", () => {
  const call = (path: string, init?: RequestInit) => api.fetch(new Request(`http://api.test${path}`, init));

  it("an unknown path is 404 / 10 with X-Request-Id", async () => {
    const response = await call("/nowhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await response.json()).toStrictEqual({
      error_code: 10,
      error_message: "Resource not found",
      details: { method: "GET", path: "/nowhere" },
    });
  });

  it("a body built in-process (no Content-Length) is read bounded and hardened", async () => {
    const response = await call("/items", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer member-token" },
      body: '{"name":"a","name":"b","quantity":1}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error_code: 3,
      details: { violations: [{ in: "body", pointer: "/name", rule: "duplicate" }] },
    });
  });

  it("a route declared without a contract: path and handler, the table's 405 + Allow for it", async () => {
    const bare = createApi()
      .get("/health", () => ({ ok: true }))
      .delete("/health", () => undefined);
    const ok = await bare.fetch(new Request("http://api.test/health"));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toStrictEqual({ ok: true });
    expect((await bare.fetch(new Request("http://api.test/health", { method: "DELETE" }))).status).toBe(204);
    const refused = await bare.fetch(new Request("http://api.test/health", { method: "POST" }));
    expect(refused.status).toBe(405);
    expect(refused.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS");
  });

  it("a handler's own Response passes with X-Request-Id; its non-conforming error is converted", async () => {
    const ok = await call("/stream");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/plain");
    expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await ok.text()).toBe("plain text");
    const own = await call("/own-error");
    expect(own.status).toBe(409);
    expect(own.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await own.json()).error_code).toBe(4);
  });
});

describe("fetch: the trace id of a traceparent in the error log", () => {
  it("logs trace_id next to request_id", async () => {
    const entries: Record<string, unknown>[] = [];
    const traced = createApi({
      logger: { info: (entry: object) => entries.push({ ...entry }), error: () => {} },
    });
    const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    const response = await traced.fetch(
      new Request("http://api.test/nowhere", { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } }),
    );
    expect(response.status).toBe(404);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ trace_id: trace, code: 10, path: "/nowhere" });
  });
});
