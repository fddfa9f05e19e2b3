/**
 * The service without a listening socket: `createDeps(config)` makes what it depends on (logger,
 * database, throttle, rates client), `buildApp(deps)` the Fastify instance. Tests build several
 * instances, on one database or several, with their own clocks and upstreams.
 */
import type { ErrorLogger } from "api-error-codes";
import { apiErrorCodes, serverOptions } from "api-error-codes/fastify";
import Fastify, { type FastifyInstance, LogController } from "fastify";
import { type DestinationStream, type Logger, pino } from "pino";
import { Registry } from "prom-client";
import { PasswordHasher } from "./auth/passwords.js";
import { catalogRoutes } from "./catalog.js";
import { type Clock, systemClock } from "./clock.js";
import type { Config } from "./config.js";
import { Database } from "./db/database.js";
import { docsRoutes } from "./docs.js";
import { Orders } from "./domain/orders.js";
import { Tokens, type TokenTtl } from "./domain/tokens.js";
import { seedDemoUsers, Users } from "./domain/users.js";
import { german } from "./messages.js";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi.js";
import { RatesClient } from "./rates/client.js";
import { adminRoutes } from "./routes/admin.js";
import { authRoutes } from "./routes/auth.js";
import { healthRoutes } from "./routes/health.js";
import { meRoutes } from "./routes/me.js";
import { orderRoutes } from "./routes/orders.js";
import { schemaNames } from "./routes/schemas.js";
import type { RouteSpec } from "./routes/spec.js";
import { ErrorHistory, statusRoutes } from "./status.js";
import { type LoginThrottle, MemoryThrottle } from "./throttle.js";
import { RedisThrottle } from "./throttle-redis.js";

export const API_VERSION = "1.0.0";

/** What the app is built from. */
export interface AppDeps {
  logger: Logger;
  /** Fastify's `trustProxy` (see Config). Default false. */
  trustProxy?: boolean | string;
  clock: Clock;
  database: Database;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  rates: RatesClient;
  tokenTtl: TokenTtl;
  /** How often the status page's history samples the error counter. Default 5 s. */
  statusSampleMs?: number;
}

/** What the route handlers use. */
export interface Services {
  database: Database;
  users: Users;
  tokens: Tokens;
  orders: Orders;
  hasher: PasswordHasher;
  throttle: LoginThrottle;
  rates: RatesClient;
}

/**
 * Tokens and passwords must never reach a log line: Fastify does not log bodies or headers, and
 * these paths are censored should any code log such an object anyway.
 */
const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "*.password",
  "*.access_token",
  "*.refresh_token",
  "*.password_hash",
  "password",
  "access_token",
  "refresh_token",
];

export function createLogger(config: Pick<Config, "logLevel">, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: "reference-api" },
    redact: { paths: REDACT, censor: "[redacted]" },
    // Fastify logs each request's URL; a query string may carry a secret (a token pasted into a
    // link), so only the path is logged.
    serializers: {
      req: (req: { method?: string; url?: string; ip?: string }) => ({
        method: req.method,
        url: String(req.url ?? "").split("?", 1)[0],
        remoteAddress: req.ip,
      }),
    },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

export interface DepsOptions {
  logger?: Logger;
  clock?: Clock;
  /** The rates service's base URL; `config.ratesUrl` when omitted (one of them must be set). */
  ratesUrl?: string;
  /** Prefix of the Redis keys (tests isolate runs with it). */
  redisPrefix?: string;
}

export interface Deps extends AppDeps {
  close(): Promise<void>;
}

export function createDeps(config: Config, options: DepsOptions = {}): Deps {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? systemClock;
  const hasher = new PasswordHasher(config.passwordHashCost);
  const seed = async (db: Parameters<typeof seedDemoUsers>[0]) => {
    const created = await seedDemoUsers(db, hasher, clock);
    if (created.length > 0) logger.info({ users: created }, "demo users created");
  };
  const database = new Database({
    target: config.database,
    retryMs: config.databaseRetryMs,
    logger: logger.child({ component: "database" }),
    // Demo accounts exist everywhere except in production.
    ...(config.nodeEnv === "production" ? {} : { onAvailable: seed }),
  });
  const limits = {
    perAccount: config.loginFailuresPerAccount,
    perAddress: config.loginFailuresPerAddress,
    windowSeconds: config.loginWindowSeconds,
  };
  const throttle: LoginThrottle =
    config.redisUrl === undefined
      ? new MemoryThrottle(limits, clock)
      : new RedisThrottle(config.redisUrl, limits, clock, logger, options.redisPrefix);
  const ratesUrl = options.ratesUrl ?? config.ratesUrl;
  if (ratesUrl === undefined) throw new Error("createDeps: no rates service URL");
  const rates = new RatesClient({
    url: ratesUrl,
    timeoutMs: config.ratesTimeoutMs,
    circuitThreshold: config.ratesCircuitThreshold,
    circuitResetMs: config.ratesCircuitResetMs,
    clock,
    logger,
  });
  return {
    logger,
    clock,
    database,
    hasher,
    throttle,
    rates,
    tokenTtl: { access: config.accessTokenTtl, refresh: config.refreshTokenTtl },
    trustProxy: config.trustProxy,
    close: async () => {
      await database.close();
      await throttle.close();
    },
  };
}

/**
 * Where the library's error entries go: the base logger, because each entry carries `request_id`
 * itself and Fastify's request logger would add the same key a second time. `err` is copied without
 * a prototype so that pino's error serializer keeps the library's `type` field.
 */
function errorLogger(logger: Logger): ErrorLogger {
  const plain = (entry: object): object => {
    const err = (entry as { err?: object }).err;
    return err === undefined ? entry : { ...entry, err: Object.assign(Object.create(null) as object, err) };
  };
  return {
    info: (entry, message) => logger.info(plain(entry), message),
    error: (entry, message) => logger.error(plain(entry), message),
  };
}

/** Every route of the service, documented ones without a handler included. */
function routesOf(services: Services, document: () => OpenApiDocument): RouteSpec[] {
  return [
    ...authRoutes(services),
    ...meRoutes(services),
    ...orderRoutes(services),
    ...adminRoutes(services),
    ...healthRoutes(services),
    ...docsRoutes(document),
  ];
}

/** Fastify's part of a route declaration. */
function fastifySchema(route: RouteSpec): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  if (route.params !== undefined) schema.params = route.params;
  if (route.querystring !== undefined) schema.querystring = route.querystring;
  if (route.body !== undefined) schema.body = route.body;
  // Answers are serialized by their schema (only declared fields leave the server); named schemas
  // only, because a free-form or non-JSON answer must be sent as it is.
  const answer = route.success.schema;
  if (answer !== undefined && schemaNames.has(answer)) schema.response = { [route.success.status]: answer };
  return schema;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const services: Services = {
    database: deps.database,
    users: new Users(deps.database),
    tokens: new Tokens(deps.database, deps.clock, deps.tokenTtl, deps.logger),
    orders: new Orders(deps.database, deps.clock),
    hasher: deps.hasher,
    throttle: deps.throttle,
    rates: deps.rates,
  };
  let document: OpenApiDocument | undefined;
  // Per app, so that several instances in one process (the tests) count apart.
  const metrics = new Registry();
  const history = new ErrorHistory(metrics, deps.statusSampleMs);
  const routes = [
    ...routesOf(services, () => document as OpenApiDocument),
    ...statusRoutes(metrics, history),
    ...catalogRoutes(),
  ];
  document = buildOpenApiDocument(
    routes.filter((route) => route.hidden !== true),
    API_VERSION,
  );

  const app = Fastify({
    loggerInstance: deps.logger,
    ...serverOptions,
    // Fastify's request log lines carry the same field name as the library's error entries.
    logController: new LogController({ requestIdLogLabel: "request_id" }),
    // Fastify's own 503 during shutdown has a body outside the contract; requests that arrive on
    // open connections while draining are served instead (with `Connection: close`).
    return503OnClosing: false,
    // Behind a load balancer the client address (per-address login throttling) comes from
    // X-Forwarded-For, believed only for the configured proxies.
    trustProxy: deps.trustProxy ?? false,
    // A client that has not sent its whole request after 30 s gets 408 / 3 (slowloris).
    requestTimeout: 30_000,
  });
  // Answers sent while shutting down close their connection: a keep-alive socket that becomes idle
  // after `close()` began would otherwise keep the server (and the shutdown) waiting.
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    history.stop();
    done();
  });
  app.addHook("onSend", (_request, reply, payload, done) => {
    if (closing) reply.header("connection", "close");
    done(null, payload);
  });
  await app.register(apiErrorCodes, {
    auth: {
      lookup: (token) => services.tokens.authenticate(token),
      now: () => deps.clock.now(),
    },
    // Documented operations without a handler (the refund) answer 501 / 2 from the route table.
    openapi: document,
    logger: errorLogger(deps.logger),
    prometheus: metrics,
    // Errors in English or German, and as RFC 9457 Problem Details to a client that asks for them.
    languages: { de: german },
    problemDetails: true,
    // Every answer links its code's page of the catalogue at /docs/errors.
    docLinks: true,
  });
  for (const route of routes) {
    if (route.handler === undefined) continue;
    app.route({
      method: route.method,
      url: route.url,
      schema: fastifySchema(route),
      config: route.auth === undefined ? {} : { auth: route.auth },
      handler: route.handler,
    });
  }
  return app as unknown as FastifyInstance;
}
