/**
 * A circuit breaker for one upstream. Closed: calls pass, consecutive failures are counted. At the
 * threshold it opens: calls fail at once (503 / 11 `circuit_open` with `Retry-After`) without
 * touching the struggling service. After the reset period it lets exactly one probe through
 * (half-open): success closes the circuit, failure opens it for another period.
 *
 * The state is per instance by design: each instance judges the upstream from its own calls.
 */
import { ApiError } from "api-error-codes";
import type { Clock } from "../clock.js";

export type CircuitState = "closed" | "open" | "half_open";

export interface CircuitOptions {
  service: string;
  /** Consecutive failures that open the circuit. */
  threshold: number;
  /** Milliseconds the circuit stays open before a probe. */
  resetMs: number;
  clock: Clock;
  onChange?: (state: CircuitState) => void;
}

export class CircuitBreaker {
  #state: CircuitState = "closed";
  #failures = 0;
  #openUntil = 0;
  #probing = false;

  constructor(private readonly options: CircuitOptions) {}

  get state(): CircuitState {
    return this.#state;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    this.#admit();
    try {
      const result = await call();
      this.#succeeded();
      return result;
    } catch (error) {
      this.#failed();
      throw error;
    }
  }

  #admit(): void {
    const now = this.options.clock.now();
    if (this.#state === "open") {
      if (now < this.#openUntil) throw this.#refusal((this.#openUntil - now) / 1000);
      this.#set("half_open");
    }
    if (this.#state === "half_open") {
      // One probe at a time; the others wait for its verdict.
      if (this.#probing) throw this.#refusal(1);
      this.#probing = true;
    }
  }

  #succeeded(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== "closed") this.#set("closed");
  }

  #failed(): void {
    this.#probing = false;
    this.#failures++;
    if (this.#state === "half_open" || this.#failures >= this.options.threshold) {
      this.#openUntil = this.options.clock.now() + this.options.resetMs;
      this.#set("open");
    }
  }

  #set(state: CircuitState): void {
    this.#state = state;
    this.options.onChange?.(state);
  }

  #refusal(seconds: number): ApiError<11> {
    return ApiError.externalService(
      { service: this.options.service, reason: "circuit_open" },
      { retryAfter: Math.max(1, Math.ceil(seconds)) },
    );
  }
}
