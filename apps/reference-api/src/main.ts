/**
 * `npm start`: read the configuration, start the demo rates service when no RATES_URL is given,
 * connect to the database (or keep trying in the background), listen, print where everything is,
 * and shut down gracefully on SIGTERM / SIGINT.
 */
import { type Config, ConfigError, loadConfig } from "./config.js";
import { DEMO_USERS } from "./domain/users.js";
import { type DemoRatesServer, startDemoRatesServer } from "./rates/demo-server.js";
import { startTelemetry } from "./telemetry.js";

function fail(message: string): never {
  process.stderr.write(`reference-api: ${message}\n`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(`invalid configuration: ${error.message}`);
  throw error;
}

/** Where a client on this machine reaches the server: a wildcard address is not one to connect to. */
function localBase(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}

function describeDatabase(c: Config): string {
  if (c.database.kind === "sqlite") return `SQLite ${c.database.path}`;
  return `PostgreSQL database "${c.database.database}"`;
}

/** The curl commands of the banner: a session, a success, and several error codes. */
function tryIt(api: string): string {
  const [member] = DEMO_USERS;
  const json = "-H 'content-type: application/json'";
  const auth = '-H "authorization: Bearer $TOKEN"';
  const uuid = "00000000-0000-4000-8000-000000000000";
  const lines = [
    "# log in as the member (201) and keep the access token",
    `TOKEN=$(curl -s -X POST ${api}/v1/auth/token ${json} -d '{"email":"${member.email}","password":"${member.password}"}' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
    "# place an order: 201 with Location",
    `curl -i -X POST ${api}/v1/orders ${auth} ${json} -d '{"item":"coffee beans","quantity":2,"unit_price":12.5,"currency":"EUR"}'`,
    "# list your orders: 200",
    `curl -s ${api}/v1/orders ${auth}`,
    "# quote your newest order in USD through the rates service: 200",
    `ORDER=$(curl -s '${api}/v1/orders?limit=1' ${auth} | sed -E 's/.*"id":"([^"]+)".*/\\1/'); curl -s "${api}/v1/orders/$ORDER/quote?currency=USD" ${auth}`,
    "# 6 AUTH_NOT_PROVIDED: no token",
    `curl -s ${api}/v1/orders`,
    "# 5 INVALID_TYPE: limit is not an integer",
    `curl -s '${api}/v1/orders?limit=ten' ${auth}`,
    "# 4 INVALID_VALUE: negative offset, limit over 100",
    `curl -s '${api}/v1/orders?offset=-1&limit=500' ${auth}`,
    "# 3 INVALID_STRUCTURE: truncated JSON",
    `curl -s -X POST ${api}/v1/orders ${auth} ${json} -d '{"item":'`,
    "# 10 NOT_EXIST: no such order",
    `curl -s ${api}/v1/orders/${uuid} ${auth}`,
    "# 1 NOT_ALLOWED: PATCH is not a method of /v1/orders (see the Allow header)",
    `curl -si -X PATCH ${api}/v1/orders`,
    "# 2 NOT_REALIZED: documented, not implemented",
    `curl -s -X POST ${api}/v1/orders/${uuid}/refund`,
    "# 9 AUTH_FORBIDDEN: members may not list users",
    `curl -s ${api}/v1/admin/users ${auth}`,
    "# 7 AUTH_INVALID: wrong password (repeat it to get 429 / 100 TOO_MANY_ATTEMPTS)",
    `curl -s -X POST ${api}/v1/auth/token ${json} -d '{"email":"${member.email}","password":"wrong"}'`,
  ];
  return lines.map((line) => `  ${line}`).join("\n");
}

function banner(c: Config, api: string, rates: string, demo: boolean, databaseReady: boolean): string {
  const database = databaseReady
    ? `${describeDatabase(c)} (ready)`
    : `${describeDatabase(c)} is UNAVAILABLE: retrying every ${c.databaseRetryMs} ms; meanwhile /ready and the database routes answer 503 / 12`;
  const users = DEMO_USERS.map((u) => `${u.email} / ${u.password}`).join(", ");
  return `
reference-api is listening (NODE_ENV=${c.nodeEnv})

  API       ${api}
  Docs      ${api}/docs
  OpenAPI   ${api}/openapi.json
  Health    ${api}/health, ${api}/ready
  Rates     ${rates}${demo ? " (demo service started with the API; set RATES_URL to use another)" : ""}
  Database  ${database}

Demo users: ${users}

Try it (paste into a shell):

${tryIt(api)}

Stop with Ctrl-C (SIGINT) or SIGTERM: in-flight requests finish first.
`;
}

// Before Fastify is loaded, so that its HTTP server gets spans (only when OTEL_* asks for it).
const telemetry = await startTelemetry(process.env);
// Loaded once the configuration is known to be good: a bad variable is reported without waiting
// for Fastify, Kysely and the drivers to load.
const { buildApp, createDeps, createLogger } = await import("./app.js");
const { pino } = await import("pino");
// One stdout stream for the logs and the banner, so that they appear in the order they were written.
// Asynchronous: under a flood of refused requests (each one logged) lines written while a write is
// in flight go out together instead of one write(2) each; pino flushes it when the process exits.
const stdout = pino.destination({ dest: 1, sync: false });
const logger = createLogger(config, stdout);
let demo: DemoRatesServer | undefined;
if (config.ratesUrl === undefined) demo = await startDemoRatesServer("127.0.0.1", 0);
const ratesUrl = config.ratesUrl ?? (demo as DemoRatesServer).url;
const deps = createDeps(config, { logger, ratesUrl });
// Never rejects: when the database is down the API starts anyway and keeps trying.
const databaseReady = await deps.database.start();
const app = await buildApp(deps);

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  const code = (error as { code?: string }).code;
  await deps.close();
  await demo?.close();
  fail(
    `cannot listen on ${config.host}:${config.port}: ${code === "EADDRINUSE" ? "the address is in use (set PORT)" : String(error)}`,
  );
}

const address = app.server.address();
const port = typeof address === "object" && address !== null ? address.port : config.port;
const api = localBase(config.host, port);
if (config.nodeEnv === "production") {
  logger.info(
    { api, docs: `${api}/docs`, rates: ratesUrl, database_ready: databaseReady },
    "reference-api listening",
  );
} else {
  stdout.write(banner(config, api, ratesUrl, demo !== undefined, databaseReady));
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    logger.warn({ signal }, "second signal: exiting without waiting");
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, "shutting down: no new connections, finishing the requests in flight");
  const deadline = setTimeout(() => {
    logger.error({ timeout_ms: config.shutdownTimeoutMs }, "shutdown took too long; exiting");
    process.exit(1);
  }, config.shutdownTimeoutMs);
  deadline.unref();
  try {
    await app.close(); // stops accepting, waits for in-flight requests, closes idle keep-alive sockets
    await deps.close(); // database pool, throttle store
    await demo?.close();
    await telemetry?.shutdown(); // exports what is still buffered
    logger.info("stopped");
  } catch (error) {
    logger.error({ err: error }, "error while shutting down");
    process.exitCode = 1;
  }
}

process.on("SIGTERM", (signal) => void shutdown(signal));
process.on("SIGINT", (signal) => void shutdown(signal));
