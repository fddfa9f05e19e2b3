/**
 * nest-fastify-bare.ts with `apiErrorCodes(app)`, Nest's body parser off and the adapter's
 * `frameworkErrors`, errors logged through pino at level "warn" (4xx filtered).
 */
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter } from "@nestjs/platform-fastify";
import { apiErrorCodes, frameworkErrors } from "api-error-codes/nest";
import { pino } from "pino";
import { announce, portArg } from "./common.js";
import { ItemsModule } from "./nest-app.js";

const app = await NestFactory.create(ItemsModule, new FastifyAdapter({ frameworkErrors }), {
  logger: false,
  bodyParser: false,
});
apiErrorCodes(app, { logger: pino({ level: "warn" }) });
await app.listen(portArg(), "127.0.0.1");
announce(app.getHttpServer());
