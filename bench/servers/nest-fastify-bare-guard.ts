/**
 * nest-fastify-bare.ts plus what any contract on NestJS must add to a success route: a Fastify
 * onRequest hook that sets a fresh `X-Request-Id`, and a global guard that lets every request pass
 * (a route's contract can only run where Nest has routed and resolved the handler, which is a guard's
 * place). A reference point for bench/pair.ts, not part of `npm run bench`'s table.
 */
import { randomUUID } from "node:crypto";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import { announce, portArg } from "./common.js";
import { ItemsModule } from "./nest-app.js";

const app = await NestFactory.create<NestFastifyApplication>(ItemsModule, new FastifyAdapter(), {
  logger: false,
});
app
  .getHttpAdapter()
  .getInstance()
  .addHook("onRequest", (_request, reply, done) => {
    reply.header("X-Request-Id", randomUUID());
    done();
  });
app.useGlobalGuards({ canActivate: () => true });
await app.listen(portArg(), "127.0.0.1");
announce(app.getHttpServer());
