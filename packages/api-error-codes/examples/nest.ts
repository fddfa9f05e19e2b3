/**
 * Quickstart: the orders API on NestJS (Express platform). Start it with
 * `npm run example -- nest`, then:
 *   curl -i localhost:3000/orders/abc                 # 400 / 5: the id is an integer
 *   curl -i -X PATCH localhost:3000/orders            # 405 / 1 with Allow
 *   curl -i -X POST localhost:3000/orders -H 'authorization: Bearer demo-token' \
 *     -H 'content-type: application/json' -d '{"item":"pear","quantity":0}'   # 400 / 4
 */
import "reflect-metadata";
import { Controller, Get, Module, Post, Res } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { ApiError } from "api-error-codes";
import { apiErrorCodes, Checked, Contract, type Validated } from "api-error-codes/nest";
import type { Response } from "express";

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

const orders = new Map<number, { id: number; item: string; quantity: number; owner: string }>();

// #region readme
const create = { auth: true, schema: { body: NewOrder } } as const;
const read = { schema: { params: OrderId } } as const;

@Controller("orders")
class OrdersController {
  @Post()
  @Contract(create)
  create(@Checked() { body, principal }: Validated<typeof create>, @Res() res: Response) {
    const order = { id: orders.size + 1, ...body, owner: principal.id };
    orders.set(order.id, order);
    res.status(201).location(`/orders/${order.id}`).json(order);
  }

  @Get(":id")
  @Contract(read)
  find(@Checked() { params }: Validated<typeof read>) {
    const order = orders.get(params.id); // converted: "7" -> 7, "abc" -> 400 / 5
    if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
    return order;
  }
}

@Module({ controllers: [OrdersController] })
class OrdersModule {}

export async function buildApp() {
  // Nest's body parser off: the contract reads bodies, after authentication.
  const app = await NestFactory.create(OrdersModule, { bodyParser: false, logger: false });
  // One call, before listen: 404/405/OPTIONS/501, auth, bodies, validation and every error.
  apiErrorCodes(app, {
    auth: { lookup: (token) => (token === "demo-token" ? { id: "u-demo", roles: ["member"] } : undefined) },
  });
  return app;
}
// #endregion
