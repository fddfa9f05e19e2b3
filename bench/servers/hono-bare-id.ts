/**
 * hono-bare-middleware.ts whose middleware also sets `X-Request-Id` to a fresh UUID: the least any
 * adapter keeping the contract must do on a success route (every answer carries the id). A reference
 * point for bench/pair.ts, not part of `npm run bench`'s table.
 */
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { announce, portArg } from "./common.js";

const app = new Hono();
app.use((c, next) => {
  c.header("X-Request-Id", randomUUID());
  return next();
});

app.get("/items/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "apple" }));

const server = serve({ fetch: app.fetch, port: portArg(), hostname: "127.0.0.1" }, () =>
  announce(server as import("node:http").Server),
);
