/**
 * `createClient`: a small fetch-based client for an API that keeps the contract. Runs unchanged in
 * browsers and in Node >= 20 (fetch, AbortController, Web Crypto and timers only).
 */

import { generateRequestId, REQUEST_ID_HEADER } from "../request-id.js";
import { isResponseError, NetworkError, TimeoutError } from "./errors.js";
import { errorFromResponse } from "./from-response.js";
import { type RetryOptions, resolveRetry, retryDelay, sleep } from "./retry.js";
import { type TokenLease, type TokenSource, TokenState } from "./tokens.js";

/**
 * The fetch the client calls: the global one, or any with its signature.
 * @example
 * const logged: FetchLike = (url, init) => (console.debug(init.method, url), fetch(url, init));
 * createClient({ baseUrl, fetch: logged });
 */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * One query parameter value; `null` and `undefined` leave the parameter out.
 * @example
 * const status: QueryValue = filter.status ?? null; // left out when null
 * await api.get("/orders", { query: { status, tag: ["a", "b"] } }); // ?tag=a&tag=b
 */
export type QueryValue = string | number | boolean | null | undefined;

/**
 * Options of {@link createClient}.
 * @example
 * const options: ClientOptions = { baseUrl: "https://api.example.com", getToken: () => store.access };
 */
export interface ClientOptions extends TokenSource {
  /** Prefix of every path, e.g. `https://api.example.com/v1` (a relative one works in browsers). */
  baseUrl?: string | undefined;
  /** The retry policy over {@link DEFAULT_RETRY}; `false` never retries. */
  retry?: RetryOptions | false | undefined;
  /** Milliseconds per attempt (headers and body) before a {@link TimeoutError}; `false` waits forever. Default 30 000. */
  timeout?: number | false | undefined;
  /** The fetch to use; `globalThis.fetch` by default (looked up at call time). */
  fetch?: FetchLike | undefined;
  /** Headers sent with every request. */
  headers?: Readonly<Record<string, string>> | undefined;
  /**
   * `Accept-Language` of every request, for an API that says `error_message` in several languages:
   * a tag (`"de"`), a list (`"de-CH, de;q=0.9"`), or a function asked each time (the user's current
   * choice, `() => navigator.language`). An `Accept-Language` in `headers` wins.
   */
  language?: string | (() => string | undefined) | undefined;
}

/**
 * Options of one request.
 * @example
 * await api.request("GET", "/orders", { query: { limit: 10 }, signal: controller.signal });
 */
export interface RequestOptions {
  /** Appended to the URL; arrays repeat the parameter. */
  query?: Readonly<Record<string, QueryValue | readonly QueryValue[]>> | undefined;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Readonly<Record<string, string>> | undefined;
  /** Aborts the request (and any wait between attempts); the call rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /**
   * The `X-Request-Id` to send (the same for every attempt); else an `X-Request-Id` in `headers`;
   * else a fresh UUID.
   */
  requestId?: string | undefined;
  /** This request's retry policy, over the client's; `false` never retries. */
  retry?: RetryOptions | false | undefined;
  /** This request's timeout, over the client's. */
  timeout?: number | false | undefined;
  /**
   * `false` sends no `Authorization` header and never refreshes: use it for the refresh call
   * itself. An explicit `Authorization` in `headers` also turns the refresh off.
   */
  auth?: boolean | undefined;
}

/**
 * A successful answer.
 * @example
 * const { data, requestId } = await api.request<Order>("GET", "/orders/42");
 */
export interface ApiResponse<T> {
  /** The JSON body (text for other media types); `undefined` for 204 and empty bodies. */
  data: T;
  status: number;
  headers: Headers;
  /** The response's `X-Request-Id`. */
  requestId: string | undefined;
  /** The `X-Request-Id` the client sent. */
  sentRequestId: string;
}

/**
 * A client made by {@link createClient}. Every method rejects with a {@link ResponseError} for an
 * error answer, a {@link NetworkError} or {@link TimeoutError} when there was none, and the
 * caller's abort reason when the caller aborted.
 * @example
 * const me = await api.get<{ id: string }>("/me");
 */
export interface Client {
  /** Any method; resolves with the body and the response's status, headers and request id. */
  request<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** GET; resolves with the body. */
  get<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** DELETE; resolves with the body (`undefined` for 204). */
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<T>;
  /** POST `body` as JSON; resolves with the body. Not retried unless the policy lists POST. */
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** PUT `body` as JSON; resolves with the body. */
  put<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  /** PATCH `body` as JSON; resolves with the body. Not retried unless the policy lists PATCH. */
  patch<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function buildUrl(baseUrl: string | undefined, path: string, query: RequestOptions["query"]): string {
  let url: string;
  if (/^[a-z][a-z\d+.-]*:/i.test(path) || baseUrl === undefined || baseUrl === "") url = path;
  else url = `${baseUrl.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
  if (query === undefined) return url;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    const values: readonly QueryValue[] = Array.isArray(value) ? value : [value as QueryValue];
    for (const item of values) if (item !== undefined && item !== null) params.append(name, String(item));
  }
  const text = params.toString();
  if (text === "") return url;
  return `${url}${url.includes("?") ? "&" : "?"}${text}`;
}

function headerValue(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

function hasHeader(headers: Readonly<Record<string, string>> | undefined, name: string): boolean {
  return headerValue(headers, name) !== undefined;
}

async function readData(response: Response, method: string): Promise<unknown> {
  if (method === "HEAD" || response.status === 204 || response.status === 205) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  const text = await response.text();
  if (text === "") return undefined;
  const type = response.headers.get("Content-Type") ?? "";
  return /\bjson\b|\+json\b/i.test(type) ? JSON.parse(text) : text;
}

type Outcome = { ok: true; response: Response; data: unknown } | { ok: false; error: unknown };

interface Attempt {
  method: string;
  url: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
  timeout: number | false;
  requestId: string;
}

/**
 * Creates a client. Paths are joined to `baseUrl`; bodies go out and come back as JSON; every
 * request carries `X-Request-Id` (generated unless given) and, with a token, `Authorization:
 * Bearer`. Code 8 triggers `refresh()` once (shared by concurrent requests) and one replay with
 * the new token. Idempotent requests are retried on 502/503/504 and codes 11/12 with backoff and
 * jitter, `Retry-After` honoured, within `attempts` and `maxTotalMs`; a 4xx never is.
 * @example
 * const api = createClient({ baseUrl: "https://api.example.com/v1", getToken, refresh });
 * try {
 *   const order = await api.get<Order>(`/orders/${id}`);
 * } catch (err) {
 *   if (!isResponseError(err) || !err.known) throw err;
 *   switch (err.code) {
 *     case 10: return notFound();
 *     case 4: return showViolations(err.details.violations);
 *     default: throw err;
 *   }
 * }
 */
export function createClient(options: ClientOptions = {}): Client {
  const tokens = new TokenState(options);
  const fetchImpl: FetchLike = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);

  async function attempt(a: Attempt): Promise<Outcome> {
    a.signal?.throwIfAborted();
    const controller = new AbortController();
    const onAbort = () => controller.abort(a.signal?.reason);
    a.signal?.addEventListener("abort", onAbort, { once: true });
    let timedOut: TimeoutError | undefined;
    const limit = a.timeout;
    const timer =
      limit === false
        ? undefined
        : setTimeout(() => {
            timedOut = new TimeoutError(`${a.method} ${a.url} timed out after ${limit} ms`, {
              method: a.method,
              url: a.url,
              requestId: a.requestId,
              timeoutMs: limit,
            });
            controller.abort(timedOut);
          }, limit);
    try {
      const init: RequestInit = { method: a.method, headers: a.headers, signal: controller.signal };
      if (a.body !== undefined) init.body = a.body;
      const response = await fetchImpl(a.url, init);
      if (response.ok) return { ok: true, response, data: await readData(response, a.method) };
      return { ok: false, error: await errorFromResponse(response, a) };
    } catch (cause) {
      if (a.signal?.aborted) throw a.signal.reason;
      if (timedOut !== undefined) return { ok: false, error: timedOut };
      // A 2xx whose JSON does not parse is the server's bug, not the network's.
      if (cause instanceof SyntaxError) throw cause;
      const reason = cause instanceof Error ? cause.message : String(cause);
      const failure = { method: a.method, url: a.url, requestId: a.requestId, cause };
      return { ok: false, error: new NetworkError(`${a.method} ${a.url} failed: ${reason}`, failure) };
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      a.signal?.removeEventListener("abort", onAbort);
    }
  }

  async function request<T>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const verb = method.toUpperCase();
    const url = buildUrl(options.baseUrl, path, opts.query);
    const policy = resolveRetry(options.retry, opts.retry);
    const requestId = opts.requestId ?? headerValue(opts.headers, REQUEST_ID_HEADER) ?? generateRequestId();
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const timeout = opts.timeout ?? options.timeout ?? DEFAULT_TIMEOUT_MS;
    const explicitAuth =
      hasHeader(options.headers, "Authorization") || hasHeader(opts.headers, "Authorization");
    const useToken = opts.auth !== false && !explicitAuth;
    const signal = opts.signal;
    const startedAt = Date.now();
    let refreshed = false;

    for (let n = 1; ; n++) {
      signal?.throwIfAborted();
      const headers = new Headers({ Accept: "application/json" });
      for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
      for (const [name, value] of Object.entries(opts.headers ?? {})) headers.set(name, value);
      const language = typeof options.language === "function" ? options.language() : options.language;
      if (language !== undefined && language !== "" && !headers.has("Accept-Language"))
        headers.set("Accept-Language", language);
      if (body !== undefined && !headers.has("Content-Type")) headers.set("Content-Type", "application/json");
      headers.set(REQUEST_ID_HEADER, requestId);
      let lease: TokenLease | undefined;
      if (useToken) {
        lease = await tokens.lease();
        if (lease.token !== undefined) headers.set("Authorization", `Bearer ${lease.token}`);
      }

      const outcome = await attempt({ method: verb, url, headers, body, signal, timeout, requestId });
      if (outcome.ok) {
        const { response, data } = outcome;
        return {
          data: data as T,
          status: response.status,
          headers: response.headers,
          requestId: response.headers.get(REQUEST_ID_HEADER) ?? undefined,
          sentRequestId: requestId,
        };
      }
      const error = outcome.error;
      // Code 8: the request was turned away before anything ran, so replaying it is safe for
      // every method. One refresh, one replay, not counted as a retry.
      if (lease !== undefined && !refreshed && tokens.canRefresh && isResponseError(error, 8)) {
        refreshed = true;
        await tokens.renew(lease);
        n--;
        continue;
      }
      const wait = policy === undefined ? undefined : retryDelay(policy, verb, error, n, startedAt);
      if (wait === undefined) throw error;
      await sleep(wait, signal);
    }
  }

  const data = async <T>(method: string, path: string, opts?: RequestOptions) =>
    (await request<T>(method, path, opts)).data;
  const withBody = (body: unknown, opts: RequestOptions | undefined): RequestOptions =>
    body === undefined ? (opts ?? {}) : { ...opts, body };

  return {
    request,
    get: (path, opts) => data("GET", path, opts),
    delete: (path, opts) => data("DELETE", path, opts),
    post: (path, body, opts) => data("POST", path, withBody(body, opts)),
    put: (path, body, opts) => data("PUT", path, withBody(body, opts)),
    patch: (path, body, opts) => data("PATCH", path, withBody(body, opts)),
  };
}
