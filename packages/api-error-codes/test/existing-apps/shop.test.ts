/**
 * The two shop apps of test/fixtures/existing-apps, each as it was and with the contract added:
 * everything the app did keeps working (static files, sub-routers, its validators' successes, its
 * rate limiter), every error it answers now keeps the contract, and the checker finds no failure.
 */
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serve } from "@hono/node-server";
import { protectServer } from "api-error-codes/hono";
import { checkCommand, type Report } from "api-error-codes-checker";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shopExpress } from "../../examples/existing-apps/shop-express.js";
import { shopHono } from "../../examples/existing-apps/shop-hono.js";

const publicDir = join(dirname(fileURLToPath(import.meta.url)), "../../examples/existing-apps/public");
const LEAK = /hunter2|postgres:|\bat \S+ \(|node_modules|\.[cm]?[jt]s:\d+/;
const JSON_TYPE = { "content-type": "application/json" };

interface Shop {
  name: string;
  /** Starts the app on an ephemeral port of 127.0.0.1, as its users serve it. */
  start(contract: boolean, limit?: number): Promise<Server>;
  /** Where the favicon and robots.txt are served. */
  robots: string;
  /** What the checker runs and passes on the app with the contract. */
  checked: number;
}

const listening = (server: Server) =>
  new Promise<Server>((resolve) => server.once("listening", () => resolve(server)));

const SHOPS: Shop[] = [
  {
    name: "Hono (zod-openapi, sub-router, serveStatic, hono-rate-limiter, own onError/notFound)",
    // The docs' way to serve Hono on node: protectServer around serve().
    start: (contract, limit) =>
      listening(
        protectServer(
          serve({ fetch: shopHono({ contract, limit }).fetch, port: 0, hostname: "127.0.0.1" }) as Server,
        ),
      ),
    robots: "/static/robots.txt",
    checked: 52,
  },
  {
    name: "Express 5 (static, express.json, routers, express-rate-limit, zod, own error middleware)",
    start: (contract, limit) => listening(shopExpress({ contract, limit }).listen(0, "127.0.0.1")),
    robots: "/robots.txt",
    checked: 46,
  },
];

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

async function send(base: string, method: string, path: string, body?: string, client = "tests") {
  const res = await fetch(base + path, {
    method,
    headers: { "x-client": client, ...(body === undefined ? {} : JSON_TYPE) },
    ...(body === undefined ? {} : { body }),
  });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  return { res, bytes, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

describe.each(SHOPS)("$name", (shop) => {
  const servers: Server[] = [];
  let before = "";
  let after = "";
  beforeAll(async () => {
    servers.push(await shop.start(false), await shop.start(true));
    [before, after] = servers.map(urlOf) as [string, string];
  });
  afterAll(async () => {
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  describe("keeps what the app did", () => {
    it.each([
      ["/favicon.ico", "favicon.ico"],
      ["ROBOTS", "robots.txt"],
    ])("serves %s byte for byte, now with X-Request-Id", async (path, file) => {
      const url = path === "ROBOTS" ? shop.robots : path;
      const expected = readFileSync(join(publicDir, file));
      const [old, now] = [await send(before, "GET", url), await send(after, "GET", url)];
      for (const got of [old, now]) {
        expect(got.res.status).toBe(200);
        expect(Buffer.from(got.bytes).equals(expected)).toBe(true);
      }
      expect(now.res.headers.get("content-type")).toBe(old.res.headers.get("content-type"));
      expect(old.res.headers.get("x-request-id")).toBeNull();
      expect(now.res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("answers its sub-router's routes and validators' successes as before", async () => {
      for (const base of [before, after]) {
        const book = await send(base, "GET", "/api/books/1");
        expect(book.res.status).toBe(200);
        expect(book.json()).toStrictEqual({ id: 1, title: "Middlemarch", year: 1871 });
        const added = await send(base, "POST", "/api/books", '{"title":"Emma","year":1815}');
        expect(added.res.status).toBe(201);
        expect(added.json()).toStrictEqual({ id: 2, title: "Emma", year: 1815 });
        const spec = await send(base, "GET", "/openapi.json");
        expect(spec.res.status).toBe(200);
        expect(spec.json()).toMatchObject({ openapi: "3.1.0", info: { title: "Shop" } });
      }
    });

    it("its rate limiter still refuses, with its Retry-After, now as the registered 429 code", async () => {
      const limited = await shop.start(true, 1);
      try {
        const base = urlOf(limited);
        expect((await send(base, "GET", "/api/books/1", undefined, "one")).res.status).toBe(200);
        const refused = await send(base, "GET", "/api/books/1", undefined, "one");
        expect(refused.res.status).toBe(429);
        expect(refused.res.headers.get("retry-after")).toBe("60");
        expect(refused.res.headers.get("ratelimit-limit")).toBe("1");
        expect(refused.res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(refused.json()).toStrictEqual({
          error_code: 100,
          error_message: "Too many requests",
          details: null,
        });
        // Another client is not limited.
        expect((await send(base, "GET", "/api/books/1", undefined, "two")).res.status).toBe(200);
      } finally {
        await new Promise((resolve) => limited.close(resolve));
      }
    });
  });

  describe("every error keeps the contract", () => {
    it("an unknown book is 404 / 10 with the app's own message", async () => {
      const got = await send(after, "GET", "/api/books/999");
      expect(got.res.status).toBe(404);
      expect(got.res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      expect(got.json()).toStrictEqual({
        error_code: 10,
        error_message: "No such book",
        details: { method: "GET", path: "/api/books/999" },
      });
    });

    it("a path nobody serves is 404 / 10, a known path with another method 405 / 1 with Allow", async () => {
      const missing = await send(after, "GET", "/nowhere");
      expect(missing.res.status).toBe(404);
      expect(missing.json()).toMatchObject({ error_code: 10, details: { method: "GET", path: "/nowhere" } });
      const wrong = await send(after, "DELETE", "/api/books/1");
      expect(wrong.res.status).toBe(405);
      expect(wrong.res.headers.get("allow")).toBe("GET, HEAD, OPTIONS");
      expect(wrong.json()).toStrictEqual({
        error_code: 1,
        error_message: "Method not allowed",
        details: { method: "DELETE", allowed: ["GET", "HEAD", "OPTIONS"] },
      });
    });

    it("its validator's failures are 3 / 5 / 4 with pointers into the body", async () => {
      const wrongType = await send(after, "POST", "/api/books", '{"title":"Emma","year":"1815"}');
      expect(wrongType.res.status).toBe(400);
      expect(wrongType.json()).toMatchObject({
        error_code: 5,
        details: { violations: [{ in: "body", pointer: "/year", rule: "type", expected: "number" }] },
      });
      const tooOld = await send(after, "POST", "/api/books", '{"title":"Beowulf","year":1000}');
      expect(tooOld.json()).toMatchObject({
        error_code: 4,
        details: { violations: [{ in: "body", pointer: "/year", rule: "minimum", expected: 1450 }] },
      });
      const extra = await send(after, "POST", "/api/books", '{"title":"Emma","year":1815,"isbn":"x"}');
      expect(extra.json()).toMatchObject({
        error_code: 3,
        details: { violations: [{ in: "body", pointer: "/isbn", rule: "additionalProperties" }] },
      });
    });

    it("a JSON body its parser would have taken is hardened: duplicate keys and __proto__ are 3", async () => {
      for (const body of [
        '{"title":"A","title":"B","year":1900}',
        '{"__proto__":{},"title":"A","year":1900}',
      ]) {
        const got = await send(after, "POST", "/api/books", body);
        expect(got.res.status).toBe(400);
        expect(got.json()).toMatchObject({ error_code: 3, details: { violations: [{ in: "body" }] } });
      }
    });

    it("a crash answered by the app's own leaking handler is 500 / 0 without its secrets", async () => {
      const old = await send(before, "GET", "/api/crash");
      expect(old.res.status).toBe(500);
      expect(old.text).toMatch(LEAK); // what the app sent before: the stack
      const got = await send(after, "GET", "/api/crash");
      expect(got.res.status).toBe(500);
      expect(got.text).not.toMatch(LEAK);
      expect(got.json()).toStrictEqual({
        error_code: 0,
        error_message: "Unknown server side error occurred",
        details: null,
      });
    });
  });

  it("passes the checker with no failure", async () => {
    const result = await checkCommand([
      after,
      "--spec",
      `${after}/openapi.json`,
      "--allow-writes",
      "-f",
      "json",
    ]);
    const report = JSON.parse(result.stdout) as Report;
    const failures = report.results
      .filter((r) => !r.passed)
      .map((r) => `${r.check} @ ${r.operation}: ${r.message}`);
    expect(failures).toStrictEqual([]);
    expect(report.summary).toStrictEqual({ passed: shop.checked, failed: 0, skipped: 0 });
    expect(result.exitCode).toBe(0);
  });
});
