/**
 * An adapter built outside the package, for a framework it does not ship (outside/tiny.ts), with
 * nothing but the public `api-error-codes/adapter` subpath (outside/adapter.ts): the shared
 * scenario table gives the same answers as on the shipped adapters.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { lookup, openapi, routes } from "./app.js";
import { check, overHttp, type Send } from "./harness.js";
import { tinyContract } from "./outside/adapter.js";
import { TinyApp } from "./outside/tiny.js";
import { scenarios } from "./scenarios.js";

let server: Server;
let send: Send;

beforeAll(async () => {
  const app = new TinyApp();
  const api = tinyContract(app, { auth: { lookup }, openapi, logger: false });
  for (const route of routes) {
    app.on(route.method, route.path, api.route(route.contract), async (ctx) => {
      const answer = await route.handler(api.passed(ctx));
      ctx.res.writeHead(answer.status, {
        ...answer.headers,
        "content-type": "application/json; charset=utf-8",
      });
      ctx.res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
    });
  }
  server = await app.listen();
  send = overHttp((server.address() as AddressInfo).port);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("an adapter built outside the package on api-error-codes/adapter: shared scenarios", () => {
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });
});
