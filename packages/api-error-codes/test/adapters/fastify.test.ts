import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../examples/fastify.js";
import { apiErrorCodes, serverOptions } from "../../src/adapters/fastify/index.js";
import { ApiError, parseQuery } from "../../src/index.js";
import { compileRouteSchemas } from "../../src/validation/schema.js";
import { lookup } from "./app.js";
import { buildFastify, type Target } from "./builders.js";
import { buildSpecApp, expectError, json, member, thrownBody, viaInject } from "./fastify-support.js";
import { check, overHttp, type Send } from "./harness.js";
import { expectMalformedAnswer, MALFORMED, rawRequest } from "./raw-socket.js";
import { scenarios } from "./scenarios.js";

describe("fastify adapter: shared scenarios", () => {
  let target: Target;
  beforeAll(async () => {
    target = await buildFastify();
  });
  afterAll(() => target.close());

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await target.send(scenario));
  });
});

describe("fastify adapter: Fastify's own mechanisms", () => {
  let app: FastifyInstance;
  let send: Send;
  beforeAll(async () => {
    app = Fastify(serverOptions);
    // Registered before the contract: its hook runs before ours, so the error handler sets the id.
    app.register(
      Object.assign(
        async (instance: FastifyInstance) => {
          instance.addHook("onRequest", async (request) => {
            if (request.url === "/early") throw new Error("hook of an earlier plugin exploded");
          });
        },
        { [Symbol.for("skip-override")]: true },
      ),
    );
    await app.register(apiErrorCodes, { auth: { lookup }, logger: false });
    // An auth plugin of its own, http-errors style: `{ statusCode: 401 }`.
    await app.register(async (scope) => {
      scope.addHook("onRequest", async (request) => {
        if (request.headers["x-api-key"] !== "secret") {
          throw Object.assign(new Error("Missing or wrong API key"), { statusCode: 401 });
        }
      });
      scope.addHook("onRequest", async (request) => {
        if (request.url.startsWith("/plugin/crash"))
          throw new TypeError("cannot read properties of undefined");
      });
      scope.get("/plugin/data", async () => ({ ok: true }));
      scope.get("/plugin/crash", async () => ({ ok: true }));
      scope.patch("/plugin/data", async () => ({ ok: true }));
    });
    app.get("/early", async () => ({ ok: true }));
    app.get("/send-error", (_request, reply) => {
      reply.send(new Error("sent, not thrown: secret=42"));
    });
    app.get("/send-api-error", (_request, reply) => {
      reply.send(ApiError.notExist({ resource: "thing", id: "9" }));
    });
    app.get("/files/*", async (request) => ({ file: (request.params as { "*": string })["*"] }));
    app.get(
      "/search",
      { schema: { querystring: { type: "object", properties: { n: { type: "integer" } } } } },
      (request) => request.query,
    );
    app.addSchema({ $id: "Name", type: "string", minLength: 2 });
    app.post(
      "/things/:id",
      {
        schema: {
          params: { type: "object", properties: { id: { type: "integer" } } },
          querystring: { type: "object", properties: { mode: { type: "string", enum: ["a", "b"] } } },
          body: {
            type: "object",
            required: ["name"],
            properties: { name: { $ref: "Name#" } },
          },
        },
      },
      async (request) => ({ params: request.params, query: request.query, body: request.body }),
    );
    app.post(
      "/attached",
      { attachValidation: true, schema: { body: { type: "object" } } },
      async (request) => ({ failed: request.validationError !== undefined, body: request.body ?? "absent" }),
    );
    app.get("/plain", async (request) => ({ body: request.body ?? "none" }));
    await app.register(
      async (child) => {
        child.get("/child", async () => ({ child: true }));
      },
      { prefix: "/v1" },
    );
    send = viaInject(app);
  });
  afterAll(() => app.close());

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    send({
      name: path,
      method,
      path,
      headers,
      ...(body === undefined ? {} : { body }),
      expect: { status: 0 },
    });
  const get = (path: string, headers: Record<string, string> = {}) => call("GET", path, headers);

  it("an error thrown from an earlier plugin's onRequest hook is 500 / 0 with the request id", async () => {
    const answer = await get("/early", { "x-request-id": "early-1" });
    expect(expectError(answer, 500, 0).error_message).toBe("Unknown server side error occurred");
    expect(answer.headers["x-request-id"]).toBe("early-1");
  });

  it("an http-errors style { statusCode: 401 } from another plugin is 401 / 6 with WWW-Authenticate", async () => {
    const answer = await get("/plugin/data");
    expect(expectError(answer, 401, 6)).toStrictEqual({
      error_code: 6,
      error_message: "Missing or wrong API key",
      details: null,
    });
    expect(answer.headers["www-authenticate"]).toBe("Bearer");
    expect((await get("/plugin/data", { "x-api-key": "secret" })).status).toBe(200);
  });

  it("a TypeError from another plugin's hook is 500 / 0, its message never sent", async () => {
    const answer = await get("/plugin/crash", { "x-api-key": "secret" });
    expect(expectError(answer, 500, 0).error_message).toBe("Unknown server side error occurred");
  });

  it("reply.send(new Error()) is 500 / 0; reply.send(ApiError) keeps its code", async () => {
    const answer = await get("/send-error");
    expectError(answer, 500, 0);
    expect(answer.text).not.toContain("secret");
    expect(expectError(await get("/send-api-error"), 404, 10).details).toStrictEqual({
      resource: "thing",
      id: "9",
    });
  });

  it("routes of encapsulated plugins are in the route table: 405 + Allow", async () => {
    const answer = await call("DELETE", "/v1/child");
    expect(expectError(answer, 405, 1).details).toStrictEqual({
      method: "DELETE",
      allowed: ["GET", "HEAD", "OPTIONS"],
    });
    expect(answer.headers.allow).toBe("GET, HEAD, OPTIONS");
    expect(expectError(await call("PUT", "/plugin/data"), 405, 1).details).toStrictEqual({
      method: "PUT",
      allowed: ["GET", "HEAD", "OPTIONS", "PATCH"],
    });
  });

  it("a wildcard route, outside the table, still works", async () => {
    const answer = await get("/files/a/b.txt");
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toStrictEqual({ file: "a/b.txt" });
  });

  it("Fastify's coercion does not happen: only exact renderings of the declared type convert", async () => {
    expect(expectError(await get("/search?n=05"), 400, 5).details).toStrictEqual({
      violations: [
        { in: "query", pointer: "/n", rule: "type", message: "must be integer", expected: "integer" },
      ],
    });
    expect(expectError(await get("/search?n=true"), 400, 5)).toBeDefined();
    expect(JSON.parse((await get("/search?n=-3")).text)).toStrictEqual({ n: -3 });
  });

  it("reads the query as the core does: bad percent-encoding is 3, as in every adapter", async () => {
    const path = "/search?n=%E0%A4%A";
    const reference = thrownBody(() => parseQuery(path));
    const answer = await get(path);
    expectError(answer, 400, 3);
    expect(JSON.parse(answer.text)).toStrictEqual(reference);
  });

  it("lists the violations of every part, in the core's order, as the reference adapter does", async () => {
    const request = { params: { id: "abc" }, query: { mode: "c" }, body: { name: "x" } };
    const reference = thrownBody(() =>
      compileRouteSchemas({
        params: { type: "object", properties: { id: { type: "integer" } } },
        query: { type: "object", properties: { mode: { type: "string", enum: ["a", "b"] } } },
        body: {
          type: "object",
          required: ["name"],
          properties: { name: { type: "string", minLength: 2 } },
        },
      })(request),
    );
    const answer = await call("POST", "/things/abc?mode=c", json, JSON.stringify(request.body));
    expectError(answer, 400, 5);
    expect(JSON.parse(answer.text)).toStrictEqual(reference);
    const missing = await call("POST", "/things/abc");
    expect(expectError(missing, 400, 3).details).toStrictEqual({
      violations: [
        { in: "path", pointer: "/id", rule: "type", message: "must be integer", expected: "integer" },
        { in: "body", pointer: "", rule: "required", message: "Request body is required" },
      ],
    });
  });

  it("schemas shared with app.addSchema resolve; valid parts are converted", async () => {
    const answer = await call("POST", "/things/5?mode=a", json, '{"name":"ok"}');
    expect(JSON.parse(answer.text)).toStrictEqual({
      params: { id: 5 },
      query: { mode: "a" },
      body: { name: "ok" },
    });
  });

  it("attachValidation hands the failure to the handler, with an absent body still absent", async () => {
    const answer = await call("POST", "/attached");
    expect(JSON.parse(answer.text)).toStrictEqual({ failed: true, body: "absent" });
  });

  it("a GET body is held to the contract although Fastify never reads one", async () => {
    const bad = await call("GET", "/plain", json, "{nope");
    expect(expectError(bad, 400, 3)).toBeDefined();
    const text = await call("GET", "/plain", { "content-type": "text/plain" }, "hi");
    expectError(text, 415, 3);
    expect(JSON.parse((await get("/plain")).text)).toStrictEqual({ body: "none" });
  });

  it("a path parameter over Fastify's maxParamLength is 400 / 4, not Fastify's 414", async () => {
    const path = `/things/${"9".repeat(150)}`;
    const answer = await call("POST", path, json, "{}");
    expect(expectError(answer, 400, 4).details).toStrictEqual({
      violations: [
        {
          in: "path",
          pointer: "",
          rule: "maxLength",
          message: "Path parameters are limited to 100 characters",
          expected: 100,
        },
      ],
    });
  });
});

describe("fastify adapter: registration", () => {
  it("with Fastify's logger off, 5xx entries still reach stderr (4xx do not)", async () => {
    const app = Fastify({ ...serverOptions, logger: false });
    await app.register(apiErrorCodes);
    app.get("/boom", async () => {
      throw new Error("boom");
    });
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      expect((await app.inject({ url: "/boom" })).statusCode).toBe(500);
      expect((await app.inject({ url: "/nope" })).statusCode).toBe(404);
    } finally {
      process.stderr.write = write;
    }
    const entries = lines.map((line) => JSON.parse(line) as { level: number; code: number; status: number });
    expect(entries).toMatchObject([{ level: 50, code: 0, status: 500 }]);
  });

  it("a Fastify made without serverOptions is reported once, at the first request", async () => {
    const messages: string[] = [];
    const logger = { info: () => {}, error: (_entry: object, message: string) => messages.push(message) };
    for (const options of [{}, serverOptions]) {
      messages.length = 0;
      const app = Fastify(options);
      await app.register(apiErrorCodes, { logger });
      app.get("/x", async () => ({ x: 1 }));
      await app.inject({ url: "/x" });
      await app.inject({ url: "/x" });
      expect(messages.filter((m) => m.includes("serverOptions"))).toHaveLength(
        options === serverOptions ? 0 : 1,
      );
    }
  });

  it("refuses to start when routes were declared before the plugin (their auth would be skipped)", async () => {
    const app = Fastify();
    app.register(apiErrorCodes, { auth: { lookup }, logger: false }); // not awaited
    app.get("/me", { config: { auth: true } }, async () => ({ secret: true }));
    await expect(app.ready()).rejects.toThrow(/before any route is declared/);
  });
});

describe("fastify adapter: coercion", () => {
  it('{"name":123} for a string is 5, never coerced to "123"', async () => {
    const app = await buildSpecApp();
    const answer = await viaInject(app)({
      name: "",
      method: "POST",
      path: "/items",
      headers: { ...json, ...member },
      body: '{"name":123,"quantity":2}',
      expect: { status: 0 },
    });
    expect(expectError(answer, 400, 5).details).toStrictEqual({
      violations: [
        { in: "body", pointer: "/name", rule: "type", message: "must be string", expected: "string" },
      ],
    });
    await app.close();
  });
});

describe("fastify adapter: logging through pino", () => {
  it("one entry per error, through request.log: 5xx at error level with the cause's stack", async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        for (const line of chunk.toString("utf8").split("\n")) if (line !== "") lines.push(JSON.parse(line));
        callback();
      },
    });
    const app = await buildSpecApp({ logger: { level: "info", stream } }, {});
    const boom = await app.inject({ method: "GET", url: "/boom", headers: { "x-request-id": "log-500" } });
    expect(boom.statusCode).toBe(500);
    const missing = await app.inject({ method: "GET", url: "/nope", headers: { "x-request-id": "log-404" } });
    expect(missing.statusCode).toBe(404);
    await app.close();

    const entries = lines.filter((line) => "request_id" in line);
    expect(entries.map((e) => e.request_id)).toStrictEqual(["log-500", "log-404"]);
    const [error, info] = entries as [Record<string, unknown>, Record<string, unknown>];
    expect(error).toMatchObject({
      level: 50,
      request_id: "log-500",
      code: 0,
      status: 500,
      method: "GET",
      path: "/boom",
    });
    // With `serverOptions.genReqId`, pino's own `reqId` is the contract's id too.
    expect(error.reqId).toBe("log-500");
    const err = error.err as { type: string; message: string; stack: string };
    // The core's fields survive pino's err serializer (which would say "Object").
    expect(err.type).toBe("Error");
    expect(err.message).toContain("password=hunter2");
    expect(err.stack).toMatch(/handlers\.js|app\.ts/);
    expect(info).toMatchObject({ level: 30, request_id: "log-404", code: 10, status: 404 });
    expect(info.err).toBeUndefined();
    // Fastify itself logs nothing more at error level: the contract's entry is the only one.
    expect(lines.filter((line) => (line.level as number) >= 50)).toHaveLength(1);
  });
});

describe("fastify adapter: frameworkErrors", () => {
  it("uses the plugin's contract and logger for the router's own errors", async () => {
    const entries: object[] = [];
    const logger = {
      info: (entry: object) => entries.push(entry),
      error: (entry: object) => entries.push(entry),
    };
    const app = await buildSpecApp({}, { logger });
    const answer = await viaInject(app)({
      name: "",
      method: "GET",
      path: "/nope/%zz",
      expect: { status: 0 },
    });
    expectError(answer, 400, 3);
    expect(entries).toMatchObject([{ request_id: answer.headers["x-request-id"], code: 3, status: 400 }]);
    await app.close();
  });
});

describe("fastify adapter: malformed HTTP over a real socket", () => {
  let app: FastifyInstance;
  let port: number;
  beforeAll(async () => {
    app = await buildSpecApp();
    await app.listen({ port: 0, host: "127.0.0.1" });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(() => app.close());

  it.each(MALFORMED)("$name -> $status / 3", async ({ data, status }) => {
    expectMalformedAnswer(await rawRequest(port, data), status);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("over the socket too: %s", async (_name, scenario) => {
    check(scenario, await overHttp(port)(scenario));
  });

  it("a well-formed request on the same server is answered normally", async () => {
    const answer = await rawRequest(port, "GET /items/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(answer.status).toBe(200);
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("fastify adapter: the quickstart example", () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp();
  });
  afterAll(() => app.close());

  it("answers a success, a 404, a 405 and a validation error", async () => {
    const created = await app.inject({
      method: "POST",
      url: "/orders",
      headers: { authorization: "Bearer demo-token" },
      payload: { item: "tea", quantity: 2 },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers.location).toBe("/orders/1");
    const found = await app.inject({ method: "GET", url: "/orders/1" });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toStrictEqual({ id: 1, item: "tea", quantity: 2, owner: "u-demo" });

    const absent = await app.inject({ method: "GET", url: "/orders/2" });
    expect(absent.statusCode).toBe(404);
    expect(absent.json()).toStrictEqual({
      error_code: 10,
      error_message: "Resource not found",
      details: { resource: "order", id: "2" },
    });
    expect((await app.inject({ method: "GET", url: "/nope" })).json().error_code).toBe(10);

    const patch = await app.inject({ method: "PATCH", url: "/orders" });
    expect(patch.statusCode).toBe(405);
    expect(patch.headers.allow).toBe("OPTIONS, POST");

    const invalid = await app.inject({ method: "GET", url: "/orders/abc" });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json()).toMatchObject({
      error_code: 5,
      details: { violations: [{ in: "path", pointer: "/id", rule: "type" }] },
    });
    expect(invalid.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);

    const anonymous = await app.inject({
      method: "POST",
      url: "/orders",
      payload: "{bad",
      headers: { "content-type": "application/json" },
    });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error_code).toBe(6);
  });
});
