/**
 * Handlers are typed from their route's contract on every adapter: the validated body, query and
 * params from TypeBox, zod or a JSON Schema literal, and the principal certain on `auth` routes.
 */
import { Type } from "@sinclair/typebox";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import type { BlankEnv, BlankSchema } from "hono/types";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import type { ContractTypeProvider } from "../../src/adapters/fastify/index.js";
import { apiErrorCodes as honoAdapter } from "../../src/adapters/hono/index.js";
import { createApi } from "../../src/adapters/node/index.js";
import type { Principal } from "../../src/index.js";
import type { FromJsonSchema, SchemaOutput } from "../../src/pipeline/types.js";

interface User {
  id: string;
  roles: string[];
  name: string;
}
const lookup = (token: string): User | undefined =>
  token === "t" ? { id: "u", roles: [], name: "n" } : undefined;

const Order = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: {
    item: { type: "string" },
    quantity: { type: "integer" },
    note: { type: ["string", "null"] },
    tags: { type: "array", items: { type: "string" } },
    status: { enum: ["open", "closed"] },
  },
} as const;
type OrderShape = {
  item: string;
  quantity: number;
  note?: string | null;
  tags?: string[];
  status?: "open" | "closed";
};
const IdParams = Type.Object({ id: Type.Integer() });
const ListQuery = z.object({ limit: z.coerce.number().optional() });

describe("schema inference", () => {
  it("reads JSON Schema literals, TypeBox and zod", () => {
    expectTypeOf<FromJsonSchema<typeof Order>>().toEqualTypeOf<OrderShape>();
    expectTypeOf<SchemaOutput<typeof IdParams>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<SchemaOutput<typeof ListQuery>>().toEqualTypeOf<{ limit?: number | undefined }>();
    expectTypeOf<SchemaOutput<{ readonly foo: 1 }, "fallback">>().toEqualTypeOf<"fallback">();
  });
});

describe("typed handlers on every adapter", () => {
  it("node: the context of createApi routes", () => {
    const api = createApi<User>({ auth: { lookup } });
    api.post("/orders/:id", { auth: true, schema: { body: Order, params: IdParams } }, (ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<OrderShape>();
      expectTypeOf(ctx.params).toEqualTypeOf<{ id: number }>();
      expectTypeOf(ctx.principal).toEqualTypeOf<User>();
      return undefined;
    });
    api.get("/orders", { schema: { query: ListQuery } }, (ctx) => {
      expectTypeOf(ctx.query).toEqualTypeOf<{ limit?: number | undefined }>();
      expectTypeOf(ctx.principal).toEqualTypeOf<User | undefined>();
      return undefined;
    });
  });

  it("express: api.route(contract, handler) and api.context<C>(req)", () => {
    const app = express();
    const api = expressAdapter<User>(app, { auth: { lookup } });
    app.post(
      "/orders",
      ...api.route({ auth: true, schema: { body: Order } }, ({ body, principal }, _req, res) => {
        expectTypeOf(body).toEqualTypeOf<OrderShape>();
        expectTypeOf(principal).toEqualTypeOf<User>();
        res.json(body);
      }),
    );
  });

  it("hono: c.req.valid and c.get('principal')", () => {
    const app = new Hono();
    const api = honoAdapter<BlankEnv, BlankSchema, "/", User>(app, { auth: { lookup } });
    app.post("/orders", api.route({ auth: true, schema: { body: Order } }), (c) => {
      expectTypeOf(c.req.valid("json")).toEqualTypeOf<OrderShape>();
      expectTypeOf(c.get("principal")).toEqualTypeOf<User>();
      return c.json({});
    });
  });

  it("fastify: the ContractTypeProvider", () => {
    const app = Fastify().withTypeProvider<ContractTypeProvider>();
    app.post("/orders/:id", { schema: { body: Order, params: IdParams } }, async (request) => {
      expectTypeOf(request.body).toEqualTypeOf<OrderShape>();
      expectTypeOf(request.params).toEqualTypeOf<{ id: number }>();
      expectTypeOf(request.principal).toEqualTypeOf<Principal | undefined>();
      return {};
    });
  });
});
