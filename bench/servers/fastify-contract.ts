/**
 * Fastify 5 with the api-error-codes plugin: the same routes and logger as fastify-bare.ts, with the
 * contract's answers (405 + Allow, 400 from the library's validator, 401 from `config.auth`, 500
 * without the message, X-Request-Id everywhere). Errors are logged through `request.log`.
 */
import { apiErrorCodes, serverOptions } from "api-error-codes/fastify";
import Fastify from "fastify";
import { announce, boom, ItemBody, lookup, portArg } from "./common.js";

const app = Fastify({ logger: { level: "warn" }, ...serverOptions });
await app.register(apiErrorCodes, { auth: { lookup } });

app.get("/items/:id", async (request) => ({
  id: Number((request.params as { id: string }).id),
  name: "apple",
}));
app.post("/items", { schema: { body: ItemBody } }, async (request, reply) =>
  reply.code(201).send({ id: 7, ...(request.body as object) }),
);
app.get("/me", { config: { auth: true } }, async (request) => ({ id: request.principal?.id }));
app.get("/boom", async () => boom());

await app.listen({ port: portArg(), host: "127.0.0.1" });
announce(app.server);
