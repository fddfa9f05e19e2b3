/**
 * Quickstart: the orders API as a Web-standard fetch handler (Bun.serve, Deno.serve, Workers; node
 * through a Request bridge). Start it on node with `npm run example -- fetch`.
 */
import { ApiError } from "api-error-codes";
import { createApi, reply } from "api-error-codes/fetch";

const sessions = new Map([["demo-token", { id: "u-demo", roles: ["member"] }]]);

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

export function buildApi() {
  const orders = new Map<number, { id: number; item: string; quantity: number; owner: string }>();
  // #region readme
  const api = createApi({ auth: { lookup: (token) => sessions.get(token) } })
    .post("/orders", { auth: true, schema: { body: NewOrder } }, ({ body, principal }) => {
      const order = { id: orders.size + 1, ...body, owner: principal.id };
      orders.set(order.id, order);
      return reply(201, order, { Location: `/orders/${order.id}` });
    })
    .get("/orders/:id", { schema: { params: OrderId } }, ({ params }) => {
      const order = orders.get(params.id); // converted: "7" -> 7, "abc" -> 400 / 5
      if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
      return order;
    });
  // Bun.serve({ fetch: api.fetch }), Deno.serve(api.fetch), export default { fetch: api.fetch }
  // #endregion
  return api;
}
