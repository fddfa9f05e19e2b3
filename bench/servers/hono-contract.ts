/**
 * Hono 4 on @hono/node-server with apiErrorCodes(app): the same routes as hono-bare.ts, declared with
 * api.route() where they need auth or a body schema. Errors are logged through pino at level "warn"
 * to stdout, as the Fastify servers do (5xx logged, 4xx filtered).
 */
import { serve } from "@hono/node-server";
import { apiErrorCodes } from "api-error-codes/hono";
import { Hono } from "hono";
import { pino } from "pino";
import { announce, boom, ItemBody, lookup, portArg } from "./common.js";

const app = new Hono();
const api = apiErrorCodes(app, { auth: { lookup }, logger: pino({ level: "warn" }) });

app.get("/items/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "apple" }));
app.post("/items", api.route({ schema: { body: ItemBody } }), (c) =>
  c.json({ id: 7, ...(c.req.valid("json") as object) }, 201),
);
app.get("/me", api.route({ auth: true }), (c) => c.json({ id: c.get("principal").id }));
app.get("/boom", () => boom());

const server = serve({ fetch: app.fetch, port: portArg(), hostname: "127.0.0.1" }, () =>
  announce(server as import("node:http").Server),
);
