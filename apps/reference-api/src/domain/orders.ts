/**
 * Orders belong to one user. Another user's order is treated exactly like a missing one (404 / 10),
 * so that its existence is not revealed.
 */
import { randomUUID } from "node:crypto";
import { ApiError, type Violation } from "api-error-codes";
import { type Clock, isoAt } from "../clock.js";
import type { Database } from "../db/database.js";
import type { OrdersTable } from "../db/schema.js";
import type { Page } from "./users.js";

export const ORDER_STATUSES = ["pending", "confirmed", "shipped", "cancelled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface Order {
  id: string;
  item: string;
  quantity: number;
  unit_price: number;
  currency: string;
  status: OrderStatus;
  created_at: string;
}

export interface NewOrder {
  item: string;
  quantity: number;
  unit_price: number;
  currency: string;
}

export interface OrderQuery {
  offset: number;
  limit: number;
  status?: OrderStatus | undefined;
}

// ICU's list of ISO 4217 codes: the schema checks the shape (three capitals), this the meaning.
const CURRENCIES = new Set(Intl.supportedValuesOf("currency"));

export function isCurrency(code: string): boolean {
  return CURRENCIES.has(code);
}

function toOrder(row: OrdersTable): Order {
  return {
    id: row.id,
    item: row.item,
    quantity: row.quantity,
    unit_price: row.unit_price_cents / 100,
    currency: row.currency,
    status: row.status,
    created_at: row.created_at,
  };
}

/** The rules JSON Schema cannot state well: ISO 4217 membership and whole cents. */
function checkNewOrder(input: NewOrder): number {
  const violations: Violation[] = [];
  const cents = Math.round(input.unit_price * 100);
  // Compared with a tolerance: 0.29 * 100 is 28.999999999999996 in binary floating point.
  if (Math.abs(input.unit_price * 100 - cents) > 1e-6) {
    violations.push({
      in: "body",
      pointer: "/unit_price",
      rule: "multipleOf",
      message: "must have at most two decimal places",
      expected: 0.01,
    });
  }
  if (!isCurrency(input.currency)) {
    violations.push({
      in: "body",
      pointer: "/currency",
      rule: "enum",
      message: "must be an ISO 4217 currency code",
    });
  }
  if (violations.length > 0) throw ApiError.invalidValue(violations);
  return cents;
}

export class Orders {
  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
  ) {}

  async create(userId: string, input: NewOrder): Promise<Order> {
    const row: OrdersTable = {
      id: randomUUID(),
      user_id: userId,
      item: input.item,
      quantity: input.quantity,
      unit_price_cents: checkNewOrder(input),
      currency: input.currency,
      status: "pending",
      created_at: isoAt(this.clock.now()),
    };
    await this.database.transaction((trx) => trx.insertInto("orders").values(row).execute());
    return toOrder(row);
  }

  list(userId: string, query: OrderQuery): Promise<Page<Order>> {
    return this.database.run(async (db) => {
      let filtered = db.selectFrom("orders").where("user_id", "=", userId);
      if (query.status !== undefined) filtered = filtered.where("status", "=", query.status);
      const rows = await filtered
        .selectAll()
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .offset(query.offset)
        .limit(query.limit)
        .execute();
      const { count } = await filtered.select((eb) => eb.fn.countAll().as("count")).executeTakeFirstOrThrow();
      // PostgreSQL's count is a bigint, which pg hands over as a string.
      return { items: rows.map(toOrder), total: Number(count), offset: query.offset, limit: query.limit };
    });
  }

  async get(userId: string, id: string): Promise<Order> {
    const row = await this.database.run((db) =>
      db
        .selectFrom("orders")
        .selectAll()
        .where("id", "=", id)
        .where("user_id", "=", userId)
        .executeTakeFirst(),
    );
    if (row === undefined) throw notFound(id);
    return toOrder(row);
  }

  async remove(userId: string, id: string): Promise<void> {
    const result = await this.database.transaction((trx) =>
      trx.deleteFrom("orders").where("id", "=", id).where("user_id", "=", userId).executeTakeFirst(),
    );
    if (Number(result.numDeletedRows) === 0) throw notFound(id);
  }
}

function notFound(id: string): ApiError<10> {
  return ApiError.notExist({ resource: "order", id });
}
