/**
 * Quickstart: the error contract on Fastify 5.
 *
 *   const app = await buildApp();
 *   await app.listen({ port: 3000 });
 *
 * Then `curl -i localhost:3000/orders/abc` answers 400 with `{"error_code":5,...}`, `PATCH /orders`
 * answers 405 with `Allow`, and `POST /orders` without a token answers 401 / 6.
 */
import { ApiError } from "api-error-codes";
import { apiErrorCodes, principalOf, serverOptions } from "api-error-codes/fastify";
import Fastify from "fastify";

interface User {
  id: string;
  roles: string[];
}

const sessions = new Map<string, User>([["demo-token", { id: "u-1", roles: ["member"] }]]);
const orders = new Map<number, { id: number; item: string; quantity: number; owner: string }>();

const Order = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1, maxLength: 50 },
    quantity: { type: "integer", minimum: 1, maximum: 100 },
  },
} as const;

const OrderId = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

/** Builds the app without listening, so that tests can `inject` into it. */
export async function buildApp() {
  // `serverOptions` lets the contract answer router errors (bad percent-encoding) and request ids.
  const app = Fastify({ logger: false, ...serverOptions });
  // Await it before declaring routes: the plugin collects them as they are added.
  await app.register(apiErrorCodes, { auth: { lookup: (token) => sessions.get(token) } });

  app.post("/orders", { schema: { body: Order }, config: { auth: true } }, async (request, reply) => {
    const body = request.body as { item: string; quantity: number };
    const order = { id: orders.size + 1, ...body, owner: principalOf<User>(request)?.id ?? "" };
    orders.set(order.id, order);
    return reply.code(201).header("location", `/orders/${order.id}`).send(order);
  });

  app.get("/orders/:id", { schema: { params: OrderId } }, async (request) => {
    const { id } = request.params as { id: number }; // converted: "7" -> 7, "abc" -> 400 / 5
    const order = orders.get(id);
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(id) });
    return order;
  });

  return app;
}
