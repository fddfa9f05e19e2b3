/**
 * Bare Fastify 5 with its defaults: its router (404 for an unknown path, and for a known path with
 * another method: no 405), its ajv validation (which coerces types), its default error handler (the
 * thrown message goes to the client) and its pino logger at level "warn" (5xx are logged, 4xx are
 * info and filtered), writing to stdout. GET /me checks the header by hand.
 */
import Fastify from "fastify";
import { announce, boom, ItemBody, portArg } from "./common.js";

const app = Fastify({ logger: { level: "warn" } });

app.get("/items/:id", async (request) => ({
  id: Number((request.params as { id: string }).id),
  name: "apple",
}));
app.post("/items", { schema: { body: ItemBody } }, async (request, reply) =>
  reply.code(201).send({ id: 7, ...(request.body as object) }),
);
app.get("/me", async (request, reply) => {
  if (request.headers.authorization === undefined) {
    return reply.code(401).header("www-authenticate", "Bearer").send({ error: "missing token" });
  }
  return { id: "u-1" };
});
app.get("/boom", async () => boom());

await app.listen({ port: portArg(), host: "127.0.0.1" });
announce(app.server);
