/**
 * Quickstart: the orders API on Koa (2 or 3) with @koa/router. Start it with
 * `npm run example -- koa`, then:
 *   curl -i localhost:3000/orders/abc                 # 400 / 5: the id is an integer
 *   curl -i -X PATCH localhost:3000/orders            # 405 / 1 with Allow
 *   curl -i -X POST localhost:3000/orders -H 'authorization: Bearer demo-token' \
 *     -H 'content-type: application/json' -d '{"item":"pear","quantity":0}'   # 400 / 4
 */
import Router from "@koa/router";
import { ApiError } from "api-error-codes";
import { apiErrorCodes } from "api-error-codes/koa";
import Koa from "koa";

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
  const app = new Koa();
  // One call, before other middleware: 404/405/OPTIONS/501, auth, bodies, validation and every error.
  const api = apiErrorCodes(app, {
    auth: { lookup: (token) => (token === "demo-token" ? { id: "u-demo", roles: ["member"] } : undefined) },
  });
  const router = new Router();

  const create = { auth: true, schema: { body: NewOrder } } as const;
  router.post("/orders", api.route(create), (ctx) => {
    const { body, principal } = api.context<typeof create>(ctx);
    const order = { id: orders.size + 1, ...body, owner: principal.id };
    orders.set(order.id, order);
    ctx.status = 201;
    ctx.set("Location", `/orders/${order.id}`);
    ctx.body = order;
  });

  const read = { schema: { params: OrderId } } as const;
  router.get("/orders/:id", api.route(read), (ctx) => {
    const { params } = api.context<typeof read>(ctx);
    const order = orders.get(params.id); // converted: "7" -> 7, "abc" -> 400 / 5
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
    ctx.body = order;
  });

  app.use(router.routes());
  // #endregion

  return { app, api };
}
