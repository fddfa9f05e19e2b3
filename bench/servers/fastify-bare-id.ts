/**
 * Bare Fastify plus one onRequest hook setting `X-Request-Id` to a fresh UUID: the least any plugin
 * keeping the contract must do on a success route. A reference point for bench/pair.ts only.
 */
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import { announce, portArg } from "./common.js";

const app = Fastify({ logger: { level: "warn" } });
app.addHook("onRequest", (_request, reply, done) => {
  reply.header("x-request-id", randomUUID());
  done();
});

app.get("/items/:id", async (request) => ({
  id: Number((request.params as { id: string }).id),
  name: "apple",
}));

await app.listen({ port: portArg(), host: "127.0.0.1" });
announce(app.server);
