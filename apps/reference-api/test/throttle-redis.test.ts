/** Login throttling kept in Redis: shared by every instance, and still working when Redis is gone. */
import { randomBytes } from "node:crypto";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { RedisThrottle } from "../src/throttle-redis.js";
import { ManualClock } from "./support/clock.js";
import { REDIS_URL, redisAvailable } from "./support/redis.js";

const withRedis = await redisAvailable();
const limits = { perAccount: 3, perAddress: 100, windowSeconds: 60 };
const logger = pino({ level: "silent" });

describe.skipIf(!withRedis)("Redis throttle", () => {
  const prefix = `reference-test-${randomBytes(4).toString("hex")}:`;
  const a = new RedisThrottle(REDIS_URL, limits, new ManualClock(), logger, prefix);
  const b = new RedisThrottle(REDIS_URL, limits, new ManualClock(), logger, prefix);
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  it("counts failures across instances and reports the remaining window", async () => {
    const keys = { account: "shared@example.com", address: "192.0.2.1" };
    await a.failed(keys);
    await b.failed(keys);
    expect(await a.blockedFor(keys)).toBe(0);
    await a.failed(keys);
    const wait = await b.blockedFor(keys);
    expect(wait).toBeGreaterThan(55);
    expect(wait).toBeLessThanOrEqual(60);
    await b.succeeded(keys);
    expect(await a.blockedFor(keys)).toBe(0);
  });
});

describe("Redis throttle without Redis", () => {
  it("falls back to this instance's counters", async () => {
    const clock = new ManualClock(0);
    const throttle = new RedisThrottle("redis://127.0.0.1:1", limits, clock, logger);
    try {
      const keys = { account: "x@example.com", address: "192.0.2.9" };
      for (let i = 0; i < 3; i++) await throttle.failed(keys);
      expect(await throttle.blockedFor(keys)).toBe(60);
    } finally {
      await throttle.close();
    }
  });
});
