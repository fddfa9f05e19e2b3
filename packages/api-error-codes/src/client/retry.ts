/**
 * The retry policy: which failures are worth another attempt, and how long to wait before it.
 */
import { isResponseError, NetworkError, TimeoutError } from "./errors.js";

/**
 * When and how often to try again. Every field is optional; the defaults are in
 * {@link DEFAULT_RETRY}.
 * @example
 * createClient({ baseUrl, retry: { attempts: 5, maxTotalMs: 60_000 } });
 */
export interface RetryOptions {
  /** Attempts in all, the first one included. `1` means no retry. */
  attempts?: number;
  /** The first backoff, doubled on every further retry. */
  baseDelayMs?: number;
  /** The longest backoff (a `Retry-After` from the server is honoured even when longer). */
  maxDelayMs?: number;
  /** No retry starts (or is waited for) past this many milliseconds after the first attempt. */
  maxTotalMs?: number;
  /** Methods that may be retried; the idempotent ones by default. */
  methods?: readonly string[];
  /** Statuses retried whatever the body says (only 5xx: a 4xx is never retried). */
  statuses?: readonly number[];
  /** Codes retried when the body conforms and the status is 5xx. */
  codes?: readonly number[];
  /** Retry when no answer came at all (refused or reset connection). */
  networkErrors?: boolean;
  /** Retry when an attempt ran out of time. */
  timeouts?: boolean;
}

/** {@link RetryOptions} with every field filled in. */
export type RetryPolicy = Required<RetryOptions>;

/**
 * The default policy: idempotent methods, 3 attempts, on 502/503/504 and codes 11/12 (and on
 * network errors), exponential backoff from 300 ms with jitter, at most 10 s per wait and 30 s in
 * all, `Retry-After` honoured.
 * @example
 * createClient({ baseUrl, retry: { ...DEFAULT_RETRY, methods: [...DEFAULT_RETRY.methods, "POST"] } });
 */
export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({
  attempts: 3,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxTotalMs: 30_000,
  methods: Object.freeze(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]),
  statuses: Object.freeze([502, 503, 504]),
  codes: Object.freeze([11, 12]),
  networkErrors: true,
  timeouts: false,
});

/** The policy for one request: client options, then request options, over the defaults. */
export function resolveRetry(
  client: RetryOptions | false | undefined,
  request: RetryOptions | false | undefined,
): RetryPolicy | undefined {
  if (client === false || request === false) return undefined;
  const merged: RetryPolicy = { ...DEFAULT_RETRY };
  for (const layer of [client, request]) {
    if (layer === undefined) continue;
    for (const [key, value] of Object.entries(layer)) {
      if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
    }
  }
  merged.methods = merged.methods.map((m) => m.toUpperCase());
  return merged;
}

/** Whether a failure of this method may be retried, by its kind alone (attempts and time aside). */
export function isRetryable(policy: RetryPolicy, method: string, error: unknown): boolean {
  if (!policy.methods.includes(method.toUpperCase())) return false;
  if (error instanceof NetworkError) return policy.networkErrors;
  if (error instanceof TimeoutError) return policy.timeouts;
  if (!isResponseError(error)) return false;
  // Never a 4xx (nor anything below): the request itself is what is wrong.
  if (error.status < 500 || error.status > 599) return false;
  if (policy.statuses.includes(error.status)) return true;
  return error.conforming && policy.codes.includes(error.code);
}

/**
 * The wait before attempt `attempt + 1` after `attempt` failed with `error`, or `undefined` when
 * there is to be no further attempt: not retryable, attempts used up, or the wait would end past
 * `maxTotalMs` (counted from `startedAt`).
 */
export function retryDelay(
  policy: RetryPolicy,
  method: string,
  error: unknown,
  attempt: number,
  startedAt: number,
  now: number = Date.now(),
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.attempts || !isRetryable(policy, method, error)) return undefined;
  const retryAfter = isResponseError(error) ? error.retryAfterMs : undefined;
  let delay: number;
  if (retryAfter !== undefined) {
    delay = retryAfter;
  } else {
    // "Equal jitter": half the exponential step for sure, the other half at random.
    const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    delay = step / 2 + random() * (step / 2);
  }
  if (now - startedAt + delay > policy.maxTotalMs) return undefined;
  return Math.max(0, Math.round(delay));
}

/** Waits `ms`; rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
