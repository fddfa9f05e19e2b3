/**
 * Bare NestJS 12 on its Fastify platform, with its defaults. For bench/pair.ts against
 * nest-fastify-contract.ts.
 */
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { announce, portArg } from "./common.js";
import { ItemsModule } from "./nest-app.js";

const app = await NestFactory.create(ItemsModule, new FastifyAdapter(), { logger: false });
await app.listen(portArg(), "127.0.0.1");
announce(app.getHttpServer());
