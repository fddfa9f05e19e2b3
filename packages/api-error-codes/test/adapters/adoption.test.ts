/**
 * Adopting the contract in an app that already has its own ways: error handlers registered after the
 * adapter, JSON bodies read without api.route(), middleware that serves paths, sub-routers. One
 * small app per framework, built the way existing apps are, and the same expectations for each.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { bodyParser as koaBodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { validator } from "hono/validator";
import Koa from "koa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { apiErrorCodes as fastifyPlugin, serverOptions } from "../../src/adapters/fastify/index.js";
import { apiErrorCodes as honoAdapter } from "../../src/adapters/hono/index.js";
import { apiErrorCodes as koaAdapter } from "../../src/adapters/koa/index.js";
import { ApiError, parseErrorBody } from "../../src/index.js";
import type { ErrorLogger } from "../../src/pipeline/port.js";
import { express4 } from "./builders.js";

const SECRET = "hunter2-db-password";
const LEAK = /hunter2|\bat \S+ \(|node_modules|\.[cm]?[jt]s:\d+/;

interface Entry {
  entry: Record<string, unknown>;
  message: string;
}
function recorder(): ErrorLogger & { entries: Entry[] } {
  const entries: Entry[] = [];
  const push = (entry: object, message: string) => entries.push({ entry: { ...entry }, message });
  return { entries, info: push, error: push };
}

/** A leaking JSON error, as many hand-written handlers make it. */
const leakyBody = (error: Error) => ({ error: error.message, secret: SECRET, stack: error.stack });
const conforming = {
  error_code: 4,
  error_message: "Quantity is sold out",
  details: { violations: [{ in: "body", pointer: "/quantity", rule: "maximum", message: "is sold out" }] },
};

interface Running {
  url: string;
  log: ReturnType<typeof recorder>;
  close(): Promise<void>;
}

async function listen(server: Server, log: ReturnType<typeof recorder>): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, log, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function buildExpress(factory: typeof express = express): Promise<Running> {
  const log = recorder();
  const app = factory();
  expressAdapter(app, { logger: log });
  app.use("/favicon.ico", (_req, res) => res.type("image/x-icon").send(Buffer.from([0, 0, 1, 0])));
  app.use(factory.json());
  app.post("/plain", (req, res) => res.json({ got: req.body }));
  app.get("/leak", () => {
    throw new Error(`connect failed: ${SECRET}`);
  });
  app.get("/sold-out", () => {
    throw Object.assign(new Error("sold out"), { conforming: true });
  });
  app.get("/typed", () => {
    throw ApiError.invalidType([{ in: "query", pointer: "/n", rule: "type", message: "must be integer" }]);
  });
  app.use(
    (
      error: Error & { conforming?: boolean },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      if (error.conforming) res.status(409).json(conforming);
      else res.status(500).json(leakyBody(error));
    },
  );
  return listen(createServer(app), log);
}

function buildHono(): Promise<Running> {
  const log = recorder();
  const app = new Hono();
  honoAdapter(app, { logger: log });
  const api = new Hono();
  api.post("/plain", async (c) => c.json({ got: await c.req.json() }));
  api.post(
    "/validated",
    validator("json", (value) => value),
    (c) => c.json({ got: c.req.valid("json") }),
  );
  app.route("/", api);
  app.get("/leak", () => {
    throw new Error(`connect failed: ${SECRET}`);
  });
  app.get("/sold-out", () => {
    throw Object.assign(new Error("sold out"), { conforming: true });
  });
  // Registered after the adapter, as serveStatic often is.
  app.use("/favicon.ico", async (c) =>
    c.body(new Uint8Array([0, 0, 1, 0]), 200, { "content-type": "image/x-icon" }),
  );
  app.onError((error, c) =>
    (error as { conforming?: boolean }).conforming
      ? c.json(conforming, 409)
      : c.json(leakyBody(error), 500, { "content-type": "application/json; charset=utf-8" }),
  );
  app.notFound((c) => c.text("nothing here", 404));
  return listen(createServer(getRequestListener(app.fetch)), log);
}

async function buildFastify(): Promise<Running> {
  const log = recorder();
  const app = Fastify(serverOptions);
  await app.register(fastifyPlugin, { logger: log });
  app.post("/plain", async (request) => ({ got: request.body }));
  // Fastify serves files through plugins that declare routes (@fastify/static does): one such plugin.
  await app.register(async (files) => {
    files.get("/favicon.ico", async (_request, reply) =>
      reply.type("image/x-icon").send(Buffer.from([0, 0, 1, 0])),
    );
  });
  app.get("/leak", async () => {
    throw new Error(`connect failed: ${SECRET}`);
  });
  app.get("/sold-out", async () => {
    throw Object.assign(new Error("sold out"), { conforming: true });
  });
  app.setErrorHandler((error: Error & { conforming?: boolean }, _request, reply) => {
    if (error.conforming) reply.code(409).send(conforming);
    else reply.code(500).send(leakyBody(error));
  });
  await app.ready();
  return listen(app.server, log);
}

const BUILDERS = {
  express: () => buildExpress(),
  "express 4": () => buildExpress(express4),
  hono: buildHono,
  fastify: buildFastify,
} as const;

async function expectError(response: Response, status: number, code: number) {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(response.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(text).not.toMatch(LEAK);
  const parsed = parseErrorBody(text, status);
  expect(parsed.conforming ? [] : parsed.problems).toStrictEqual([]);
  expect(JSON.parse(text).error_code).toBe(code);
  return JSON.parse(text) as { error_code: number; error_message: string; details: unknown };
}

const json = { "content-type": "application/json" };

describe.each(Object.keys(BUILDERS) as (keyof typeof BUILDERS)[])(
  "%s: an existing app keeps its ways",
  (name) => {
    let app: Running;
    beforeAll(async () => {
      app = await BUILDERS[name]();
    });
    afterAll(() => app.close());

    it("its error handler cannot send a leaking body: converted to 500 / 0, logged as converted", async () => {
      await expectError(await fetch(`${app.url}/leak`), 500, 0);
      const entry = app.log.entries.find((e) => e.entry.status === 500);
      expect(entry?.entry.converted).toBe("a non-conforming error answer made outside the contract");
    });

    it("its own conforming error passes unchanged", async () => {
      const response = await fetch(`${app.url}/sold-out`);
      expect(await expectError(response, 409, 4)).toStrictEqual(conforming);
    });

    it.each([
      ["duplicate keys", '{"a":1,"a":2}', 400, 3],
      ["__proto__", '{"__proto__":{"admin":true}}', 400, 3],
      ["a number JSON cannot hold", '{"n":1e400}', 400, 4],
      ["a NUL character", '{"s":"a\\u0000b"}', 400, 4],
      ["a lone surrogate", '{"s":"\\ud800"}', 400, 4],
      ["truncated JSON", '{"a":', 400, 3],
    ] as const)(
      "a JSON body read the app's own way is hardened: %s -> %i / %i",
      async (_what, body, status, code) => {
        await expectError(
          await fetch(`${app.url}/plain`, { method: "POST", headers: json, body }),
          status,
          code,
        );
      },
    );

    it("a JSON body over the declared limit is 413 / 3 before it is read", async () => {
      const body = JSON.stringify({ pad: "x".repeat(1_100_000) });
      await expectError(await fetch(`${app.url}/plain`, { method: "POST", headers: json, body }), 413, 3);
    });

    it("a good JSON body still reaches the app's handler", async () => {
      const response = await fetch(`${app.url}/plain`, {
        method: "POST",
        headers: json,
        body: '{"a":[1,2]}',
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toStrictEqual({ got: { a: [1, 2] } });
    });

    it("paths served by middleware (or a plugin's routes) keep working, with X-Request-Id", async () => {
      const response = await fetch(`${app.url}/favicon.ico`);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });

    it("an unknown path is still 404 / 10, a known one with another method 405 / 1", async () => {
      await expectError(await fetch(`${app.url}/nope`), 404, 10);
      const allowed = await expectError(await fetch(`${app.url}/plain`, { method: "DELETE" }), 405, 1);
      expect(allowed.details).toStrictEqual({ method: "DELETE", allowed: ["OPTIONS", "POST"] });
    });
  },
);

describe("hono: routers mounted with app.route() and validators", () => {
  let app: Running;
  beforeAll(async () => {
    app = await buildHono();
  });
  afterAll(() => app.close());

  it("a route of a mounted router gets the hardening through hono/validator too", async () => {
    const ok = await fetch(`${app.url}/validated`, { method: "POST", headers: json, body: '{"x":1}' });
    expect(await ok.json()).toStrictEqual({ got: { x: 1 } });
    const bad = await fetch(`${app.url}/validated`, { method: "POST", headers: json, body: '{"x":1,"x":2}' });
    await expectError(bad, 400, 3);
  });

  it("the app's own notFound page becomes 404 / 10", async () => {
    await expectError(await fetch(`${app.url}/elsewhere/deep`), 404, 10);
  });
});

describe("a route declared twice with api.route() is refused at start-up", () => {
  it("express", () => {
    const app = express();
    const api = expressAdapter(app, { logger: false });
    app.get("/x", api.route({}), (_req, res) => res.json({}));
    app.get("/x", api.route({}), (_req, res) => res.json({}));
    expect(() => api.sync()).toThrow(new TypeError("api-error-codes/express: GET /x is registered twice"));
  });

  it("hono", () => {
    const app = new Hono();
    const api = honoAdapter(app, { logger: false });
    app.get("/x", api.route({}), (c) => c.json({}));
    app.get("/x", api.route({}), (c) => c.json({}));
    expect(() => api.sync()).toThrow(new TypeError("api-error-codes/hono: GET /x is registered twice"));
  });
});

describe.each([
  ["express", () => buildExpress()],
  ["express 4", () => buildExpress(express4)],
] as const)("%s: an error middleware that answers the library's own error its own way", (_name, build) => {
  it("keeps that error's code and details (the answer for the error it received)", async () => {
    const app = await build();
    try {
      const body = await expectError(await fetch(`${app.url}/typed`), 400, 5);
      expect(body.details).toStrictEqual({
        violations: [{ in: "query", pointer: "/n", rule: "type", message: "must be integer" }],
      });
    } finally {
      await app.close();
    }
  });
});

/** The body of POST /orders, the route behind the app's own body parser. */
const orderBody = {
  type: "object",
  required: ["item"],
  properties: { item: { type: "string" } },
  additionalProperties: false,
} as const;
const lookupGood = (token: string) => (token === "good" ? { id: "u-1" } : undefined);

/** An app whose own body parser is registered before an `api.route()` route with a body schema. */
function parserFirstExpress(factory: typeof express): Promise<Running> {
  const server = factory();
  const api = expressAdapter(server, { logger: false, auth: { lookup: lookupGood } });
  server.use(factory.json());
  server.post(
    "/orders",
    ...api.route({ auth: true, schema: { body: orderBody } }, (context, _req, res) => {
      res.status(201).json({ item: context.body.item, by: context.principal.id });
    }),
  );
  return listen(createServer(server), recorder());
}

function parserFirstKoa(): Promise<Running> {
  const app = new Koa();
  const api = koaAdapter(app, { logger: false, auth: { lookup: lookupGood } });
  app.use(koaBodyParser());
  const router = new Router();
  const contract = { auth: true, schema: { body: orderBody } } as const;
  router.post("/orders", api.route(contract), (ctx) => {
    const { body, principal } = api.context<typeof contract>(ctx);
    ctx.status = 201;
    ctx.body = { item: body.item, by: principal.id };
  });
  app.use(router.routes());
  return listen(createServer(app.callback()), recorder());
}

describe.each([
  ["express: express.json()", () => parserFirstExpress(express)],
  ["express 4: express.json()", () => parserFirstExpress(express4)],
  ["koa: @koa/bodyparser", parserFirstKoa],
] as const)("%s registered before an api.route() route", (_name, build) => {
  let app: Running;
  beforeAll(async () => {
    app = await build();
  });
  afterAll(() => app.close());

  const post = (body: string, token = "good") =>
    fetch(`${app.url}/orders`, {
      method: "POST",
      headers: { ...json, authorization: `Bearer ${token}` },
      body,
    });

  it("a valid body reaches the handler, parsed once", async () => {
    const response = await post('{"item":"tea"}');
    expect(response.status).toBe(201);
    expect(await response.json()).toStrictEqual({ item: "tea", by: "u-1" });
  });

  it.each([
    ['{"item":"a","item":"b"}', 3, "/item", "duplicate"],
    ['{"item":"a","n":1e400}', 4, "/n", "number_range"],
    ['{"item":"\\ud800"}', 4, "/item", "forbidden_character"],
  ])("the hardened parse still refuses %s", async (body, code, pointer, rule) => {
    const answer = await expectError(await post(body), 400, code);
    expect(answer.details).toMatchObject({ violations: [{ in: "body", pointer, rule }] });
  });

  it("the token is checked before the body is read: 401 / 7 for a bad token and a bad body", async () => {
    await expectError(await post('{"item":"a","item":"b"}', "bad"), 401, 7);
  });
});
