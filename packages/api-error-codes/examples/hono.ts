/**
 * Quickstart: the orders API on Hono, on any runtime. Start it on node with
 * `npm run example -- hono`; on Bun, Deno or Workers, `export default buildApp()`. Every error is
 * `{"error_code", "error_message", "details"}` JSON with `X-Request-Id`: unknown paths (404 / 10),
 * wrong methods (405 / 1 + Allow), missing or bad tokens (401 / 6, 7, 8), bad bodies and parameters
 * (400 / 3, 4, 5), absent orders (404 / 10), and anything a handler throws (500 / 0).
 */
import { ApiError } from "api-error-codes";
import { apiErrorCodes } from "api-error-codes/hono";
import { Hono } from "hono";
import { z } from "zod";

const sessions = new Map([["demo-token", { id: "u-demo", roles: ["member"] }]]);

const NewOrder = z.strictObject({
  item: z.string().min(1).max(100),
  quantity: z.number().int().min(1).max(1000),
});
const OrderId = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

/** Builds the app; listening is left to the runtime. */
export function buildApp() {
  const orders = new Map<number, z.infer<typeof NewOrder> & { id: number; owner: string }>();
  // #region readme
  const app = new Hono();
  // First, before any route: 404/405/OPTIONS are decided here, and every error ends in the contract.
  const api = apiErrorCodes(app, { auth: { lookup: (token) => sessions.get(token) } });

  app.post("/orders", api.route({ auth: true, schema: { body: NewOrder } }), (c) => {
    const order = { ...c.req.valid("json"), id: orders.size + 1, owner: c.get("principal").id };
    orders.set(order.id, order);
    return c.json(order, 201, { Location: `/orders/${order.id}` });
  });

  app.get("/orders/:id", api.route({ schema: { params: OrderId } }), (c) => {
    const { id } = c.req.valid("param"); // converted from the path and checked: an integer >= 1
    const order = orders.get(id);
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(id) });
    return c.json(order);
  });
  // #endregion

  return app;
}
