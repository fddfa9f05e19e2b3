/** The example of docs/validation-standard-schema.md (examples/standard-schema.ts), over a real socket. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApi, orderIdParameters } from "../examples/standard-schema.js";

let server: Server;
let base: string;

beforeAll(async () => {
  server = await buildApi().listen(0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("the Standard Schema example", () => {
  it("a valid order is created with the trimmed item, and read back by its parsed id", async () => {
    const created = await post("/orders", { item: "  tea  ", quantity: 2 });
    expect(created.status).toBe(201);
    expect(await created.json()).toStrictEqual({ id: 1, item: "tea", quantity: 2 });
    const read = await fetch(`${base}/orders/1`);
    expect(await read.json()).toStrictEqual({ id: 1, item: "tea", quantity: 2 });
  });

  it.each([
    ["a missing member", { item: "tea" }, 3, "Invalid request: body /quantity: is required"],
    [
      "a string for a number",
      { item: "tea", quantity: "hunter2-pin" },
      5,
      "Invalid request: body /quantity: must be number",
    ],
    ["a fraction", { item: "tea", quantity: 1.5 }, 5, "Invalid request: body /quantity: must be integer"],
    ["too many", { item: "tea", quantity: 5000 }, 4, "Invalid request: body /quantity: must be <= 1000"],
    [
      "an extra member",
      { item: "tea", quantity: 1, price: 0 },
      3,
      "Invalid request: body /price: is not an allowed property",
    ],
  ])("%s", async (_name, body, code, message) => {
    const res = await post("/orders", body);
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toMatchObject({ error_code: code, error_message: message });
  });

  it("a path id is parsed by arktype: 0 is 4, text is 4 (the schema asks for an integer string)", async () => {
    const zero = await fetch(`${base}/orders/0`);
    expect(await zero.json()).toStrictEqual({
      error_code: 4,
      error_message: "Invalid request: path /id: must be >= 1",
      details: {
        violations: [{ in: "path", pointer: "/id", rule: "minimum", message: "must be >= 1", expected: 1 }],
      },
    });
    const text = await fetch(`${base}/orders/abc`);
    expect(await text.json()).toMatchObject({
      error_code: 4,
      details: { violations: [{ in: "path", pointer: "/id", rule: "pattern" }] },
    });
  });

  it("the async coupon check: accepted, or 4 with the schema's message", async () => {
    expect(await (await post("/coupons", { code: "SPRING" })).json()).toStrictEqual({ accepted: "SPRING" });
    expect(await (await post("/coupons", { code: "WELCOME" })).json()).toStrictEqual({
      error_code: 4,
      error_message: "Invalid request: body: this coupon was used already",
      details: {
        violations: [{ in: "body", pointer: "", rule: "custom", message: "this coupon was used already" }],
      },
    });
  });

  it("the path parameters' JSON Schema for the OpenAPI document", () => {
    expect(orderIdParameters).toMatchObject({
      type: "object",
      properties: { id: { type: "string" } },
      required: ["id"],
    });
  });
});

describe("the @hono/standard-validator example", () => {
  it("a failure is the contract's answer, a success reaches the handler", async () => {
    const { app } = await import("../examples/standard-schema-hono.js");
    const request = (body: unknown) =>
      app.request("/orders", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const bad = await request({ item: "tea", quantity: "hunter2" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await bad.json()).toStrictEqual({
      error_code: 5,
      error_message: "Invalid request: body /quantity: must be number",
      details: {
        violations: [
          { in: "body", pointer: "/quantity", rule: "type", message: "must be number", expected: "number" },
        ],
      },
    });
    const good = await request({ item: "tea", quantity: 2 });
    expect(good.status).toBe(201);
    expect(await good.json()).toStrictEqual({ item: "tea", quantity: 2 });
  });
});
