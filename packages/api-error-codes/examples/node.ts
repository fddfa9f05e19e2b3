// Quickstart: plain node:http with the contract. Run: node --import tsx examples/node.ts

import { ApiError } from "api-error-codes";
import { createApi, reply } from "api-error-codes/node";

const Order = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: { item: { type: "string", minLength: 1 }, quantity: { type: "integer", minimum: 1 } },
} as const;

export function buildApi() {
  const orders = new Map<number, { id: number; item: string; quantity: number }>();
  return createApi()
    .get("/orders", {}, () => ({ items: [...orders.values()] }))
    .post("/orders", { schema: { body: Order } }, ({ body }) => {
      const order = { id: orders.size + 1, ...(body as { item: string; quantity: number }) };
      orders.set(order.id, order);
      return reply(201, order, { Location: `/orders/${order.id}` });
    })
    .get(
      "/orders/:id",
      { schema: { params: { type: "object", properties: { id: { type: "integer" } } } } },
      ({ params }) => {
        const order = orders.get(params.id as number);
        if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
        return order;
      },
    );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const server = await buildApi().listen(3000);
  console.log("listening on", server.address());
}
