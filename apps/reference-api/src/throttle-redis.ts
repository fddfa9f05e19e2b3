/**
 * Login throttling shared by every instance through Redis (`REDIS_URL`). Each key is a counter
 * with an expiry of one window, set on the first failure. While Redis cannot be reached the
 * in-process counters take over, so logins keep working and stay throttled per instance.
 */
import { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Clock } from "./clock.js";
import { type LoginKeys, type LoginThrottle, MemoryThrottle, type ThrottleLimits } from "./throttle.js";

export class RedisThrottle implements LoginThrottle {
  readonly #redis: Redis;
  readonly #fallback: MemoryThrottle;
  #warned = false;

  constructor(
    url: string,
    private readonly limits: ThrottleLimits,
    clock: Clock,
    private readonly logger: Logger,
    private readonly prefix = "reference-api:login:",
  ) {
    // A command may wait for a (re)connection, but never long: a login must not hang on Redis.
    this.#redis = new Redis(url, { commandTimeout: 500, maxRetriesPerRequest: 1 });
    // Connection errors surface as failed commands (and the fallback); the event alone is noise.
    this.#redis.on("error", () => {});
    this.#fallback = new MemoryThrottle(limits, clock);
  }

  async blockedFor(keys: LoginKeys): Promise<number> {
    try {
      const [account, address] = [this.#key("account", keys.account), this.#key("address", keys.address)];
      const replies = await this.#redis.multi().get(account).pttl(account).get(address).pttl(address).exec();
      const value = (i: number) => Number(replies?.[i]?.[1] ?? 0);
      let wait = 0;
      if (value(0) >= this.limits.perAccount) wait = Math.max(wait, value(1));
      if (value(2) >= this.limits.perAddress) wait = Math.max(wait, value(3));
      this.#recovered();
      return Math.ceil(wait / 1000);
    } catch (error) {
      this.#down(error);
      return this.#fallback.blockedForSync(keys);
    }
  }

  async failed(keys: LoginKeys): Promise<void> {
    try {
      const window = this.limits.windowSeconds * 1000;
      const multi = this.#redis.multi();
      for (const key of [this.#key("account", keys.account), this.#key("address", keys.address)]) {
        // NX: the window starts at the first failure and is not extended by later ones.
        multi.incr(key).pexpire(key, window, "NX");
      }
      await multi.exec();
      this.#recovered();
    } catch (error) {
      this.#down(error);
      this.#fallback.failedSync(keys);
    }
  }

  async succeeded(keys: LoginKeys): Promise<void> {
    await this.#fallback.succeeded(keys);
    try {
      await this.#redis.del(this.#key("account", keys.account));
    } catch (error) {
      this.#down(error);
    }
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
    await this.#fallback.close();
  }

  #key(kind: string, value: string): string {
    return `${this.prefix}${kind}:${value}`;
  }

  #down(error: unknown): void {
    if (this.#warned) return;
    this.#warned = true;
    const message = error instanceof Error ? error.message : String(error);
    this.logger.warn({ err: { message } }, "redis unavailable; login throttling falls back to this instance");
  }

  #recovered(): void {
    if (!this.#warned) return;
    this.#warned = false;
    this.logger.info("redis available again; login throttling is shared");
  }
}
