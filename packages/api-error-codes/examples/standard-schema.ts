// Standard Schema routes: valibot for the body, arktype for the path parameter, an asynchronous
// valibot check. Each handler receives its schema's output: a trimmed item, a parsed id.

import { ApiError } from "api-error-codes";
import { createApi, reply } from "api-error-codes/node";
import { requestJsonSchema } from "api-error-codes/openapi";
import { type } from "arktype";
import * as v from "valibot";

const NewOrder = v.strictObject({
  item: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)),
});
// Path parameters arrive as strings: the schema parses them into the number the handler gets.
const OrderId = type({ id: type("string.integer.parse").to("number >= 1") });

const usedCoupons = new Set(["WELCOME"]);
const isUsed = async (code: string) => usedCoupons.has(code);
// An asynchronous check: the request waits for it; the answer is the same kind of 4.
const Coupon = v.pipeAsync(
  v.object({ code: v.pipe(v.string(), v.minLength(4)) }),
  v.checkAsync(async ({ code }) => !(await isUsed(code)), "this coupon was used already"),
);

export function buildApi() {
  const orders = new Map<number, { id: number; item: string; quantity: number }>();
  return createApi()
    .post("/orders", { schema: { body: NewOrder } }, ({ body }) => {
      const order = { id: orders.size + 1, ...body }; // body: { item: string; quantity: number }
      orders.set(order.id, order);
      return reply(201, order);
    })
    .get("/orders/:id", { schema: { params: OrderId } }, ({ params }) => {
      const order = orders.get(params.id); // params.id: number
      if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
      return order;
    })
    .post("/coupons", { schema: { body: Coupon } }, ({ body }) => reply(201, { accepted: body.code }));
}

// For your OpenAPI document: arktype and zod export JSON Schema through `~standard.jsonSchema`;
// for valibot, convert with @valibot/to-json-schema (requestJsonSchema gives undefined).
export const orderIdParameters = requestJsonSchema(OrderId);
