/**
 * Bare Hono 4 on @hono/node-server with its defaults: text 404 for an unknown path and for a known
 * path with another method, the default onError (console.error of the error, text 500), a hand check
 * of the JSON body on POST /items and of the Authorization header on GET /me.
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { announce, boom, portArg } from "./common.js";

const app = new Hono();

app.get("/items/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "apple" }));
app.post("/items", async (c) => {
  const body = (await c.req.json().catch(() => undefined)) as { name?: unknown } | undefined;
  if (typeof body?.name !== "string") return c.json({ error: "name must be a string" }, 400);
  return c.json({ id: 7, name: body.name }, 201);
});
app.get("/me", (c) => {
  if (c.req.header("authorization") === undefined) {
    return c.json({ error: "missing token" }, 401, { "WWW-Authenticate": "Bearer" });
  }
  return c.json({ id: "u-1" });
});
app.get("/boom", () => boom());

const server = serve({ fetch: app.fetch, port: portArg(), hostname: "127.0.0.1" }, () =>
  announce(server as import("node:http").Server),
);
