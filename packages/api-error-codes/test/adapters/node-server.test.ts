/**
 * node adapter beyond the shared scenarios: malformed HTTP over raw sockets, slow clients, the log
 * entry per error.
 */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../src/adapters/node/index.js";
import { expectMalformedAnswer, MALFORMED, rawRequest } from "./raw-socket.js";

const entries: { level: string; entry: Record<string, unknown>; message: string }[] = [];
const logger = {
  info: (entry: object, message: string) =>
    entries.push({ level: "info", entry: entry as Record<string, unknown>, message }),
  error: (entry: object, message: string) =>
    entries.push({ level: "error", entry: entry as Record<string, unknown>, message }),
};

const api = createApi({ logger })
  .get("/items", {}, () => ({ items: [] }))
  .get("/boom", {}, () => {
    throw new Error("disk on fire");
  })
  .get("/own-error", ({ res }) => {
    res.statusCode = 500;
    res.setHeader("content-type", "text/html");
    res.end("<pre>Error: db down\n    at /srv/app/db.js:12</pre>");
  })
  .get("/own-ok", ({ res }) => {
    res.setHeader("content-type", "text/plain");
    res.end("plain");
  })
  .post("/echo", {}, ({ body }) => body)
  .post("/notes", {}, ({ body }) => body);
const server = api.createServer({ headersTimeout: 500, requestTimeout: 1000 });
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("malformed HTTP gets a conforming answer from clientError", () => {
  it.each(MALFORMED)("$name -> $status / 3", async ({ data, status }) => {
    expectMalformedAnswer(await rawRequest(port, data), status);
  });

  it("slow headers (slowloris) -> 408 / 3", async () => {
    const answer = await rawRequest(port, [
      "GET /items HTTP/1.1\r\n",
      300,
      "X-A: 1\r\n",
      1500,
      "X-B: 2\r\n\r\n",
    ]);
    expectMalformedAnswer(answer, 408);
  });

  it("a slow body -> 408 / 3", async () => {
    const head =
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n";
    const answer = await rawRequest(port, [head, '{"a":', 2500, '"b"}']);
    expectMalformedAnswer(answer, 408);
  });

  it("a well-formed request still works on the same server", async () => {
    const answer = await rawRequest(port, "GET /items HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"items":[]}');
  });
});

describe("a handler that writes res itself", () => {
  it("has its error answer judged: converted, logged, nothing leaks; a success goes out as written", async () => {
    entries.length = 0;
    const failed = await fetch(`http://127.0.0.1:${port}/own-error`);
    expect(failed.status).toBe(500);
    expect(failed.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(failed.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await failed.json()).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
    expect(entries.map((e) => e.entry.converted)).toStrictEqual([
      "a non-conforming error answer made outside the contract",
    ]);
    const ok = await fetch(`http://127.0.0.1:${port}/own-ok`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("plain");
  });
});

describe("one log entry per error", () => {
  it("logs a 5xx at error level with request id, code, status and the cause's stack", async () => {
    entries.length = 0;
    const res = await fetch(`http://127.0.0.1:${port}/boom?token=secret`, {
      headers: { "x-request-id": "req-5xx" },
    });
    expect(await res.json()).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
    expect(entries).toHaveLength(1);
    const [{ level, entry }] = entries as [(typeof entries)[0]];
    expect(level).toBe("error");
    expect(entry).toMatchObject({
      request_id: "req-5xx",
      method: "GET",
      path: "/boom",
      code: 0,
      status: 500,
    });
    expect((entry.err as { message: string; stack: string }).message).toBe("disk on fire");
    expect((entry.err as { stack: string }).stack).toContain("node-server.test.ts");
    expect(JSON.stringify(entries), "the query string (which may hold secrets) is not logged").not.toContain(
      "secret",
    );
  });

  it("logs a 4xx at info level without a stack", async () => {
    entries.length = 0;
    await fetch(`http://127.0.0.1:${port}/nope`, { headers: { "x-request-id": "req-4xx" } });
    expect(entries).toStrictEqual([
      {
        level: "info",
        entry: { request_id: "req-4xx", method: "GET", path: "/nope", code: 10, status: 404, err: undefined },
        message: "Resource not found",
      },
    ]);
  });
});
