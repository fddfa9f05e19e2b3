/**
 * hono-bare.ts plus one middleware that only calls `next()`: not part of `npm run bench`'s table, a
 * reference point for bench/pair.ts. Bare Hono answers a route with a single handler synchronously;
 * any middleware, however trivial, makes it compose the chain asynchronously, and this server shows
 * what that alone costs (the floor of every middleware-based adapter, ours included).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { announce, portArg } from "./common.js";

const app = new Hono();
app.use((_c, next) => next());

app.get("/items/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "apple" }));

const server = serve({ fetch: app.fetch, port: portArg(), hostname: "127.0.0.1" }, () =>
  announce(server as import("node:http").Server),
);
