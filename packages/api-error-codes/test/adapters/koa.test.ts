/**
 * The Koa adapter (Koa 3 and Koa 2, with @koa/router): the shared scenario table gives the same
 * answers as on every other adapter, and what Koa itself throws (`ctx.throw`) keeps the contract.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import Koa2 from "koa-2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
