/**
 * Bare NestJS 12 (Express platform) with its defaults: JSON 404 for an unknown path and for a
 * known path with another method. For bench/pair.ts against nest-contract.ts.
 */
import { NestFactory } from "@nestjs/core";
import { announce, portArg } from "./common.js";
import { ItemsModule } from "./nest-app.js";

const app = await NestFactory.create(ItemsModule, { logger: false });
await app.listen(portArg(), "127.0.0.1");
announce(app.getHttpServer());
