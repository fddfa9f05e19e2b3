/**
 * Handlers are typed from their route's contract on every adapter: the validated body, query and
 * params from TypeBox, zod, valibot, arktype or a JSON Schema literal, and the principal certain on
 * `auth` routes. Standard Schemas give their output type (after transforms), not their input.
 */
import { Type } from "@sinclair/typebox";
import { type } from "arktype";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import type { BlankEnv, BlankSchema } from "hono/types";
import * as v from "valibot";
import { describe, expectTypeOf, it } from "vitest";
import { z } from "zod";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import type { ContractTypeProvider } from "../../src/adapters/fastify/index.js";
import {
  apiErrorCodes as honoAdapter,
  type RouteInputParts,
  type ValidatedParts,
} from "../../src/adapters/hono/index.js";
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

// Standard Schemas whose output differs from their input: a trimmed string stays a string, a
// parsed path parameter becomes a number.
const VOrder = v.object({
  item: v.pipe(v.string(), v.trim()),
  quantity: v.pipe(v.string(), v.transform(Number)),
  size: v.optional(v.picklist(["small", "large"])),
});
type VOrderShape = { item: string; quantity: number; size?: "small" | "large" | undefined };
const AParams = type({ id: "string.integer.parse" });
const AQuery = type({ "expand?": "'lines' | 'notes'" });

describe("schema inference", () => {
  it("reads JSON Schema literals, TypeBox and zod", () => {
    expectTypeOf<FromJsonSchema<typeof Order>>().toEqualTypeOf<OrderShape>();
    expectTypeOf<SchemaOutput<typeof IdParams>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<SchemaOutput<typeof ListQuery>>().toEqualTypeOf<{ limit?: number | undefined }>();
    expectTypeOf<SchemaOutput<{ readonly foo: 1 }, "fallback">>().toEqualTypeOf<"fallback">();
  });

  it("reads valibot and arktype through ~standard: the output type", () => {
    expectTypeOf<SchemaOutput<typeof VOrder>>().toEqualTypeOf<VOrderShape>();
    expectTypeOf<SchemaOutput<typeof AParams>>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<SchemaOutput<typeof AQuery>>().toEqualTypeOf<{ expand?: "lines" | "notes" }>();
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
    // A route without a contract: the handler alone.
    api.get("/health", (ctx) => {
      expectTypeOf(ctx.principal).toEqualTypeOf<User | undefined>();
      return { ok: true };
    });
    // @ts-expect-error a contract with an unknown key is refused
    api.get("/x", { schemas: {} }, () => undefined);
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

  it("hono: the parts a route validates, and what a client (Hono's RPC) sends for them", () => {
    const contract = { schema: { body: Order, params: IdParams, query: IdParams } } as const;
    type Valid = ValidatedParts<typeof contract>;
    type Sent = RouteInputParts<typeof contract>;
    expectTypeOf<keyof Valid>().toEqualTypeOf<"json" | "query" | "param">();
    expectTypeOf<Valid["json"]>().toEqualTypeOf<OrderShape>();
    expectTypeOf<Valid["param"]>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<Valid["query"]>().toEqualTypeOf<{ id: number }>();
    expectTypeOf<keyof Sent>().toEqualTypeOf<"json" | "query" | "param">();
    expectTypeOf<Sent["json"]>().toEqualTypeOf<OrderShape>();
    expectTypeOf<Sent["param"]>().toEqualTypeOf<{ id: string }>();
    expectTypeOf<Sent["query"]>().toEqualTypeOf<{ id: string | string[] }>();
    expectTypeOf<ValidatedParts<{ auth: true }>>().toEqualTypeOf<object>();
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

  it("valibot and arktype schemas type the handler on node, express, hono and fastify", () => {
    const contract = { schema: { body: VOrder, params: AParams, query: AQuery } } as const;
    createApi<User>({ auth: { lookup } }).post("/orders/:id", contract, (ctx) => {
      expectTypeOf(ctx.body).toEqualTypeOf<VOrderShape>();
      expectTypeOf(ctx.params).toEqualTypeOf<{ id: number }>();
      expectTypeOf(ctx.query).toEqualTypeOf<{ expand?: "lines" | "notes" }>();
      return undefined;
    });
    const app = express();
    app.post(
      "/orders/:id",
      ...expressAdapter<User>(app, { auth: { lookup } }).route(contract, ({ body, params }, _req, res) => {
        expectTypeOf(body).toEqualTypeOf<VOrderShape>();
        expectTypeOf(params).toEqualTypeOf<{ id: number }>();
        res.json(body);
      }),
    );
    const hono = new Hono();
    const honoApi = honoAdapter<BlankEnv, BlankSchema, "/", User>(hono, { auth: { lookup } });
    hono.post("/orders/:id", honoApi.route(contract), (c) => {
      expectTypeOf(c.req.valid("json")).toEqualTypeOf<VOrderShape>();
      expectTypeOf(c.req.valid("param")).toEqualTypeOf<{ id: number }>();
      return c.json({});
    });
    const fastify = Fastify().withTypeProvider<ContractTypeProvider>();
    fastify.post("/orders/:id", { schema: { body: VOrder, params: AParams } }, async (request) => {
      expectTypeOf(request.body).toEqualTypeOf<VOrderShape>();
      expectTypeOf(request.params).toEqualTypeOf<{ id: number }>();
      return {};
    });
  });
});
