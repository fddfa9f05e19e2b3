/**
 * One application, described once, that every adapter test builds on its framework: the same routes,
 * schemas, auth and handlers, so that the shared scenarios must get identical answers everywhere.
 */
import { type } from "arktype";
import * as v from "valibot";
import { z } from "zod";
import { ApiError, type Principal, type RouteContract } from "../../src/index.js";

export const TOKENS: Record<string, Principal> = {
  "member-token": { id: "u-member", roles: ["member"] },
  "admin-token": { id: "u-admin", roles: ["admin"] },
  "expired-token": { id: "u-old", roles: ["member"], expiresAt: "2020-01-02T03:04:05.000Z" },
};

export const lookup = (token: string): Principal | undefined => TOKENS[token];

/** Documents GET /reports, which has no handler anywhere: 501 / 2. */
export const openapi = {
  openapi: "3.1.0",
  info: { title: "scenarios", version: "1" },
  paths: {
    "/items": { get: { responses: {} }, post: { responses: {} } },
    "/reports": { get: { responses: {} } },
  },
};

/** What a handler sees, whatever the framework. */
export interface SpecContext {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  principal: Principal | undefined;
}

/** What a handler answers, whatever the framework. */
export interface SpecReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SpecRoute {
  method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** Express/Fastify/Hono syntax. */
  path: string;
  contract: RouteContract;
  handler: (context: SpecContext) => SpecReply | Promise<SpecReply>;
}

const ItemBody = {
  type: "object",
  required: ["name", "quantity"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 1, maxLength: 20 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
    tags: { type: "array", maxItems: 3, items: { type: "string" } },
    email: { type: "string", format: "email" },
  },
} as const;

const ListQuery = {
  type: "object",
  properties: {
    limit: { type: "integer", minimum: 1, maximum: 100 },
    offset: { type: "integer", minimum: 0 },
    status: { type: "string", enum: ["open", "closed"] },
  },
} as const;

const IdParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

const TenantHeaders = {
  type: "object",
  required: ["x-tenant"],
  properties: { "x-tenant": { type: "integer", minimum: 1 } },
} as const;

const Note = z.strictObject({ title: z.string().min(3), count: z.number().int() });

// Standard Schema routes: valibot for a body (with a transform) and a query, arktype for path
// parameters (parsed to a number) and headers, and an async valibot check.
const Order = v.strictObject({
  item: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(20)),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
  size: v.optional(v.picklist(["small", "large"])),
});
const OrderQuery = v.object({ notify: v.optional(v.picklist(["yes", "no"])) });
const OrderParams = type({ id: type("string.integer.parse").to("number > 0") });
const Region = type({ "x-region": "'eu' | 'us'" });
const Coupon = v.pipeAsync(
  v.object({ code: v.pipe(v.string(), v.minLength(4)) }),
  v.checkAsync(async (input) => {
    await new Promise((resolve) => setTimeout(resolve, 1));
    return input.code !== "USED";
  }, "this coupon was used already"),
);

export const routes: SpecRoute[] = [
  {
    method: "GET",
    path: "/items",
    contract: { schema: { query: ListQuery } },
    handler: ({ query }) => ({
      status: 200,
      body: { items: [], limit: query.limit ?? 10, offset: query.offset ?? 0 },
    }),
  },
  {
    method: "POST",
    path: "/items",
    contract: { auth: true, schema: { body: ItemBody } },
    handler: ({ body }) => ({
      status: 201,
      body: { id: 7, ...(body as object) },
      headers: { Location: "/items/7" },
    }),
  },
  {
    method: "GET",
    path: "/items/:id",
    contract: { schema: { params: IdParams } },
    handler: ({ params }) => {
      if (params.id !== 1) throw ApiError.notExist({ resource: "item", id: String(params.id) });
      return { status: 200, body: { id: 1, name: "apple" } };
    },
  },
  {
    method: "DELETE",
    path: "/items/:id",
    contract: { auth: { roles: ["admin"] }, schema: { params: IdParams } },
    handler: () => ({ status: 204 }),
  },
  {
    method: "POST",
    path: "/items/:id/refund",
    contract: {},
    handler: () => {
      throw ApiError.notRealized({ method: "POST", path: "/items/{id}/refund" });
    },
  },
  {
    method: "GET",
    path: "/me",
    contract: { auth: true },
    handler: ({ principal }) => ({ status: 200, body: { id: principal?.id } }),
  },
  {
    method: "POST",
    path: "/notes",
    contract: { schema: { body: Note } },
    handler: ({ body }) => ({ status: 201, body: body as object }),
  },
  {
    method: "GET",
    path: "/tenant",
    contract: { schema: { headers: TenantHeaders } },
    handler: ({ headers }) => ({ status: 200, body: { tenant: headers["x-tenant"] } }),
  },
  {
    method: "GET",
    path: "/boom",
    contract: {},
    handler: () => {
      throw new Error("password=hunter2 at /srv/app/handlers.js:12");
    },
  },
  {
    method: "GET",
    path: "/upstream",
    contract: {},
    // A real refused connection: fetch throws TypeError("fetch failed") with an ECONNREFUSED cause.
    handler: async () => {
      await fetch("http://127.0.0.1:9/");
      return { status: 200 };
    },
  },
  {
    method: "GET",
    path: "/db",
    contract: {},
    handler: () => {
      throw ApiError.database({ reason: "unavailable" }, { retryAfter: 7 });
    },
  },
  {
    method: "PUT",
    path: "/items/:id",
    contract: { auth: true, schema: { params: IdParams } },
    handler: () => {
      throw ApiError.invalidValue(
        [{ in: "body", pointer: "/name", rule: "unique", message: "name is taken" }],
        {
          status: 409,
        },
      );
    },
  },
  {
    method: "POST",
    path: "/orders",
    contract: { schema: { body: Order, query: OrderQuery } },
    handler: ({ body, query }) => ({ status: 201, body: { order: body, notify: query.notify ?? "no" } }),
  },
  {
    method: "GET",
    path: "/orders/:id",
    contract: { schema: { params: OrderParams, headers: Region } },
    handler: ({ params, headers }) => ({
      status: 200,
      body: { id: params.id, idType: typeof params.id, region: headers["x-region"] },
    }),
  },
  {
    method: "POST",
    path: "/coupons",
    contract: { schema: { body: Coupon } },
    handler: ({ body }) => ({ status: 201, body: body as object }),
  },
];
