/**
 * An instance of the API on 127.0.0.1, port 0, over real HTTP, with its log lines captured.
 * Configuration goes through `loadConfig`, as in production; tests only make things fast
 * (cheap password hashing, short retry periods).
 */
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { buildApp, createDeps, createLogger, type Deps } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "./clock.js";

export interface TestApi {
  base: string;
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  /** Every log line so far, raw. */
  logs: string[];
  close(): Promise<void>;
}

export const TEST_ENV: Record<string, string> = {
  NODE_ENV: "test",
  LOG_LEVEL: "info",
  PASSWORD_HASH_COST: "10",
  DATABASE_RETRY_MS: "100",
  RATES_TIMEOUT_MS: "300",
  LOGIN_FAILURES_PER_ACCOUNT: "5",
  LOGIN_FAILURES_PER_ADDRESS: "1000",
};

export interface StartOptions {
  databaseUrl: string;
  ratesUrl: string;
  env?: Record<string, string>;
  clock?: ManualClock;
  redisPrefix?: string;
  /** How often the status page samples the error counter (default 5 s). */
  statusSampleMs?: number;
  /** Wait for the database before answering (default true). */
  waitForDatabase?: boolean;
}

export async function startApi(options: StartOptions): Promise<TestApi> {
  const config = loadConfig({ ...TEST_ENV, ...options.env, DATABASE_URL: options.databaseUrl });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const clock = options.clock ?? new ManualClock();
  const deps = createDeps(config, {
    logger: createLogger(config, sink),
    clock,
    ratesUrl: options.ratesUrl,
    ...(options.redisPrefix === undefined ? {} : { redisPrefix: options.redisPrefix }),
  });
  const ready = await deps.database.start();
  if (options.waitForDatabase !== false && !ready) {
    await deps.close();
    throw new Error(`test database not available: ${logs.slice(-3).join("\n")}`);
  }
  const app = await buildApp(
    options.statusSampleMs === undefined ? deps : { ...deps, statusSampleMs: options.statusSampleMs },
  );
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (typeof address !== "object" || address === null) throw new Error("no address");
  return {
    base: `http://127.0.0.1:${address.port}`,
    app,
    deps,
    clock,
    logs,
    close: async () => {
      await app.close();
      await deps.close();
    },
  };
}
