// Validation: one route contract per route, with JSON Schema (ajv), TypeBox or zod for each part.
// #region imports
import { Type } from "@sinclair/typebox";
import { Ajv } from "ajv";
import { createApi } from "api-error-codes/node";
import { z } from "zod";

// #endregion

// #region json-schema
// JSON Schema, compiled by ajv. Write it `as const` and the handler's `body` is typed from it.
const NewOrder = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
  },
} as const;
// #endregion

// #region typebox
// TypeBox schemas are JSON Schema: they go in as they are, and type the handler too.
const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  status: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("shipped")])),
});
// #endregion

// #region zod
// zod schemas are run with safeParse; their issues become the same violations.
const NewUser = z.strictObject({
  email: z.email(),
  age: z.number().int().min(18),
});
// #endregion

export function buildApi() {
  // #region routes
  const api = createApi({ logger: false })
    .post("/orders", { schema: { body: NewOrder } }, ({ body }) => ({
      item: body.item,
      quantity: body.quantity,
    }))
    .get("/orders", { schema: { query: ListQuery } }, ({ query }) => ({
      limit: query.limit ?? 20,
      items: [],
    }))
    .post("/users", { schema: { body: NewUser } }, ({ body }) => ({ email: body.email }));
  // #endregion
  return api;
}

// #region own-ajv
// Your own ajv instance (formats, keywords, strictness): pass it as `ajv`; JSON Schema routes use it.
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addFormat("sku", /^[A-Z]{3}-\d{4}$/);
export const withOwnAjv = createApi({ ajv, logger: false }).post(
  "/items",
  {
    schema: {
      body: { type: "object", required: ["sku"], properties: { sku: { type: "string", format: "sku" } } },
    },
  },
  () => ({ ok: true }),
);
// #endregion
