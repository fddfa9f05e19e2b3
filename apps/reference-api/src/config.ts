/**
 * Configuration from the environment. Every variable is checked once, at start-up: a bad value
 * stops the process with one line that names the variable, instead of a failure minutes later.
 */

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | { kind: "postgres"; url: string; database: string };

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
export type NodeEnv = "development" | "production" | "test";

export interface Config {
  port: number;
  host: string;
  database: DatabaseTarget;
  /** Milliseconds between attempts to reach an unavailable database (also `Retry-After`). */
  databaseRetryMs: number;
  /** Unset: `npm start` runs the demo rates service beside the API. */
  ratesUrl: string | undefined;
  ratesTimeoutMs: number;
  /** Consecutive failed calls that open the rates circuit. */
  ratesCircuitThreshold: number;
  /** How long the open circuit refuses calls before one probe is let through. */
  ratesCircuitResetMs: number;
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /** log2 of scrypt's N: 15 in production (about 50-100 ms per hash), lower only for tests. */
  passwordHashCost: number;
  loginFailuresPerAccount: number;
  loginFailuresPerAddress: number;
  loginWindowSeconds: number;
  redisUrl: string | undefined;
  /** Fastify's `trustProxy`: whose X-Forwarded-For to believe for the client address (throttling). */
  trustProxy: boolean | string;
  logLevel: LogLevel;
  nodeEnv: NodeEnv;
  shutdownTimeoutMs: number;
}

/** A configuration problem; `message` is the one line printed before exiting. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
  }
}

export const DEFAULT_DATABASE_URL = "sqlite:./data/reference.sqlite";
const LOG_LEVELS: readonly LogLevel[] = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];
const NODE_ENVS: readonly NodeEnv[] = ["development", "production", "test"];

type Env = Readonly<Record<string, string | undefined>>;

/** Shows a rejected value without echoing anything long or secret-looking in full. */
function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got ${shown(raw)}`);
  }
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(", ")}, got ${shown(raw)}`);
  }
  return raw as T;
}

function httpUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be an http:// or https:// URL, got ${shown(raw)}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigError(name, `must be an http:// or https:// URL, got a ${url.protocol} URL`);
  }
  return raw.replace(/\/+$/, "");
}

/** `sqlite:<path>` or `postgres://...`; a URL's credentials are never repeated in the error. */
export function parseDatabaseUrl(raw: string): DatabaseTarget {
  if (raw.startsWith("sqlite:")) {
    // `sqlite://x` and `sqlite:x` both name the file x; `sqlite:///abs` names /abs.
    const path = raw.slice("sqlite:".length).replace(/^\/\/(?=.)/, "");
    if (path === "") throw new ConfigError("DATABASE_URL", "names no file: use sqlite:<path>");
    return { kind: "sqlite", path };
  }
  if (/^postgres(ql)?:\/\//.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a valid postgres:// URL");
    }
    const database = decodeURIComponent(url.pathname.replace(/^\//, ""));
    if (url.hostname === "" || database === "") {
      throw new ConfigError(
        "DATABASE_URL",
        "must name a host and a database: postgres://user@host:5432/name",
      );
    }
    return { kind: "postgres", url: raw, database };
  }
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(raw)?.[0];
  throw new ConfigError(
    "DATABASE_URL",
    `must start with postgres://, postgresql:// or sqlite:, got ${scheme === undefined ? shown(raw) : `a ${scheme} URL`}`,
  );
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL;
  if (raw === undefined || raw === "") return undefined;
  if (!/^rediss?:\/\/./.test(raw)) {
    throw new ConfigError("REDIS_URL", "must start with redis:// or rediss://");
  }
  return raw;
}

/** `true`, `false`, or a comma-separated list of proxy addresses / CIDRs. */
function trustProxy(env: Env): boolean | string {
  const raw = env.TRUST_PROXY?.trim();
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  if (!/^[0-9A-Fa-f.:/,\s]+$/.test(raw)) {
    throw new ConfigError("TRUST_PROXY", "must be true, false or a comma-separated list of proxy addresses");
  }
  return raw;
}

function host(env: Env): string {
  const raw = env.HOST;
  if (raw === undefined || raw === "") return "127.0.0.1";
  if (!/^[A-Za-z0-9.:_-]+$/.test(raw))
    throw new ConfigError("HOST", `is not a host name or address: ${shown(raw)}`);
  return raw;
}

/**
 * The configuration, or a {@link ConfigError} naming the first bad variable.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(env: Env): Config {
  const day = 86_400;
  return {
    port: integer(env, "PORT", 3000, 0, 65_535),
    host: host(env),
    database: parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL),
    databaseRetryMs: integer(env, "DATABASE_RETRY_MS", 2000, 50, 600_000),
    ratesUrl: httpUrl(env, "RATES_URL"),
    ratesTimeoutMs: integer(env, "RATES_TIMEOUT_MS", 2000, 1, 120_000),
    ratesCircuitThreshold: integer(env, "RATES_CIRCUIT_THRESHOLD", 5, 1, 1000),
    ratesCircuitResetMs: integer(env, "RATES_CIRCUIT_RESET_MS", 30_000, 10, 3_600_000),
    accessTokenTtl: integer(env, "ACCESS_TOKEN_TTL", 900, 1, 7 * day),
    refreshTokenTtl: integer(env, "REFRESH_TOKEN_TTL", 30 * day, 1, 365 * day),
    passwordHashCost: integer(env, "PASSWORD_HASH_COST", 15, 4, 20),
    loginFailuresPerAccount: integer(env, "LOGIN_FAILURES_PER_ACCOUNT", 5, 1, 10_000),
    loginFailuresPerAddress: integer(env, "LOGIN_FAILURES_PER_ADDRESS", 50, 1, 1_000_000),
    loginWindowSeconds: integer(env, "LOGIN_WINDOW_SECONDS", 900, 1, day),
    redisUrl: redisUrl(env),
    trustProxy: trustProxy(env),
    logLevel: oneOf(env, "LOG_LEVEL", LOG_LEVELS, "info"),
    nodeEnv: oneOf(env, "NODE_ENV", NODE_ENVS, "development"),
    shutdownTimeoutMs: integer(env, "SHUTDOWN_TIMEOUT_MS", 10_000, 100, 600_000),
  };
}
