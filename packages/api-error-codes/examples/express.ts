/**
 * Quickstart: the orders API on Express (4 or 5). Start it with `npm run example -- express`, then:
 *   curl -i localhost:3000/orders/abc                 # 400 / 5: the id is an integer
 *   curl -i -X PATCH localhost:3000/orders            # 405 / 1 with Allow
 *   curl -i -X POST localhost:3000/orders -H 'authorization: Bearer demo-token' \
 *     -H 'content-type: application/json' -d '{"item":"pear","quantity":0}'   # 400 / 4
 */
import { ApiError } from "api-error-codes";
import { apiErrorCodes } from "api-error-codes/express";
import express from "express";

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
  const orders = new Map<number, { id: number; item: string; quantity: number; owner: string }>();
  // #region readme
  const app = express();
  // One call, before the routes: 404/405/OPTIONS/501, auth, bodies, validation and every error.
  const api = apiErrorCodes(app, {
    auth: { lookup: (token) => (token === "demo-token" ? { id: "u-demo", roles: ["member"] } : undefined) },
  });

  app.post(
    "/orders",
    ...api.route({ auth: true, schema: { body: NewOrder } }, ({ body, principal }, _req, res) => {
      const order = { id: orders.size + 1, ...body, owner: principal.id };
      orders.set(order.id, order);
      res.status(201).location(`/orders/${order.id}`).json(order);
    }),
  );

  app.get(
    "/orders/:id",
    ...api.route({ schema: { params: OrderId } }, ({ params }, _req, res) => {
      const order = orders.get(params.id); // converted: "7" -> 7, "abc" -> 400 / 5
      if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
      res.json(order);
    }),
  );
  // #endregion

  return { app, api };
}
