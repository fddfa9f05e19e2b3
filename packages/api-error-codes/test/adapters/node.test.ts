import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, it } from "vitest";
import { createApi, reply } from "../../src/adapters/node.js";
import { lookup, openapi, routes } from "./app.js";
import { check, overHttp, type Send } from "./harness.js";
import { scenarios } from "./scenarios.js";

const api = createApi({ auth: { lookup }, openapi, logger: false });
for (const route of routes) {
  api.route(route.method, route.path, route.contract, async (context) => {
    const answer = await route.handler(context);
    return reply(answer.status, answer.body as never, answer.headers);
  });
}
const server = api.createServer();
let send: Send;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  send = overHttp((server.address() as AddressInfo).port);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("node adapter: shared scenarios", () => {
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });
});
