import type { Clock } from "../../src/clock.js";

/** A clock that stands still until moved: token expiry, throttle windows and the circuit without sleeping. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start = Date.now()) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    this.#now += ms;
  }
}
