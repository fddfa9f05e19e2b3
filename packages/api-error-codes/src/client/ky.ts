/**
 * ky integration: hooks that turn ky's final `HTTPError` into the same error `createClient` throws.
 * Nothing here imports ky: the types below are the parts of ky's that the hooks touch, and the test
 * suite checks that they fit ky's own `Hooks` and `RetryOptions`.
 */

import { generateRequestId, REQUEST_ID_HEADER } from "../request-id.js";
import { isResponseError } from "./errors.js";
import { errorFromResponse } from "./from-response.js";

/** The answer of ky's `shouldRetry`: retry, don't, or let ky decide. */
type RetryDecision = boolean | undefined;

/**
 * ky's `ShouldRetryState`.
 * @example
 * kyShouldRetry((state: KyShouldRetryState) => state.retryCount < 2);
 */
export interface KyShouldRetryState {
  error: Error;
  retryCount: number;
}

/**
 * The parts of ky's normalized retry options the hooks read.
 * @example
 * const retry: KyRetryLike = { limit: 2, methods: ["get"], statusCodes: [502, 503] };
 */
export interface KyRetryLike {
  limit?: number | undefined;
  methods?: readonly string[] | undefined;
  statusCodes?: readonly number[] | undefined;
  afterStatusCodes?: readonly number[] | undefined;
  shouldRetry?: ((state: KyShouldRetryState) => RetryDecision | Promise<RetryDecision>) | undefined;
}

/**
 * The parts of ky's `HTTPError` the hooks read (an `HTTPError` fits).
 * @example
 * const error: KyHttpErrorLike = httpError; // in a beforeError hook of your own
 */
export interface KyHttpErrorLike {
  readonly response: Response;
  readonly request: Request;
  readonly options: { readonly retry?: KyRetryLike | undefined };
}

/**
 * Hooks for `ky.create({ hooks })`; the arrays fit ky's `Hooks`.
 * @example
 * const hooks: KyHooks = kyHooks();
 */
export interface KyHooks {
  beforeRequest: Array<(request: Request) => void>;
  beforeError: Array<<E extends KyHttpErrorLike>(error: E, state: { retryCount: number }) => Promise<E>>;
  beforeRetry: Array<(state: { error: Error }) => void>;
}

/**
 * Options of {@link kyHooks} and {@link kyOptions}.
 * @example
 * kyHooks({ requestId: () => `web-${crypto.randomUUID()}` });
 */
export interface KyHooksOptions {
  /** Makes the `X-Request-Id` of a request that has none; a random UUID by default. */
  requestId?: (() => string) | undefined;
}

// ky's defaults (ky 1.x), used when the normalized options lack a field.
const KY_LIMIT = 2;
const KY_METHODS = ["get", "put", "head", "delete", "options", "trace"];
const KY_STATUSES = [408, 413, 429, 500, 502, 503, 504];
const KY_AFTER_STATUSES = [413, 429, 503];

/** What a user's `shouldRetry` answered for an HTTPError, so that ky's own call can reuse it. */
const decisions = new WeakMap<object, RetryDecision>();

/** Whether ky will try again after this HTTPError (mirrors ky 1.x's retry decision). */
async function kyWillRetry(error: KyHttpErrorLike, retryCount: number): Promise<boolean> {
  const retry = error.options.retry ?? {};
  if (retryCount + 1 > (retry.limit ?? KY_LIMIT)) return false;
  if (!(retry.methods ?? KY_METHODS).includes(error.request.method.toLowerCase())) return false;
  if (retry.shouldRetry !== undefined) {
    const decision = await retry.shouldRetry({
      error: error as unknown as Error,
      retryCount: retryCount + 1,
    });
    decisions.set(error, decision);
    if (decision === false) return false;
    if (decision === true) return true;
  }
  const status = error.response.status;
  if (!(retry.statusCodes ?? KY_STATUSES).includes(status)) return false;
  if (status === 413) {
    const honoured =
      error.response.headers.get("Retry-After") !== null &&
      (retry.afterStatusCodes ?? KY_AFTER_STATUSES).includes(413);
    if (!honoured) return false;
  }
  return true;
}

/**
 * ky hooks: `beforeRequest` adds `X-Request-Id` when the request has none; `beforeError` lets ky
 * retry as configured and turns the final `HTTPError` into the {@link ResponseError} that
 * `createClient` would throw (via {@link errorFromResponse}); `beforeRetry` makes sure that error
 * is never retried.
 *
 * ky treats any error that is not its own `HTTPError` as a network failure worth a retry, so for
 * a GET that ends in, say, 404 it would wait one backoff before `beforeRetry` stops it. Add
 * `retry.shouldRetry` from {@link kyShouldRetry} (or spread {@link kyOptions}) to avoid that wait.
 * A `shouldRetry` of your own is asked here first (to know whether ky will retry); wrap it in
 * {@link kyShouldRetry} so that it is asked once per failure.
 * @example
 * import ky from "ky";
 * const http = ky.create({ prefixUrl: "https://api.example.com", hooks: kyHooks(), retry: 0 });
 * try { await http.get("orders/42").json(); } catch (err) {
 *   if (isResponseError(err, 10)) console.log("no such order", err.requestId);
 * }
 */
export function kyHooks(options: KyHooksOptions = {}): KyHooks {
  const makeId = options.requestId ?? generateRequestId;
  return {
    beforeRequest: [
      (request) => {
        if (!request.headers.has(REQUEST_ID_HEADER)) request.headers.set(REQUEST_ID_HEADER, makeId());
      },
    ],
    beforeError: [
      async (error, state) => {
        if (await kyWillRetry(error, state.retryCount)) return error;
        throw await errorFromResponse(error.response, error.request);
      },
    ],
    beforeRetry: [
      ({ error }) => {
        if (isResponseError(error)) throw error;
      },
    ],
  };
}

/**
 * A ky `shouldRetry` (fits ky's `retry.shouldRetry`): never retries the errors {@link kyHooks}
 * made final, and otherwise asks `user` (or leaves the decision to ky). Pass your own
 * `shouldRetry` through it instead of setting it beside.
 * @example
 * ky.create({ hooks: kyHooks(), retry: { limit: 3, shouldRetry: kyShouldRetry() } });
 */
export function kyShouldRetry(user?: KyRetryLike["shouldRetry"]): KyShouldRetry {
  return async (state) => {
    if (isResponseError(state.error)) return false;
    if (decisions.has(state.error)) return decisions.get(state.error);
    return user === undefined ? undefined : user(state);
  };
}

/**
 * The function {@link kyShouldRetry} returns; fits ky's `retry.shouldRetry`.
 * @example
 * const shouldRetry: KyShouldRetry = kyShouldRetry();
 */
export type KyShouldRetry = (state: KyShouldRetryState) => Promise<RetryDecision>;

/**
 * `{ hooks, retry }` to spread into `ky.create` when ky's other retry settings suit you:
 * {@link kyHooks} plus `retry.shouldRetry` from {@link kyShouldRetry}. For a retry limit of your
 * own, set `retry: { limit, shouldRetry: kyShouldRetry() }` instead.
 * @example
 * import ky from "ky";
 * const http = ky.create({ prefixUrl: "https://api.example.com", ...kyOptions() });
 */
export function kyOptions(options: KyHooksOptions = {}): {
  hooks: KyHooks;
  retry: { shouldRetry: KyShouldRetry };
} {
  return { hooks: kyHooks(options), retry: { shouldRetry: kyShouldRetry() } };
}
