/**
 * Bare Koa 3 with @koa/router and its defaults (text 404 for an unknown path, and for a known path
 * with another method unless `allowedMethods()` is used, which it is here: 405 with Allow). For
 * bench/pair.ts against koa-contract.ts; not part of `npm run bench`'s table.
 */
import Router from "@koa/router";
import Koa from "koa";
import { announce, portArg } from "./common.js";

const app = new Koa();
const router = new Router();
router.get("/items/:id", (ctx) => {
  ctx.body = { id: Number(ctx.params.id), name: "apple" };
});
router.post("/items", (ctx) => {
  ctx.status = 201;
  ctx.body = { id: 7 };
});
app.use(router.routes()).use(router.allowedMethods());

const server = app.listen(portArg(), "127.0.0.1", () => announce(server));
