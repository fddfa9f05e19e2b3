/**
 * The Koa adapter (Koa 3 and Koa 2, with @koa/router): the shared scenario table gives the same
 * answers as on every other adapter, and what Koa itself throws (`ctx.throw`) keeps the contract.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import Koa from "koa";
import Koa2 from "koa-2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorCodes } from "../../src/adapters/koa/index.js";
import { koaSpecApp } from "./builders.js";
import { check, overHttp, type Send } from "./harness.js";
import { scenarios } from "./scenarios.js";

describe.each([
  ["koa 3", Koa],
  ["koa 2", Koa2 as unknown as typeof Koa],
])("%s", (_name, KoaApp) => {
  let server: Server;
  let send: Send;

  beforeAll(async () => {
    const { app, router } = koaSpecApp({}, KoaApp);
    router.get("/shipped", (ctx) => ctx.throw(409, "Order already shipped"));
    app.use(router.routes());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    send = overHttp((server.address() as AddressInfo).port);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_scenario, scenario) => {
    check(scenario, await send(scenario));
  });

  it("ctx.throw keeps its status and public message in the contract's body", async () => {
    const scenario = { name: "shipped", method: "GET", path: "/shipped", expect: { status: 409 } };
    const answer = await send(scenario);
    check(scenario, answer);
    expect(JSON.parse(answer.text)).toStrictEqual({
      error_code: 4,
      error_message: "Order already shipped",
      details: { violations: [] },
    });
  });
});

describe("koa: the trace id of a traceparent in the error log", () => {
  it("logs trace_id next to request_id", async () => {
    const entries: Record<string, unknown>[] = [];
    const logger = { info: (entry: object) => entries.push({ ...entry }), error: () => {} };
    const { app, router } = koaSpecApp({ logger });
    app.use(router.routes());
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const trace = "4bf92f3577b34da6a3ce929d0e0e4736";
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/nowhere`, {
        headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` },
      });
      expect(response.status).toBe(404);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ trace_id: trace, code: 10, path: "/nowhere" });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("koa: @koa/bodyparser registered before an api.route() route", () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = new Koa();
    const api = apiErrorCodes(app, {
      logger: false,
      auth: { lookup: (token) => (token === "good" ? { id: "u-1" } : undefined) },
    });
    // The app's own parser runs first and consumes the stream; the route's check still reads the
    // bytes the client sent.
    app.use(bodyParser());
    const router = new Router();
    const body = {
      type: "object",
      required: ["item"],
      properties: { item: { type: "string" } },
      additionalProperties: false,
    } as const;
    const contract = { auth: true, schema: { body } } as const;
    router.post("/orders", api.route(contract), (ctx) => {
      const { body: order, principal } = api.context<typeof contract>(ctx);
      ctx.status = 201;
      ctx.body = { item: order.item, by: principal.id };
    });
    app.use(router.routes());
    server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = (body: string, token = "good") =>
    fetch(`${url}/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body,
      signal: AbortSignal.timeout(5000),
    });
  const error = async (response: Response, status: number, code: number) => {
    expect(response.status).toBe(status);
    const parsed = (await response.json()) as { error_code: number; details: unknown };
    expect(parsed.error_code).toBe(code);
    return parsed;
  };

  it("a valid body reaches the handler", async () => {
    const response = await post('{"item":"tea"}');
    expect(response.status).toBe(201);
    expect(await response.json()).toStrictEqual({ item: "tea", by: "u-1" });
  });

  it.each([
    ['{"item":"a","item":"b"}', 3, "/item", "duplicate"],
    ['{"item":"a","n":1e400}', 4, "/n", "number_range"],
  ])("the hardened parse still refuses %s", async (body, code, pointer, rule) => {
    const parsed = await error(await post(body), 400, code);
    expect(parsed.details).toMatchObject({ violations: [{ in: "body", pointer, rule }] });
  });

  it("the token is checked before the body: 401 / 7 for a bad token and a bad body", async () => {
    await error(await post('{"item":"a","item":"b"}', "bad"), 401, 7);
  });
});
