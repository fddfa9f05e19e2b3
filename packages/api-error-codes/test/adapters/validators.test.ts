/**
 * The ready hooks for the validators a Hono app already has, with the real libraries: failures of
 * `@hono/zod-validator` and `@hono/zod-openapi` routes answer 3 / 5 / 4 with `in`, RFC 6901 pointers
 * and every issue, like a route declared with `api.route()`.
 */

import { sValidator } from "@hono/standard-validator";
import { createRoute, OpenAPIHono, z as zo } from "@hono/zod-openapi";
import { zValidator } from "@hono/zod-validator";
import { type } from "arktype";
import { Hono } from "hono";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiErrorCodes, standardHook, zodHook } from "../../src/adapters/hono/index.js";

const json = { "content-type": "application/json" };

async function answer(res: Response) {
  return { status: res.status, id: res.headers.get("x-request-id"), body: (await res.json()) as unknown };
}

describe("@hono/zod-validator with zodHook(api)", () => {
  const app = new Hono();
  const api = apiErrorCodes(app, { logger: false });
  const Order = z.object({
    item: z.string().max(10),
    quantity: z.number().int().min(1),
    lines: z.array(z.object({ sku: z.string() })).optional(),
  });
  app.post("/orders", zValidator("json", Order, zodHook(api)), (c) => c.json(c.req.valid("json"), 201));
  app.get(
    "/orders/:id",
    zValidator("param", z.object({ id: z.coerce.number().int() }), zodHook(api)),
    zValidator("query", z.object({ expand: z.enum(["lines"]).optional() }), zodHook(api)),
    zValidator("header", z.object({ "x-tenant": z.string().regex(/^\d+$/) }), zodHook(api)),
    (c) => c.json({ id: c.req.valid("param").id }),
  );

  it("a body: every issue with its pointer; the missing member decides 3 and names the message", async () => {
    const body = JSON.stringify({ item: "x".repeat(11), lines: [{ sku: 5 }] });
    const got = await answer(await app.request("/orders", { method: "POST", headers: json, body }));
    expect(got.status).toBe(400);
    expect(got.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.body).toStrictEqual({
      error_code: 3,
      error_message: "Invalid request: body /quantity: is required (and 2 more)",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/item",
            rule: "maxLength",
            message: "Too big: expected string to have <=10 characters",
            expected: 10,
          },
          { in: "body", pointer: "/quantity", rule: "required", message: "is required" },
          {
            in: "body",
            pointer: "/lines/0/sku",
            rule: "type",
            message: "Invalid input: expected string, received number",
            expected: "string",
          },
        ],
      },
    });
  });

  it("a path parameter of the wrong type is 5 in path, a query value 4 in query, a header 3 in header", async () => {
    const headers = { "x-tenant": "7" };
    const param = await answer(await app.request("/orders/abc", { headers }));
    expect(param.body).toStrictEqual({
      error_code: 5,
      error_message: "Invalid request: path /id: Invalid input: expected number, received NaN",
      details: {
        violations: [
          {
            in: "path",
            pointer: "/id",
            rule: "type",
            message: "Invalid input: expected number, received NaN",
            expected: "number",
          },
        ],
      },
    });
    const query = await answer(await app.request("/orders/1?expand=all", { headers }));
    expect(query.body).toStrictEqual({
      error_code: 4,
      error_message: 'Invalid request: query /expand: Invalid input: expected "lines"',
      details: {
        violations: [
          {
            in: "query",
            pointer: "/expand",
            rule: "const",
            message: 'Invalid input: expected "lines"',
            expected: "lines",
          },
        ],
      },
    });
    const header = await answer(await app.request("/orders/1"));
    expect(header.status).toBe(400);
    expect(header.body).toStrictEqual({
      error_code: 3,
      error_message: "Invalid request: header /x-tenant: is required",
      details: {
        violations: [{ in: "header", pointer: "/x-tenant", rule: "required", message: "is required" }],
      },
    });
  });

  it("a valid request reaches the handler with the validated values", async () => {
    const res = await app.request("/orders", {
      method: "POST",
      headers: json,
      body: JSON.stringify({ item: "tea", quantity: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toStrictEqual({ item: "tea", quantity: 2 });
    const ok = await app.request("/orders/12", { headers: { "x-tenant": "7" } });
    expect(await ok.json()).toStrictEqual({ id: 12 });
  });
});

describe("@hono/zod-openapi with defaultHook: zodHook()", () => {
  const app = new OpenAPIHono({ defaultHook: zodHook() });
  apiErrorCodes(app, { logger: false });
  const route = createRoute({
    method: "put",
    path: "/orders/{id}",
    request: {
      params: zo.object({ id: zo.string().uuid() }),
      body: {
        content: {
          "application/json": { schema: zo.strictObject({ quantity: zo.number().int().max(100) }) },
        },
      },
    },
    responses: {
      200: { description: "the order", content: { "application/json": { schema: zo.object({}) } } },
    },
  });
  app.openapi(route, (c) => c.json({}, 200));
  const id = "7f1d2c1e-55a4-4b8e-9a63-0c1f6f2b9d11";

  it("a bad path parameter is 4 in path", async () => {
    const res = await app.request("/orders/42", { method: "PUT", headers: json, body: '{"quantity":1}' });
    expect(await answer(res)).toMatchObject({
      status: 400,
      body: {
        error_code: 4,
        details: {
          violations: [
            { in: "path", pointer: "/id", rule: "format", message: "Invalid UUID", expected: "uuid" },
          ],
        },
      },
    });
  });

  it("a body with an unknown member and a value past its maximum is 3, both listed", async () => {
    const body = JSON.stringify({ quantity: 500, colour: "red" });
    const got = await answer(await app.request(`/orders/${id}`, { method: "PUT", headers: json, body }));
    expect(got.status).toBe(400);
    expect(got.body).toStrictEqual({
      error_code: 3,
      error_message: "Invalid request: body /colour: is not an allowed property (and 1 more)",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/quantity",
            rule: "maximum",
            message: "Too big: expected number to be <=100",
            expected: 100,
          },
          {
            in: "body",
            pointer: "/colour",
            rule: "additionalProperties",
            message: "is not an allowed property",
          },
        ],
      },
    });
    const ok = await app.request(`/orders/${id}`, { method: "PUT", headers: json, body: '{"quantity":3}' });
    expect(ok.status).toBe(200);
  });
});

describe("@hono/standard-validator with standardHook(api): valibot, arktype and zod answer alike", () => {
  const SECRET = "s3cr3t-in-the-request";
  const libraries = {
    valibot: {
      body: v.strictObject({
        item: v.pipe(v.string(), v.maxLength(10)),
        quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
      }),
      query: v.object({ expand: v.optional(v.picklist(["lines", "notes"])) }),
    },
    arktype: {
      body: type({ "+": "reject", item: "string <= 10", quantity: "number.integer >= 1" }),
      query: type({ "expand?": "'lines' | 'notes'" }),
    },
    zod: {
      body: z.strictObject({ item: z.string().max(10), quantity: z.number().int().min(1) }),
      query: z.object({ expand: z.enum(["lines", "notes"]).optional() }),
    },
  };

  const app = new Hono();
  const api = apiErrorCodes(app, { logger: false });
  for (const [name, schemas] of Object.entries(libraries)) {
    app.post(
      `/${name}/orders`,
      sValidator("json", schemas.body, standardHook(api)),
      sValidator("query", schemas.query, standardHook(api)),
      (c) => c.json(c.req.valid("json"), 201),
    );
  }

  const post = async (library: string, body: unknown, query = "") => {
    const res = await app.request(`/${library}/orders${query}`, {
      method: "POST",
      headers: json,
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(text).not.toContain(SECRET);
    const parsed = JSON.parse(text) as {
      error_code: number;
      details: { violations: Record<string, unknown>[] };
    };
    // Messages are each library's (or ours where the library's would repeat the input).
    const found = parsed.details.violations.map(({ message: _message, ...rest }) => rest);
    found.sort((a, b) => String(a.pointer).localeCompare(String(b.pointer)));
    return { status: res.status, code: parsed.error_code, id: res.headers.get("x-request-id"), found };
  };

  it.each(Object.keys(libraries))("%s: missing member 3, extra member 3, with pointers", async (library) => {
    const got = await post(library, { item: "tea", colour: SECRET });
    expect(got.status).toBe(400);
    expect(got.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(got.code).toBe(3);
    expect(got.found).toStrictEqual([
      { in: "body", pointer: "/colour", rule: "additionalProperties" },
      { in: "body", pointer: "/quantity", rule: "required" },
    ]);
  });

  it.each(Object.keys(libraries))("%s: a wrong type is 5, a fraction is 5 (integer)", async (library) => {
    const got = await post(library, { item: SECRET.length, quantity: 1.5 });
    expect(got.code).toBe(5);
    expect(got.found).toStrictEqual([
      { in: "body", pointer: "/item", rule: "type", expected: "string" },
      { in: "body", pointer: "/quantity", rule: "type", expected: "integer" },
    ]);
  });

  it.each(Object.keys(libraries))("%s: values are 4, in body and in query", async (library) => {
    const got = await post(library, { item: SECRET, quantity: 0 });
    expect(got.code).toBe(4);
    expect(got.found).toStrictEqual([
      { in: "body", pointer: "/item", rule: "maxLength", expected: 10 },
      { in: "body", pointer: "/quantity", rule: "minimum", expected: 1 },
    ]);
    const query = await post(library, { item: "tea", quantity: 1 }, `?expand=${SECRET}`);
    expect(query.code).toBe(4);
    expect(query.found).toHaveLength(1);
    expect(query.found[0]).toMatchObject({ in: "query", pointer: "/expand", rule: "enum" });
  });

  it.each(Object.keys(libraries))("%s: a valid request reaches the handler", async (library) => {
    const res = await app.request(`/${library}/orders`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ item: "tea", quantity: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toStrictEqual({ item: "tea", quantity: 2 });
  });
});
