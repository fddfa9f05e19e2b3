// A Hono app that already validates with @hono/standard-validator: standardHook(api) turns its
// failures into the contract's 3 / 5 / 4, whichever Standard Schema library the route uses.
import { sValidator } from "@hono/standard-validator";
import { apiErrorCodes, standardHook } from "api-error-codes/hono";
import { type } from "arktype";
import { Hono } from "hono";

export const app = new Hono();
const api = apiErrorCodes(app);

const NewOrder = type({ "+": "reject", item: "0 < string <= 100", quantity: "1 <= number.integer <= 1000" });

app.post("/orders", sValidator("json", NewOrder, standardHook(api)), (c) => c.json(c.req.valid("json"), 201));
