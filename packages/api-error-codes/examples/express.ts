/**
 * Quickstart: an Express 5 app that keeps the error contract.
 * Run it with `buildApp().app.listen(3000)`, then try:
 *   curl -i localhost:3000/orders/42
 *   curl -i -X PATCH localhost:3000/orders
 *   curl -i -X POST localhost:3000/orders -H 'authorization: Bearer demo-token' \
 *     -H 'content-type: application/json' -d '{"item":"pear","quantity":0}'
 */
import { ApiError } from "api-error-codes";
import { apiErrorCodes } from "api-error-codes/express";
import express from "express";

interface Order {
  id: number;
  item: string;
  quantity: number;
  owner: string;
}

const NewOrder = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1, maxLength: 100 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
  },
} as const;

const OrderId = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

/** Builds the app without listening. */
export function buildApp() {
  const orders = new Map<number, Order>();
  const app = express();
  // One call, before the routes: 404/405/OPTIONS/501, auth, bodies, validation and every error.
  const api = apiErrorCodes(app, {
    auth: { lookup: (token) => (token === "demo-token" ? { id: "u-demo", roles: ["member"] } : undefined) },
  });

  app.get("/orders", (_req, res) => {
    res.json({ orders: [...orders.values()] });
  });

  app.post("/orders", api.route({ auth: true, schema: { body: NewOrder } }), (req, res) => {
    const { body, principal } = api.context(req);
    const { item, quantity } = body as { item: string; quantity: number };
    const order: Order = { id: orders.size + 1, item, quantity, owner: principal?.id ?? "" };
    orders.set(order.id, order);
    res.status(201).location(`/orders/${order.id}`).json(order);
  });

  app.get("/orders/:id", api.route({ schema: { params: OrderId } }), (req, res) => {
    const id = api.context(req).params.id as number;
    const order = orders.get(id);
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(id) });
    res.json(order);
  });

  return { app, api };
}
