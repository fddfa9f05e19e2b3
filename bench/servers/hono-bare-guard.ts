/**
 * hono-bare-id.ts whose middleware also looks at the response once the app has made it: the least an
 * adapter must add to a success route on Hono to keep every answer in the contract, since an error
 * response some handler or another middleware returns can only be seen (and replaced) after
 * `next()`. A reference point for bench/pair.ts, not part of `npm run bench`'s table.
 */
import { randomUUID } from "node:crypto";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { announce, portArg } from "./common.js";

const app = new Hono();
const seen = new WeakSet<Response>();
app.use((c, next) => {
  c.header("X-Request-Id", randomUUID());
  return next().then(() => {
    // Where the adapter reads an error body it did not make; a success passes untouched.
    if (c.res.status >= 400 && !seen.has(c.res)) seen.add(c.res);
  });
});

app.get("/items/:id", (c) => c.json({ id: Number(c.req.param("id")), name: "apple" }));

const server = serve({ fetch: app.fetch, port: portArg(), hostname: "127.0.0.1" }, () =>
  announce(server as import("node:http").Server),
);
