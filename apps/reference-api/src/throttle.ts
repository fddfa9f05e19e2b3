/**
 * Login throttling: after too many failed logins for one account, or from one client address,
 * within a window, further attempts are refused with 429 / 100 until the window ends, whether or not
 * the password would be right. Fixed windows, counted from the first failure.
 *
 * These counters live in this process (one set per instance, documented) unless `REDIS_URL` is
 * set, in which case every instance shares them (./throttle-redis.ts).
 */
import type { Clock } from "./clock.js";

export interface ThrottleLimits {
  perAccount: number;
  perAddress: number;
  windowSeconds: number;
}

export interface LoginKeys {
  account: string;
  address: string;
}

export interface LoginThrottle {
  /** Seconds until attempts for these keys are allowed again; 0 when they are allowed now. */
  blockedFor(keys: LoginKeys): Promise<number>;
  /** Counts one failed attempt against both keys. */
  failed(keys: LoginKeys): Promise<void>;
  /** A successful login clears its account's count (the address keeps its own). */
  succeeded(keys: LoginKeys): Promise<void>;
  close(): Promise<void>;
}

interface Window {
  count: number;
  endsAt: number;
}

/** Bound on remembered keys: an attacker cycling addresses must not grow the map without end. */
const MAX_KEYS = 100_000;

export class MemoryThrottle implements LoginThrottle {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limits: ThrottleLimits,
    private readonly clock: Clock,
  ) {}

  async blockedFor(keys: LoginKeys): Promise<number> {
    return this.blockedForSync(keys);
  }

  blockedForSync(keys: LoginKeys): number {
    const now = this.clock.now();
    let wait = 0;
    for (const [key, limit] of this.#keys(keys)) {
      const window = this.#live(key, now);
      if (window !== undefined && window.count >= limit) wait = Math.max(wait, (window.endsAt - now) / 1000);
    }
    return Math.ceil(wait);
  }

  async failed(keys: LoginKeys): Promise<void> {
    this.failedSync(keys);
  }

  failedSync(keys: LoginKeys): void {
    const now = this.clock.now();
    for (const [key] of this.#keys(keys)) {
      const window = this.#live(key, now);
      if (window !== undefined) window.count++;
      else {
        if (this.#windows.size >= MAX_KEYS) this.#prune(now);
        this.#windows.set(key, { count: 1, endsAt: now + this.limits.windowSeconds * 1000 });
      }
    }
  }

  async succeeded(keys: LoginKeys): Promise<void> {
    this.#windows.delete(`account:${keys.account}`);
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  #keys(keys: LoginKeys): [string, number][] {
    return [
      [`account:${keys.account}`, this.limits.perAccount],
      [`address:${keys.address}`, this.limits.perAddress],
    ];
  }

  #live(key: string, now: number): Window | undefined {
    const window = this.#windows.get(key);
    if (window === undefined || window.endsAt > now) return window;
    this.#windows.delete(key);
    return undefined;
  }

  #prune(now: number): void {
    for (const [key, window] of this.#windows) if (window.endsAt <= now) this.#windows.delete(key);
    // Still full of live windows: forget the oldest rather than refuse to count.
    for (const key of this.#windows.keys()) {
      if (this.#windows.size < MAX_KEYS) break;
      this.#windows.delete(key);
    }
  }
}
