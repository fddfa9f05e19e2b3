/** The caller's orders, and a price quote in another currency through the external rates service. */
import { ApiError } from "api-error-codes";
import type { Services } from "../app.js";
import { caller } from "./auth.js";
import {
  NewOrder as NewOrderSchema,
  Order,
  OrderIdParams,
  OrderListQuery,
  OrderPage,
  Quote,
  QuoteQuery,
} from "./schemas.js";
import { AUTH_ERRORS, BODY_ERRORS, DATABASE_ERRORS, type RouteSpec, route, UNKNOWN } from "./spec.js";

const orderId = (params: { id: string }): string => params.id.toLowerCase();

/** Digits after the decimal point for a currency (JPY 0, EUR 2). */
function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

export function orderRoutes(s: Services): RouteSpec[] {
  return [
    route({
      method: "GET",
      url: "/v1/orders",
      operationId: "listOrders",
      tag: "orders",
      summary: "List your orders",
      description:
        "Newest first. `offset` must not be negative, `limit` is 1-100, `status` one of the order statuses.",
      auth: true,
      querystring: OrderListQuery,
      success: { status: 200, description: "A page of the caller's orders.", schema: OrderPage },
      errors: [...AUTH_ERRORS, 4, 5, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request) => {
        const { offset = 0, limit = 20, status } = request.query;
        return s.orders.list(caller(request).id, { offset, limit, status });
      },
    }),
    route({
      method: "POST",
      url: "/v1/orders",
      operationId: "createOrder",
      tag: "orders",
      summary: "Place an order",
      auth: true,
      body: NewOrderSchema,
      success: {
        status: 201,
        description: "The new order.",
        schema: Order,
        headers: {
          Location: {
            description: "The order's URL.",
            schema: { type: "string", examples: ["/v1/orders/0f8fad5b-d9cb-469f-a165-70867728950e"] },
          },
        },
      },
      errors: [...AUTH_ERRORS, ...BODY_ERRORS, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request, reply) => {
        const order = await s.orders.create(caller(request).id, request.body);
        return reply.code(201).header("location", `/v1/orders/${order.id}`).send(order);
      },
    }),
    route({
      method: "GET",
      url: "/v1/orders/:id",
      operationId: "getOrder",
      tag: "orders",
      summary: "Get one of your orders",
      description: "Another user's order answers 404 / 10, exactly like a missing one.",
      auth: true,
      params: OrderIdParams,
      success: { status: 200, description: "The order.", schema: Order },
      errors: [...AUTH_ERRORS, 4, 10, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request) => s.orders.get(caller(request).id, orderId(request.params)),
    }),
    route({
      method: "DELETE",
      url: "/v1/orders/:id",
      operationId: "deleteOrder",
      tag: "orders",
      summary: "Delete one of your orders",
      auth: true,
      params: OrderIdParams,
      success: { status: 204, description: "The order is deleted." },
      errors: [...AUTH_ERRORS, 4, 10, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request, reply) => {
        await s.orders.remove(caller(request).id, orderId(request.params));
        return reply.code(204).send();
      },
    }),
    route({
      method: "GET",
      url: "/v1/orders/:id/quote",
      operationId: "quoteOrder",
      tag: "orders",
      summary: "Quote an order in another currency",
      description:
        "Converts with the external rates service. Its failures are 502 / 11, its timeouts 504 / 11; after repeated failures the circuit opens and calls answer 503 / 11 with Retry-After without reaching the service. A currency the service has no rate for is 422 / 4.",
      auth: true,
      params: OrderIdParams,
      querystring: QuoteQuery,
      success: { status: 200, description: "The order's price in the requested currency.", schema: Quote },
      errors: [
        ...AUTH_ERRORS,
        4,
        { code: 4, status: 422 },
        10,
        { code: 11, status: 502 },
        { code: 11, status: 503 },
        { code: 11, status: 504 },
        ...DATABASE_ERRORS,
        ...UNKNOWN,
      ],
      handler: async (request) => {
        const order = await s.orders.get(caller(request).id, orderId(request.params));
        const { currency } = request.query;
        const table = await s.rates.latest();
        const from = table.rates[order.currency];
        const to = table.rates[currency];
        if (from === undefined || to === undefined) {
          throw ApiError.invalidValue(
            [
              {
                in: "query",
                pointer: "/currency",
                rule: "enum",
                message: `no exchange rate from ${order.currency} to ${currency}`,
                expected: Object.keys(table.rates).sort(),
              },
            ],
            { status: 422 },
          );
        }
        const rate = to / from;
        const digits = minorDigits(currency);
        return {
          order_id: order.id,
          source_currency: order.currency,
          currency,
          rate: Number(rate.toPrecision(8)),
          unit_price: round(order.unit_price * rate, digits),
          total: round(order.unit_price * order.quantity * rate, digits),
          as_of: table.as_of,
        };
      },
    }),
    route({
      // Documented, deliberately without a handler: the library answers 501 / 2 for it.
      method: "POST",
      url: "/v1/orders/:id/refund",
      operationId: "refundOrder",
      tag: "orders",
      summary: "Refund an order (not implemented yet)",
      description: "Part of the published API but not implemented: answers 501 / 2.",
      auth: true,
      params: OrderIdParams,
      success: { status: 200, description: "The refunded order (once implemented).", schema: Order },
      errors: [2, ...UNKNOWN],
    }),
  ];
}
