/**
 * Quickstart: the orders API on Fastify 5. Start it with `npm run example -- fastify`, then
 * `curl -i localhost:3000/orders/abc` answers 400 with `{"error_code":5,...}`, `PATCH /orders`
 * answers 405 with `Allow`, and `POST /orders` without a token answers 401 / 6.
 */
import { ApiError } from "api-error-codes";
import {
  apiErrorCodes,
  type ContractTypeProvider,
  principalOf,
  serverOptions,
} from "api-error-codes/fastify";
import Fastify from "fastify";

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

/** Builds the app without listening, so that tests can `inject` into it. */
export async function buildApp() {
  const orders = new Map<number, { id: number; item: string; quantity: number; owner: string }>();
  // `serverOptions` lets the contract answer router errors (bad percent-encoding) and request ids;
  // the type provider types `request.body` and `params` from the schemas.
  // #region readme
  const app = Fastify({ logger: false, ...serverOptions }).withTypeProvider<ContractTypeProvider>();
  // Await it before declaring routes: the plugin collects them as they are added.
  await app.register(apiErrorCodes, { auth: { lookup: (token) => sessions.get(token) } });

  app.post("/orders", { schema: { body: NewOrder }, config: { auth: true } }, async (request, reply) => {
    const order = { id: orders.size + 1, ...request.body, owner: principalOf(request)?.id ?? "" };
    orders.set(order.id, order);
    return reply.code(201).header("location", `/orders/${order.id}`).send(order);
  });

  app.get("/orders/:id", { schema: { params: OrderId } }, async (request) => {
    const { id } = request.params; // converted: "7" -> 7, "abc" -> 400 / 5
    const order = orders.get(id);
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(id) });
    return order;
  });
  // #endregion

  return app;
}
