/**
 * nest-bare.ts with `apiErrorCodes(app)` (and Nest's body parser off, as it asks): the contract's
 * 404 / 405 + Allow, X-Request-Id, the global guard and filter, and the protected server; errors
 * logged through pino at level "warn" (4xx filtered), as the other contract servers do.
 */
import { NestFactory } from "@nestjs/core";
import { apiErrorCodes } from "api-error-codes/nest";
import { pino } from "pino";
import { announce, portArg } from "./common.js";
import { ItemsModule } from "./nest-app.js";

const app = await NestFactory.create(ItemsModule, { logger: false, bodyParser: false });
apiErrorCodes(app, { logger: pino({ level: "warn" }) });
await app.listen(portArg(), "127.0.0.1");
announce(app.getHttpServer());
