/** The worked example of docs/adapter.md (examples/adapter.ts) keeps the contract, over a real socket. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { miniApi } from "../../examples/adapter.js";
import { overHttp, type Send } from "./harness.js";

let server: Server;
let send: Send;

beforeAll(async () => {
  const api = miniApi({ logger: false });
  const IdParams = { type: "object", properties: { id: { type: "integer", minimum: 1 } } } as const;
  api.on("GET", "/items/:id", { schema: { params: IdParams } }, ({ params }) => ({ id: params.id }));
  server = api.server();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  send = overHttp((server.address() as AddressInfo).port);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("the minimal adapter example", () => {
  it("serves a valid request with its converted parameters", async () => {
    const answer = await send({ name: "ok", method: "GET", path: "/items/7", expect: { status: 200 } });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toStrictEqual({ id: 7 });
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ["GET", "/items/abc", 400, 5],
    ["GET", "/items/0", 400, 4],
    ["POST", "/items/7", 405, 1],
    ["GET", "/nope", 404, 10],
  ] as const)("%s %s -> %i / %i", async (method, path, status, code) => {
    const answer = await send({ name: path, method, path, expect: { status } });
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(answer.text).error_code).toBe(code);
  });
});
