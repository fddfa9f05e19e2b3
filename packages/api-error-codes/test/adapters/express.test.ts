import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import cors from "cors";
import express, { type NextFunction, type Request, type Response } from "express";
import { rateLimit } from "express-rate-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp as buildExample } from "../../examples/express.js";
import { apiErrorCodes, protectServer } from "../../src/adapters/express/index.js";
import { ApiError, parseErrorBody, registerCode } from "../../src/index.js";
import type { ErrorLogger } from "../../src/pipeline/port.js";
import { expressSpecApp as buildScenarioApp, express4 } from "./builders.js";
import { type Answer, check, overHttp, type Send } from "./harness.js";
import { expectMalformedAnswer, MALFORMED, rawRequest } from "./raw-socket.js";
import { type Scenario, scenarios } from "./scenarios.js";

interface Running {
  server: Server;
  send: Send;
  port: number;
}

/** `protectServer(app.listen(0))`, or `app.listen(0)` alone to see what the adapter does by itself. */
async function start(app: express.Express, protect = true): Promise<Running> {
  const listening = app.listen(0, "127.0.0.1");
  const server = protect ? protectServer(listening) : listening;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, send: overHttp(port) };
}

const stop = (running: Running) =>
  new Promise<void>((resolve) => {
    running.server.closeAllConnections();
    running.server.close(() => resolve());
  });

const request = (method: string, path: string, extra: Partial<Scenario> = {}): Scenario => ({
  name: `${method} ${path}`,
  method,
  path,
  expect: { status: 0 },
  ...extra,
});

/** Every answer seen by these tests, to prove Express's HTML pages never come out. */
const seen: Answer[] = [];
const recording =
  (send: Send): Send =>
  async (scenario) => {
    const answer = await send(scenario);
    seen.push(answer);
    return answer;
  };

function expectError(answer: Answer, status: number, code: number): ReturnType<typeof parseErrorBody> {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(answer.headers["x-request-id"]).toBeTruthy();
  const parsed = parseErrorBody(answer.text, answer.status);
  expect(parsed.conforming ? [] : parsed.problems).toStrictEqual([]);
  expect(parsed.body).toMatchObject({ error_code: code });
  return parsed;
}

describe.each([
  ["5", express],
  ["4", express4],
] as const)("express adapter on Express %s: shared scenarios", (_major, factory) => {
  let running: Running;
  beforeAll(async () => {
    running = await start(buildScenarioApp({}, factory).app);
  });
  afterAll(() => stop(running));

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await recording(running.send)(scenario));
  });
});

describe("express adapter: Express's own error paths end in the contract", () => {
  let running: Running;
  let send: Send;
  const fakeAuth = (_req: Request, _res: Response, next: NextFunction) =>
    next(Object.assign(new Error("Unauthorized"), { status: 401, statusCode: 401, expose: true }));

  beforeAll(async () => {
    const app = express();
    const api = apiErrorCodes(app, { logger: false });
    app.get("/next-error", (_req, _res, next) => next(new Error("db password=hunter2")));
    app.get("/guarded", fakeAuth, (_req, res) => res.json({ ok: true }));
    app.get("/sync-throw", () => {
      throw new Error("sync /srv/app.js:1");
    });
    app.get("/rejects", async () => {
      await Promise.resolve();
      throw new Error("async /srv/app.js:2");
    });
    app.get("/api-error", (_req, _res, next) => next(ApiError.authForbidden("admin")));
    app.get("/falls-through", (_req, _res, next) => next());
    app.get("/plain", (_req, res) => res.json({ plain: true }));
    // Error answers a handler writes itself, bypassing Express's error handling.
    app.get("/own-html", (_req, res) => {
      res.status(500).send("<html><pre>Error: db down\n    at /srv/app/db.js:12</pre></html>");
    });
    app.get("/own-json", (_req, res) => {
      res.status(404).json({ message: "order not found" });
    });
    app.get("/own-status", (_req, res) => {
      res.sendStatus(403);
    });
    app.get("/own-stream", (_req, res) => {
      res.statusCode = 502;
      res.write("upstream ");
      res.end("failed at /srv/proxy.js:3");
    });
    const v2 = express.Router();
    v2.get(
      "/things/:id",
      api.route({ schema: { params: { type: "object", properties: { id: { type: "integer" } } } } }),
      (req, res) => res.json(api.context(req).params),
    );
    app.use("/v2", v2);
    running = await start(app);
    send = recording(running.send);
    // Added after the server started answering: the table must still learn about it.
    await send(request("GET", "/plain"));
    app.get("/late", (_req, res) => res.json({ late: true }));
  });
  afterAll(() => stop(running));

  it("next(err) with a plain Error is 500 / 0 without the message", async () => {
    const answer = await send(request("GET", "/next-error"));
    expectError(answer, 500, 0);
    expect(answer.text).not.toContain("hunter2");
  });

  it("next(httpError 401) from another middleware is 401 / 6", async () => {
    const answer = await send(request("GET", "/guarded"));
    expectError(answer, 401, 6);
    expect(answer.headers["www-authenticate"]).toBe("Bearer");
  });

  it("an error answer a handler writes itself is judged like the error handler's: converted, nothing leaks", async () => {
    const html = await send(request("GET", "/own-html"));
    expectError(html, 500, 0);
    expect(html.text).not.toMatch(/db down|srv|html/);
    expect(html.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const json = expectError(await send(request("GET", "/own-json")), 404, 10);
    expect(json.body).toMatchObject({ error_message: "order not found" });
    expectError(await send(request("GET", "/own-status")), 403, 9);
    const streamed = await send(request("GET", "/own-stream"));
    expectError(streamed, 502, 11);
    expect(streamed.text).not.toContain("proxy.js");
  });

  it("a synchronous throw in a handler is 500 / 0", async () => {
    expectError(await send(request("GET", "/sync-throw")), 500, 0);
  });

  it("a rejected promise in a handler is 500 / 0", async () => {
    expectError(await send(request("GET", "/rejects")), 500, 0);
  });

  it("an ApiError passed to next() keeps its code", async () => {
    const parsed = expectError(await send(request("GET", "/api-error")), 403, 9);
    expect(parsed.body).toMatchObject({ details: { required: "admin" } });
  });

  it("a matched route whose handlers all call next() is 404 / 10", async () => {
    const parsed = expectError(await send(request("GET", "/falls-through?x=1")), 404, 10);
    expect(parsed.body).toMatchObject({ details: { method: "GET", path: "/falls-through" } });
  });

  it("routes without api.route() count for 405 and OPTIONS", async () => {
    const answer = await send(request("PATCH", "/plain"));
    expectError(answer, 405, 1);
    expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS");
    const options = await send(request("OPTIONS", "/plain"));
    expect(options.status).toBe(204);
    expect(options.headers.allow).toBe("GET, HEAD, OPTIONS");
  });

  it("a route added after the first request is known", async () => {
    const answer = await send(request("GET", "/late"));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toStrictEqual({ late: true });
  });

  it("routes of a mounted express.Router() are in the table and validated", async () => {
    const ok = await send(request("GET", "/v2/things/12"));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text)).toStrictEqual({ id: 12 });
    expectError(await send(request("GET", "/v2/things/abc")), 400, 5);
    expectError(await send(request("DELETE", "/v2/things/1")), 405, 1);
    expectError(await send(request("GET", "/v2/nothing")), 404, 10);
  });

  it("a success carries X-Request-Id too", async () => {
    const answer = await send(request("GET", "/plain", { headers: { "x-request-id": "abc-1" } }));
    expect(answer.status).toBe(200);
    expect(answer.headers["x-request-id"]).toBe("abc-1");
  });
});

describe("express adapter: express.json() placed before the routes", () => {
  let running: Running;
  let send: Send;
  const Body = {
    type: "object",
    required: ["name"],
    additionalProperties: false,
    properties: { name: { type: "string", minLength: 2 } },
  } as const;

  beforeAll(async () => {
    const app = express();
    const api = apiErrorCodes(app, { logger: false });
    app.use(express.json({ limit: "1kb" }));
    app.post("/echo", api.route({ schema: { body: Body } }), (req, res) =>
      res.status(201).json(api.context(req).body),
    );
    running = await start(app);
    send = recording(running.send);
  });
  afterAll(() => stop(running));

  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    send(request("POST", "/echo", { headers, body }));

  it("malformed JSON is 400 / 3, never HTML", async () => {
    const parsed = expectError(await post("{not json"), 400, 3);
    expect(parsed.body).toMatchObject({ details: { violations: [{ in: "body", rule: "parse" }] } });
  });

  it("a body over express.json()'s limit is 413 / 3", async () => {
    expectError(await post(JSON.stringify({ name: "x".repeat(2000) })), 413, 3);
  });

  it("the parsed value is still validated by the route's schema", async () => {
    const ok = await post(JSON.stringify({ name: "pear" }));
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.text)).toStrictEqual({ name: "pear" });
    expectError(await post(JSON.stringify({ name: "p" })), 400, 4);
    expectError(await post(JSON.stringify({ name: 5 })), 400, 5);
  });

  it("the parsed value is re-checked by the hardened parser (__proto__, depth, NUL)", async () => {
    expectError(await post('{"name":"pear","__proto__":{"admin":true}}'), 400, 3);
    expectError(await post(`{"name":${"[".repeat(100)}${"]".repeat(100)}}`), 400, 3);
    expectError(await post('{"name":"pe\\u0000ar"}'), 400, 4);
  });

  it("415 is still decided by the contract for bodies express.json() skipped", async () => {
    expectError(await post("name=pear", { "content-type": "text/plain" }), 415, 3);
  });
});

describe("express adapter: log entries", () => {
  const entries: { level: "info" | "error"; entry: Record<string, unknown>; message: string }[] = [];
  const logger: ErrorLogger = {
    info: (entry, message) =>
      entries.push({ level: "info", entry: entry as Record<string, unknown>, message }),
    error: (entry, message) =>
      entries.push({ level: "error", entry: entry as Record<string, unknown>, message }),
  };
  let running: Running;

  beforeAll(async () => {
    running = await start(buildScenarioApp({ logger }).app);
  });
  afterAll(() => stop(running));

  it("a 5xx is logged once at error level with request id, code, status and the cause's stack", async () => {
    entries.length = 0;
    const answer = await running.send(request("GET", "/boom", { headers: { "x-request-id": "log-5xx" } }));
    expect(answer.status).toBe(500);
    expect(entries).toHaveLength(1);
    const [first] = entries;
    expect(first?.level).toBe("error");
    expect(first?.entry).toMatchObject({
      request_id: "log-5xx",
      method: "GET",
      path: "/boom",
      code: 0,
      status: 500,
    });
    const cause = first?.entry.err as { message: string; stack?: string };
    expect(cause.message).toContain("hunter2");
    expect(cause.stack).toMatch(/\bat /);
  });

  it("a 4xx is logged once at info level without a stack", async () => {
    entries.length = 0;
    const answer = await running.send(
      request("GET", "/items?limit=abc", { headers: { "x-request-id": "log-4xx" } }),
    );
    expect(answer.status).toBe(400);
    expect(entries).toHaveLength(1);
    const [first] = entries;
    expect(first?.level).toBe("info");
    expect(first?.entry).toMatchObject({ request_id: "log-4xx", path: "/items", code: 5, status: 400 });
    expect(JSON.stringify(first?.entry)).not.toContain("stack");
  });

  it("the route table's own answers (404) are logged too", async () => {
    entries.length = 0;
    await running.send(request("GET", "/nope"));
    expect(entries.map((e) => [e.level, e.entry.code, e.entry.status])).toStrictEqual([["info", 10, 404]]);
  });
});

describe("express adapter: malformed HTTP on protectServer(app.listen())", () => {
  let running: Running;
  beforeAll(async () => {
    running = await start(buildScenarioApp().app);
  });
  afterAll(() => stop(running));

  it.each(MALFORMED)("$name -> $status / 3", async ({ data, status }) => {
    expectMalformedAnswer(await rawRequest(running.port, data), status);
  });
});

describe("express adapter: setup", () => {
  it("app.listen() alone answers malformed HTTP with the contract", async () => {
    const running = await start(buildScenarioApp().app, false);
    try {
      const answer = await rawRequest(running.port, "HELLO\r\n\r\n");
      expect(answer.status).toBe(400);
      expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    } finally {
      await stop(running);
    }
  });

  it("Express 5 path syntax the table cannot hold is left to Express's router", async () => {
    const app = express();
    apiErrorCodes(app, { logger: false });
    app.get("/files/*splat", (req, res) => res.json({ splat: req.params.splat }));
    app.get("/opt{/:x}", (req, res) => res.json({ x: req.params.x ?? null }));
    const running = await start(app);
    try {
      const send = recording(running.send);
      expect(JSON.parse((await send(request("GET", "/files/a/b"))).text)).toStrictEqual({
        splat: ["a", "b"],
      });
      expect(JSON.parse((await send(request("GET", "/opt"))).text)).toStrictEqual({ x: null });
      expect(JSON.parse((await send(request("GET", "/opt/7"))).text)).toStrictEqual({ x: "7" });
      expectError(await send(request("GET", "/nope")), 404, 10);
    } finally {
      await stop(running);
    }
  });

  it("paths served by middleware keep working: app.use(path, handler), mounted apps", async () => {
    const app = express();
    apiErrorCodes(app, { logger: false });
    app.use("/favicon.ico", (_req, res) => {
      res.type("image/x-icon").send(Buffer.from([0, 0, 1, 0]));
    });
    const sub = express();
    sub.get("/hello", (_req, res) => res.json({ hello: "sub" }));
    app.use("/sub", sub);
    app.get("/x", (_req, res) => res.json({ x: 1 }));
    const running = await start(app);
    try {
      const send = recording(running.send);
      const icon = await send(request("GET", "/favicon.ico"));
      expect(icon.status).toBe(200);
      expect(icon.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse((await send(request("GET", "/sub/hello"))).text)).toStrictEqual({ hello: "sub" });
      expectError(await send(request("GET", "/sub/nope")), 404, 10);
      expectError(await send(request("POST", "/x")), 405, 1);
    } finally {
      await stop(running);
    }
  });

  it("an app is adapted once", () => {
    const app = express();
    apiErrorCodes(app, { logger: false });
    expect(() => apiErrorCodes(app)).toThrow(/already adapted/);
  });

  it("an adapted app mounted in a plain one keeps the contract under its mount path", async () => {
    const parent = express();
    const child = express();
    apiErrorCodes(child, { logger: false });
    child.get("/x", (_req, res) => res.json({ x: 1 }));
    parent.use("/child", child);
    const running = await start(parent);
    try {
      const send = recording(running.send);
      expect((await send(request("GET", "/child/x"))).status).toBe(200);
      expectError(await send(request("GET", "/child/nope")), 404, 10);
      expectError(await send(request("POST", "/child/x")), 405, 1);
    } finally {
      await stop(running);
    }
  });
});

describe("express adapter: the quickstart example", () => {
  let running: Running;
  let send: Send;
  beforeAll(async () => {
    running = await start(buildExample().app);
    send = recording(running.send);
  });
  afterAll(() => stop(running));

  it("answers a success, 404, 405 and a validation error", async () => {
    const created = await send(
      request("POST", "/orders", {
        headers: { "content-type": "application/json", authorization: "Bearer demo-token" },
        body: JSON.stringify({ item: "pear", quantity: 2 }),
      }),
    );
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text)).toMatchObject({ item: "pear", quantity: 2, owner: "u-demo" });
    const found = await send(request("GET", `/orders/${(JSON.parse(created.text) as { id: number }).id}`));
    expect(found.status).toBe(200);
    expectError(await send(request("GET", "/orders/999")), 404, 10);
    expectError(await send(request("GET", "/nowhere")), 404, 10);
    expectError(await send(request("PATCH", "/orders")), 405, 1);
    expectError(
      await send(
        request("POST", "/orders", {
          headers: { "content-type": "application/json", authorization: "Bearer demo-token" },
          body: JSON.stringify({ item: "pear", quantity: 0 }),
        }),
      ),
      400,
      4,
    );
  });
});

describe("express adapter: never HTML", () => {
  it("no answer in this file was text/html", () => {
    expect(seen.length).toBeGreaterThan(100);
    for (const answer of seen) expect(answer.headers["content-type"] ?? "").not.toMatch(/html/);
  });
});

describe("express adapter: middleware registered before apiErrorCodes(app) runs before the route decisions", () => {
  const origin = { origin: "http://app.example" };
  registerCode({ code: 100, name: "RATE_LIMITED", status: 429, message: "Too many requests" });

  it.each([
    ["express 5", express],
    ["express 4", express4],
  ] as const)(
    "%s: 405, 501-free refusals and bad bodies carry cors()'s headers and count for the rate limiter",
    async (_name, factory) => {
      const app = factory();
      app.use(cors({ origin: "http://app.example" }));
      app.use(rateLimit({ windowMs: 60_000, limit: 4, standardHeaders: "draft-7", legacyHeaders: false }));
      apiErrorCodes(app, { logger: false });
      app.get("/items", (_req, res) => res.json([]));
      app.post("/items", express.json(), (req, res) => res.status(201).json(req.body));
      const running = await start(app);
      try {
        const wrongMethod = await running.send(request("DELETE", "/items", { headers: origin }));
        expectError(wrongMethod, 405, 1);
        expect(wrongMethod.headers.allow).toBe("GET, HEAD, OPTIONS, POST");
        expect(wrongMethod.headers["access-control-allow-origin"]).toBe("http://app.example");
        expect(wrongMethod.headers.ratelimit).toMatch(/remaining=3/);
        const badBody = await running.send(
          request("POST", "/items", {
            headers: { ...origin, "content-type": "application/json" },
            body: '{"name": "a", "name": "b"}',
          }),
        );
        expectError(badBody, 400, 3);
        expect(badBody.headers["access-control-allow-origin"]).toBe("http://app.example");
        const unknown = await running.send(request("GET", "/nope", { headers: origin }));
        expectError(unknown, 404, 10);
        expect(unknown.headers["access-control-allow-origin"]).toBe("http://app.example");
        // The fourth request of the window is the last the limiter lets through.
        expect((await running.send(request("GET", "/items", { headers: origin }))).status).toBe(200);
        const limited = await running.send(request("DELETE", "/items", { headers: origin }));
        expect(limited.status).toBe(429);
        expect(limited.headers["access-control-allow-origin"]).toBe("http://app.example");
        expect(limited.headers["x-request-id"]).toBeTruthy();
      } finally {
        await stop(running);
      }
    },
  );

  it("express.json() registered before keeps its limit and verify; what it parsed is still checked", async () => {
    const app = express();
    app.use(
      express.json({
        limit: 64,
        verify: (req, _res, buf) => Object.assign(req, { raw: buf.toString("utf8") }),
      }),
    );
    apiErrorCodes(app, { logger: false });
    app.post("/hooks", (req, res) =>
      res.json({ raw: (req as Request & { raw?: string }).raw, body: req.body }),
    );
    const running = await start(app);
    const post = (body: string) =>
      running.send(request("POST", "/hooks", { headers: { "content-type": "application/json" }, body }));
    try {
      const signed = await post('{"event":"paid"}');
      expect([signed.status, JSON.parse(signed.text)]).toStrictEqual([
        200,
        { raw: '{"event":"paid"}', body: { event: "paid" } },
      ]);
      expectError(await post(JSON.stringify({ event: "x".repeat(80) })), 413, 3);
      const prototype = await post('{"__proto__":{"admin":true}}');
      expectError(prototype, 400, 3);
      expect(prototype.text).toContain("forbidden_key");
    } finally {
      await stop(running);
    }
  });
});

describe("express adapter: CORS preflights reach the app's CORS middleware", () => {
  const preflight = { origin: "http://app.example", "access-control-request-method": "POST" };

  it("a CORS middleware answers the preflight with its own headers", async () => {
    const app = express();
    apiErrorCodes(app, { logger: false });
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== "OPTIONS" || req.headers["access-control-request-method"] === undefined)
        return next();
      res
        .set({ "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, POST" })
        .status(204)
        .end();
    });
    app.get("/items", (_req, res) => res.json([]));
    app.post("/items", (_req, res) => res.status(201).json({}));
    const running = await start(app);
    try {
      const answer = await running.send(request("OPTIONS", "/items", { headers: preflight }));
      expect(answer.status).toBe(204);
      expect(answer.headers["access-control-allow-origin"]).toBe("*");
      expect(answer.headers["access-control-allow-methods"]).toBe("GET, POST");
      const plain = await running.send(request("OPTIONS", "/items"));
      expect([plain.status, plain.headers.allow, plain.headers["access-control-allow-origin"]]).toStrictEqual(
        [204, "GET, HEAD, OPTIONS, POST", undefined],
      );
    } finally {
      await stop(running);
    }
  });

  // Known limit: a preflight is handed to the app, so without a CORS middleware Express's router
  // answers it itself (200, its own Allow, text body). Browsers fail such a preflight either way.
  it("without a CORS middleware a preflight is Express's own OPTIONS answer; unknown paths stay 404", async () => {
    const app = express();
    apiErrorCodes(app, { logger: false });
    app.use((_req: Request, _res: Response, next: NextFunction) => next());
    const router = express.Router();
    router.get("/items", (_req, res) => res.json([]));
    app.use(router);
    const running = await start(app);
    try {
      const answer = await running.send(request("OPTIONS", "/nope", { headers: preflight }));
      expect(answer.status).toBe(404);
      const known = await running.send(request("OPTIONS", "/items", { headers: preflight }));
      expect([known.status, known.headers.allow, known.text]).toStrictEqual([200, "GET, HEAD", "GET, HEAD"]);
    } finally {
      await stop(running);
    }
  });
});
