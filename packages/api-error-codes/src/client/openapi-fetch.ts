/**
 * openapi-fetch integration: a middleware that throws the same errors `createClient` throws.
 * Nothing here imports openapi-fetch; the test suite checks that the middleware fits its
 * `Middleware` type.
 */

import { generateRequestId, REQUEST_ID_HEADER } from "../request-id.js";
import { NetworkError, TimeoutError } from "./errors.js";
import { errorFromResponse } from "./from-response.js";

/**
 * The middleware; fits openapi-fetch's `Middleware`.
 * @example
 * const middleware: ApiErrorMiddleware = apiErrorMiddleware();
 */
export interface ApiErrorMiddleware {
  onRequest(params: { request: Request }): undefined;
  onResponse(params: { request: Request; response: Response }): Promise<undefined>;
  onError(params: { request: Request; error: unknown }): Error | undefined;
}

/**
 * Options of {@link apiErrorMiddleware}.
 * @example
 * apiErrorMiddleware({ requestId: () => `web-${crypto.randomUUID()}` });
 */
export interface ApiErrorMiddlewareOptions {
  /** Makes the `X-Request-Id` of a request that has none; a random UUID by default. */
  requestId?: (() => string) | undefined;
}

/**
 * openapi-fetch middleware: adds `X-Request-Id` when the request has none, throws the
 * {@link ResponseError} of {@link errorFromResponse} for every non-2xx answer (instead of
 * returning `{ error }`), and turns a failed fetch into a {@link NetworkError}, or a
 * {@link TimeoutError} when an `AbortSignal.timeout()` fired. A caller's own abort passes through.
 * @example
 * import createFetchClient from "openapi-fetch";
 * const http = createFetchClient<paths>({ baseUrl: "https://api.example.com" });
 * http.use(apiErrorMiddleware());
 * try { const { data } = await http.GET("/orders/{id}", { params: { path: { id } } }); } catch (err) {
 *   if (isResponseError(err, 10)) showMissing(err.details);
 * }
 */
export function apiErrorMiddleware(options: ApiErrorMiddlewareOptions = {}): ApiErrorMiddleware {
  const makeId = options.requestId ?? generateRequestId;
  return {
    onRequest({ request }) {
      if (!request.headers.has(REQUEST_ID_HEADER)) request.headers.set(REQUEST_ID_HEADER, makeId());
      return undefined;
    },
    async onResponse({ request, response }) {
      if (response.ok) return undefined;
      throw await errorFromResponse(response, request);
    },
    onError({ request, error }) {
      const init = {
        method: request.method,
        url: request.url,
        requestId: request.headers.get(REQUEST_ID_HEADER) ?? undefined,
        cause: error,
      };
      const name = (error as { name?: unknown } | null)?.name;
      if (name === "TimeoutError")
        return new TimeoutError(`${request.method} ${request.url} timed out`, init);
      if (request.signal.aborted || name === "AbortError") return undefined;
      const reason = error instanceof Error ? error.message : String(error);
      return new NetworkError(`${request.method} ${request.url} failed: ${reason}`, init);
    },
  };
}
