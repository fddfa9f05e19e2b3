/**
 * koa-bare.ts with `apiErrorCodes(app)`: the contract's 404 / 405 + Allow, X-Request-Id, and the
 * protected server; errors logged through pino at level "warn" (4xx filtered), as the other contract
 * servers do. For bench/pair.ts.
 */
import Router from "@koa/router";
import { apiErrorCodes, protectServer } from "api-error-codes/koa";
import Koa from "koa";
import { pino } from "pino";
import { announce, portArg } from "./common.js";

const app = new Koa();
apiErrorCodes(app, { logger: pino({ level: "warn" }) });
const router = new Router();
router.get("/items/:id", (ctx) => {
  ctx.body = { id: Number(ctx.params.id), name: "apple" };
});
router.post("/items", (ctx) => {
  ctx.status = 201;
  ctx.body = { id: 7 };
});
app.use(router.routes());

const server = protectServer(app.listen(portArg(), "127.0.0.1", () => announce(server)));
