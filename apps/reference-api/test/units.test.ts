/** The parts without HTTP: configuration, passwords and tokens, the circuit breaker, login throttling. */
import { type ApiError, isApiError } from "api-error-codes";
import { describe, expect, it } from "vitest";
import { PasswordHasher } from "../src/auth/passwords.js";
import { digest, hasOurTag, newToken, newTokenKey } from "../src/auth/tokens.js";
import { ConfigError, loadConfig, parseDatabaseUrl } from "../src/config.js";
import { CircuitBreaker } from "../src/rates/circuit-breaker.js";
import { MemoryThrottle } from "../src/throttle.js";
import { ManualClock } from "./support/clock.js";

const configError = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("no ConfigError");
};

describe("configuration", () => {
  it("has working defaults: SQLite file, port 3000 on 127.0.0.1, 15 min / 30 day tokens", () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      database: { kind: "sqlite", path: "./data/reference.sqlite" },
      ratesUrl: undefined,
      ratesTimeoutMs: 2000,
      accessTokenTtl: 900,
      refreshTokenTtl: 2_592_000,
      logLevel: "info",
      nodeEnv: "development",
      redisUrl: undefined,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://app:pw@db.internal:5432/orders",
      RATES_URL: "https://rates.example/",
      RATES_TIMEOUT_MS: "500",
      ACCESS_TOKEN_TTL: "60",
      REFRESH_TOKEN_TTL: "3600",
      LOG_LEVEL: "warn",
      NODE_ENV: "production",
      REDIS_URL: "redis://cache:6379",
      TRUST_PROXY: "10.0.0.0/8, 192.168.1.1",
    });
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      database: { kind: "postgres", database: "orders" },
      ratesUrl: "https://rates.example",
      ratesTimeoutMs: 500,
      accessTokenTtl: 60,
      refreshTokenTtl: 3600,
      logLevel: "warn",
      nodeEnv: "production",
      redisUrl: "redis://cache:6379",
      trustProxy: "10.0.0.0/8, 192.168.1.1",
    });
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({}).trustProxy).toBe(false);
  });

  it("names the variable of a bad value, without echoing credentials", () => {
    expect(configError({ PORT: "70000" }).message).toBe(
      'PORT must be an integer from 0 to 65535, got "70000"',
    );
    expect(configError({ ACCESS_TOKEN_TTL: "15m" }).variable).toBe("ACCESS_TOKEN_TTL");
    expect(configError({ RATES_URL: "ftp://x" }).variable).toBe("RATES_URL");
    expect(configError({ NODE_ENV: "prod" }).variable).toBe("NODE_ENV");
    expect(configError({ REDIS_URL: "localhost:6379" }).variable).toBe("REDIS_URL");
    expect(configError({ TRUST_PROXY: "everyone" }).variable).toBe("TRUST_PROXY");
    const database = configError({ DATABASE_URL: "mysql://root:hunter2@db/app" });
    expect(database.variable).toBe("DATABASE_URL");
    expect(database.message).not.toContain("hunter2");
    expect(configError({ DATABASE_URL: "postgres://user:pw@host/" }).message).not.toContain("pw");
  });

  it("parses sqlite: and postgres:// URLs", () => {
    expect(parseDatabaseUrl("sqlite:./x.db")).toStrictEqual({ kind: "sqlite", path: "./x.db" });
    expect(parseDatabaseUrl("sqlite:///var/lib/x.db")).toStrictEqual({
      kind: "sqlite",
      path: "/var/lib/x.db",
    });
    expect(parseDatabaseUrl("sqlite::memory:")).toStrictEqual({ kind: "sqlite", path: ":memory:" });
    expect(parseDatabaseUrl("postgresql://u@h/db%20x")).toMatchObject({ kind: "postgres", database: "db x" });
  });
});

describe("passwords and tokens", () => {
  const hasher = new PasswordHasher(10);

  it("hashes with scrypt and a salt; verifies in constant time", async () => {
    const a = await hasher.hash("correct horse");
    const b = await hasher.hash("correct horse");
    expect(a).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    await expect(hasher.verify("correct horse", a)).resolves.toBe(true);
    await expect(hasher.verify("correct horse!", a)).resolves.toBe(false);
    await expect(hasher.verify("x", "bcrypt$whatever")).resolves.toBe(false);
    // A hash made at another cost still verifies: the parameters travel with it.
    await expect(new PasswordHasher(11).verify("correct horse", a)).resolves.toBe(true);
    await expect(hasher.verifyDecoy("anything")).resolves.toBe(false);
  });

  it("makes 32-byte base64url tokens, 24 random bytes and a tag, and stores only their SHA-256", () => {
    const key = Buffer.from(newTokenKey(), "hex");
    const token = newToken(key);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(newToken(key)).not.toBe(token);
    expect(digest(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(digest(token)).not.toContain(token);
  });

  it("tells its own tokens from made-up ones by their tag, without a lookup", () => {
    const key = Buffer.from(newTokenKey(), "hex");
    const token = newToken(key);
    expect(hasOurTag(key, token)).toBe(true);
    // Another key (another deployment), a changed random part, a changed tag, another length.
    expect(hasOurTag(Buffer.from(newTokenKey(), "hex"), token)).toBe(false);
    const bytes = Buffer.from(token, "base64url");
    for (const at of [0, 23, 24, 31]) {
      const changed = Buffer.from(bytes);
      changed[at] = (changed[at] as number) ^ 1;
      expect(hasOurTag(key, changed.toString("base64url"))).toBe(false);
    }
    expect(hasOurTag(key, token.slice(0, 42))).toBe(false);
    expect(hasOurTag(key, "")).toBe(false);
  });
});

describe("circuit breaker", () => {
  const failing = () => Promise.reject(new Error("down"));
  const open = (error: unknown) => isApiError(error, 11) && error.details.reason === "circuit_open";

  it("opens after the threshold, refuses with Retry-After, lets one probe through when half-open", async () => {
    const clock = new ManualClock(0);
    const states: string[] = [];
    const breaker = new CircuitBreaker({
      service: "rates",
      threshold: 2,
      resetMs: 5000,
      clock,
      onChange: (s) => states.push(s),
    });
    await expect(breaker.run(failing)).rejects.toThrow("down");
    await expect(breaker.run(failing)).rejects.toThrow("down");
    expect(breaker.state).toBe("open");
    const refused = await breaker.run(() => Promise.resolve(1)).catch((error: unknown) => error);
    expect(open(refused)).toBe(true);
    expect((refused as ApiError<11>).status).toBe(503);
    expect((refused as ApiError<11>).headers).toStrictEqual({ "Retry-After": "5" });

    clock.advance(5000);
    let release: (value: string) => void = () => {};
    const probe = breaker.run(() => new Promise<string>((resolve) => (release = resolve)));
    expect(breaker.state).toBe("half_open");
    // While the probe is out, everyone else is refused.
    expect(open(await breaker.run(() => Promise.resolve("x")).catch((e: unknown) => e))).toBe(true);
    release("ok");
    await expect(probe).resolves.toBe("ok");
    expect(breaker.state).toBe("closed");
    await expect(breaker.run(() => Promise.resolve(2))).resolves.toBe(2);
    expect(states).toStrictEqual(["open", "half_open", "closed"]);
  });

  it("a failed probe opens the circuit for another period; successes reset the count", async () => {
    const clock = new ManualClock(0);
    const breaker = new CircuitBreaker({ service: "rates", threshold: 2, resetMs: 1000, clock });
    await breaker.run(failing).catch(() => {});
    await breaker.run(() => Promise.resolve(0));
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe("closed");
    await breaker.run(failing).catch(() => {});
    expect(breaker.state).toBe("open");
    clock.advance(1000);
    await expect(breaker.run(failing)).rejects.toThrow("down");
    expect(breaker.state).toBe("open");
    clock.advance(999);
    expect(open(await breaker.run(() => Promise.resolve(1)).catch((e: unknown) => e))).toBe(true);
  });
});

describe("login throttle (per instance)", () => {
  it("blocks an account or an address for the rest of the window; success clears the account", async () => {
    const clock = new ManualClock(0);
    const throttle = new MemoryThrottle({ perAccount: 2, perAddress: 3, windowSeconds: 60 }, clock);
    const keys = { account: "a@x", address: "10.0.0.1" };
    await throttle.failed(keys);
    await throttle.succeeded(keys);
    await throttle.failed(keys);
    expect(await throttle.blockedFor(keys)).toBe(0);
    clock.advance(10_000);
    await throttle.failed(keys);
    expect(await throttle.blockedFor(keys)).toBe(50); // the window started at the first failure
    expect(await throttle.blockedFor({ account: "b@x", address: "10.0.0.2" })).toBe(0);
    await throttle.failed({ account: "c@x", address: "10.0.0.1" }); // third from this address
    expect(await throttle.blockedFor({ account: "d@x", address: "10.0.0.1" })).toBe(50);
    clock.advance(50_000);
    expect(await throttle.blockedFor(keys)).toBe(0);
  });
});
