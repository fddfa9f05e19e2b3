/**
 * JSON Schemas of requests and answers. Named ones become `components.schemas` entries (and `$ref`s)
 * in the OpenAPI document; Fastify validates requests with the library's rules and serializes
 * answers with the response schemas.
 */
import { ORDER_STATUSES } from "../domain/orders.js";
import type { JsonSchema } from "./spec.js";

/** Schema object -> its name in `components.schemas`. */
export const schemaNames = new Map<object, string>();

function named<const T extends JsonSchema>(name: string, schema: T): T {
  schemaNames.set(schema, name);
  return schema;
}

const isoTime = { type: "string", format: "date-time" } as const;
const uuid = { type: "string", format: "uuid" } as const;
const currency = {
  type: "string",
  pattern: "^[A-Z]{3}$",
  description: "ISO 4217 currency code, three capital letters.",
  examples: ["EUR"],
} as const;

export const Credentials = named("Credentials", {
  type: "object",
  required: ["email", "password"],
  additionalProperties: false,
  properties: {
    email: { type: "string", format: "email", maxLength: 254, examples: ["member@example.com"] },
    password: { type: "string", minLength: 1, maxLength: 1024, examples: ["member-password"] },
  },
});

export const RefreshRequest = named("RefreshRequest", {
  type: "object",
  required: ["refresh_token"],
  additionalProperties: false,
  properties: { refresh_token: { type: "string", minLength: 1, maxLength: 512 } },
});

export const TokenPair = named("TokenPair", {
  type: "object",
  required: ["access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_in"],
  additionalProperties: false,
  properties: {
    access_token: { type: "string", description: "Send as `Authorization: Bearer <access_token>`." },
    token_type: { type: "string", enum: ["Bearer"] },
    expires_in: { type: "integer", description: "Seconds until the access token expires." },
    refresh_token: { type: "string", description: "Single use: exchange it at /v1/auth/refresh." },
    refresh_expires_in: { type: "integer", description: "Seconds until the refresh token expires." },
  },
});

export const User = named("User", {
  type: "object",
  required: ["id", "email", "roles", "created_at"],
  additionalProperties: false,
  properties: {
    id: uuid,
    email: { type: "string", format: "email" },
    roles: { type: "array", items: { type: "string", enum: ["member", "admin"] } },
    created_at: isoTime,
  },
});

const page = (item: JsonSchema) => ({
  type: "object",
  required: ["items", "total", "offset", "limit"],
  additionalProperties: false,
  properties: {
    items: { type: "array", items: item },
    total: { type: "integer", minimum: 0, description: "Matching items in all pages." },
    offset: { type: "integer", minimum: 0 },
    limit: { type: "integer", minimum: 1, maximum: 100 },
  },
});

export const UserPage = named("UserPage", page(User));

export const NewOrder = named("NewOrder", {
  type: "object",
  required: ["item", "quantity", "unit_price", "currency"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1, maxLength: 200, examples: ["coffee beans"] },
    quantity: { type: "integer", minimum: 1, maximum: 10_000, examples: [2] },
    unit_price: {
      type: "number",
      exclusiveMinimum: 0,
      maximum: 1_000_000,
      description: "Price of one unit, at most two decimal places.",
      examples: [12.5],
    },
    currency,
  },
});

export const Order = named("Order", {
  type: "object",
  required: ["id", "item", "quantity", "unit_price", "currency", "status", "created_at"],
  additionalProperties: false,
  properties: {
    id: uuid,
    item: { type: "string" },
    quantity: { type: "integer" },
    unit_price: { type: "number" },
    currency,
    status: { type: "string", enum: [...ORDER_STATUSES] },
    created_at: isoTime,
  },
});

export const OrderPage = named("OrderPage", page(Order));

export const Quote = named("Quote", {
  type: "object",
  required: ["order_id", "currency", "rate", "unit_price", "total", "source_currency", "as_of"],
  additionalProperties: false,
  properties: {
    order_id: uuid,
    source_currency: currency,
    currency,
    rate: { type: "number", description: "Units of `currency` per unit of `source_currency`." },
    unit_price: { type: "number", description: "The unit price in `currency`." },
    total: { type: "number", description: "quantity x unit price in `currency`." },
    as_of: isoTime,
  },
});

export const Status = named("Status", {
  type: "object",
  required: ["status"],
  additionalProperties: false,
  properties: {
    status: { type: "string", enum: ["ok", "ready"] },
    database: { type: "string", enum: ["starting", "ready", "unavailable", "closed"] },
  },
});

export const OrderIdParams = {
  type: "object",
  required: ["id"],
  additionalProperties: false,
  properties: { id: { ...uuid, description: "The order's id." } },
} as const;

const paging = {
  offset: { type: "integer", minimum: 0, description: "Items to skip. Default 0." },
  limit: { type: "integer", minimum: 1, maximum: 100, description: "Items per page, 1-100. Default 20." },
} as const;

export const PageQuery = { type: "object", properties: paging } as const;

export const OrderListQuery = {
  type: "object",
  properties: {
    ...paging,
    status: { type: "string", enum: [...ORDER_STATUSES], description: "Only orders in this status." },
  },
} as const;

export const QuoteQuery = {
  type: "object",
  required: ["currency"],
  properties: { currency: { ...currency, description: "The currency to quote in." } },
} as const;
