/**
 * What a failed call rejects with: a {@link ClientApiError} for every answer the server gave (an
 * `ApiError`, so `isApiError` holds), or a {@link TransportError} when there was none: a
 * {@link NetworkError} when no answer came, a {@link TimeoutError} when the client gave up waiting.
 * A caller's own abort rejects with the caller's reason, untouched.
 */
import { ApiError } from "../api-error.js";
import type { DetailsOf, JsonValue, KnownCode } from "../details.js";

const CLIENT_BRAND = Symbol.for("api-error-codes.ClientApiError");
const NETWORK_BRAND = Symbol.for("api-error-codes.NetworkError");
const TIMEOUT_BRAND = Symbol.for("api-error-codes.TimeoutError");

/**
 * Everything {@link ClientApiError} is built from; {@link errorFromResponse} fills it in.
 * @example
 * const err = new ClientApiError({ code: 10, details: null, status: 404, message: "gone", known: true, conforming: true });
 */
export interface ClientApiErrorInit<C extends number = number> {
  /** `error_code`, or 0 for a body that does not conform. */
  code: C;
  /** `details` of the body (`null` for a body that does not conform). */
  details: DetailsOf<C>;
  /** The HTTP status as received, whatever the registry says the code may use. */
  status: number;
  message: string;
  /** Whether the client's registry knows `code`. */
  known: boolean;
  /** Whether the body kept the contract. */
  conforming: boolean;
  /** The response's `X-Request-Id`. */
  requestId?: string | undefined;
  /** The `X-Request-Id` the request was sent with. */
  sentRequestId?: string | undefined;
  method?: string | undefined;
  url?: string | undefined;
  /** Milliseconds from `Retry-After`, when the response had one. */
  retryAfterMs?: number | undefined;
  responseHeaders?: Headers | undefined;
  /** For a body that does not conform: its first characters. */
  snippet?: string | undefined;
  /** For a body that does not conform: what `parseErrorBody` found wrong with it. */
  problems?: readonly string[] | undefined;
  /** For a body that does not conform: the body as parsed (JSON value, or the text). */
  body?: unknown;
}

type Writable<C extends number> = { -readonly [K in "code" | "status" | "details"]: ApiError<C>[K] };

/**
 * An error answer received by the client. It is an `ApiError` (so `isApiError(err)` and
 * `err instanceof ApiError` hold), built without the registry's checks: the server decides which
 * codes and statuses exist, and an older client must keep a code it has never heard of. A code the
 * client's registry does not know keeps its number, message and details and has `known: false`; a
 * body that breaks the contract becomes code 0 with `conforming: false`, the status, a bounded
 * `snippet` and the `problems` found.
 *
 * Narrow with {@link isResponseError} to get a union that `switch (err.code)` narrows.
 * @example
 * try {
 *   await api.get("/orders/42");
 * } catch (err) {
 *   if (err instanceof ClientApiError) console.log(err.status, err.code, err.requestId);
 * }
 */
export class ClientApiError<C extends number = number> extends ApiError<C> {
  declare readonly [CLIENT_BRAND]: true;
  /** Whether the client's registry knows {@link ApiError.code}; `false` for a newer server's code. */
  readonly known: boolean;
  /** Whether the body kept the contract; `false` means code 0 stands in for what came. */
  readonly conforming: boolean;
  /** The response's `X-Request-Id`: quote it when reporting the failure. */
  readonly requestId: string | undefined;
  /** The `X-Request-Id` the client sent (the response's should match it). */
  readonly sentRequestId: string | undefined;
  /** The request's method, when known. */
  readonly method: string | undefined;
  /** The request's URL, when known. */
  readonly url: string | undefined;
  /** The wait `Retry-After` asked for, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** The response's headers. */
  readonly responseHeaders: Headers;
  /** For a body that does not conform: its first 512 characters. */
  readonly snippet: string | undefined;
  /** For a body that does not conform: what is wrong with it; empty otherwise. */
  readonly problems: readonly string[];
  /** For a body that does not conform: the parsed JSON value, or the text when it was not JSON. */
  readonly body: unknown;

  constructor(init: ClientApiErrorInit<C>) {
    // The base class validates code and status against the registry; start it from code 0 / 500,
    // which always passes, and set what the server really sent below.
    super(0 as C, null as DetailsOf<C>, { status: 500 as never, message: init.message });
    Object.defineProperty(this, CLIENT_BRAND, { value: true });
    const self = this as unknown as Writable<C>;
    self.code = init.code;
    self.status = init.status;
    self.details = init.details;
    this.known = init.known;
    this.conforming = init.conforming;
    this.requestId = init.requestId;
    this.sentRequestId = init.sentRequestId;
    this.method = init.method;
    this.url = init.url;
    this.retryAfterMs = init.retryAfterMs;
    this.responseHeaders = init.responseHeaders ?? new Headers();
    this.snippet = init.snippet;
    this.problems = init.problems ?? [];
    this.body = init.body;
  }
}

/**
 * An error answer whose code the client knows: `switch (err.code)` narrows `details`.
 * @example
 * function handle(err: KnownResponseError) {
 *   if (err.code === 11) console.log(err.details.service);
 * }
 */
export type KnownResponseError = {
  [C in KnownCode]: ClientApiError<C> & { readonly known: true };
}[KnownCode];

/**
 * An error answer with a code the client does not know (a newer server's): number, message and
 * details are kept as sent.
 * @example
 * function handle(err: UnknownResponseError) {
 *   console.warn(`unknown error_code ${err.code}`, err.details);
 * }
 */
export type UnknownResponseError = ClientApiError<number> & {
  readonly known: false;
  readonly details: JsonValue;
};

/**
 * Every error answer: check `known`, then an exhaustive `switch (err.code)` type-checks.
 * @example
 * if (isResponseError(err)) {
 *   if (!err.known) return showGeneric(err.message);
 *   switch (err.code) {
 *     case 10: return showMissing(err.details);
 *     // ... every other code
 *     default: return assertNever(err);
 *   }
 * }
 */
export type ResponseError = KnownResponseError | UnknownResponseError;

/**
 * Whether `value` is an error answer received by the client (from any copy of this package),
 * optionally of one code.
 * @example
 * if (isResponseError(err, 8)) console.log(err.details?.expired_at);
 */
export function isResponseError(value: unknown): value is ResponseError;
export function isResponseError<C extends KnownCode>(
  value: unknown,
  code: C,
): value is ClientApiError<C> & { readonly known: true };
export function isResponseError(value: unknown, code?: number): boolean {
  if (typeof value !== "object" || value === null) return false;
  if ((value as { [CLIENT_BRAND]?: unknown })[CLIENT_BRAND] !== true) return false;
  return code === undefined || ((value as ClientApiError).known && (value as ClientApiError).code === code);
}

/**
 * Where a request failed, for {@link NetworkError} and {@link TimeoutError}.
 * @example
 * new NetworkError("GET /health failed", { method: "GET", url: "/health", cause: err });
 */
export interface RequestFailureInit {
  method: string;
  url: string;
  /** The `X-Request-Id` the request was sent with. */
  requestId?: string | undefined;
  cause?: unknown;
}

/** Whether a value carries one of the brands (set on instances, so that other copies agree). */
function branded(value: unknown, brands: readonly symbol[]): boolean {
  if (typeof value !== "object" || value === null) return false;
  return brands.some((brand) => (value as Record<symbol, unknown>)[brand] === true);
}

/**
 * No answer came: the base of {@link NetworkError} and {@link TimeoutError}, for a caller that
 * treats both alike ("offline, try again"). Never carries a server code; not an `ApiError`.
 * @example
 * try { await api.get("/health"); } catch (err) {
 *   if (err instanceof TransportError) showOffline(err.requestId);
 * }
 */
export abstract class TransportError extends Error {
  abstract override readonly name: "NetworkError" | "TimeoutError";
  readonly method: string;
  readonly url: string;
  /** The `X-Request-Id` the request was sent with. */
  readonly requestId: string | undefined;

  constructor(message: string, brand: symbol, init: RequestFailureInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    Object.defineProperty(this, brand, { value: true });
    this.method = init.method;
    this.url = init.url;
    this.requestId = init.requestId;
  }

  /** `instanceof TransportError` holds for either kind, also from another copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, [NETWORK_BRAND, TIMEOUT_BRAND]);
  }
}

/**
 * No answer: the connection was refused or reset, DNS failed, CORS blocked the response, or the
 * body could not be read. Never carries a server code.
 * @example
 * try { await api.get("/health"); } catch (err) {
 *   if (err instanceof NetworkError) showOffline();
 * }
 */
export class NetworkError extends TransportError {
  declare readonly [NETWORK_BRAND]: true;
  override readonly name = "NetworkError" as const;

  constructor(message: string, init: RequestFailureInit) {
    super(message, NETWORK_BRAND, init);
  }

  /** `instanceof NetworkError` also holds for an error from another copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, [NETWORK_BRAND]);
  }
}

/**
 * The client stopped waiting: no complete answer within `timeout` milliseconds. Not a server code,
 * and not the caller's abort (that rejects with the caller's own reason).
 * @example
 * try { await api.get("/report", { timeout: 2_000 }); } catch (err) {
 *   if (err instanceof TimeoutError) console.warn(`gave up after ${err.timeoutMs} ms`);
 * }
 */
export class TimeoutError extends TransportError {
  declare readonly [TIMEOUT_BRAND]: true;
  override readonly name = "TimeoutError" as const;
  /** The limit that was reached. */
  readonly timeoutMs: number | undefined;

  constructor(message: string, init: RequestFailureInit & { timeoutMs?: number | undefined }) {
    super(message, TIMEOUT_BRAND, init);
    this.timeoutMs = init.timeoutMs;
  }

  /** `instanceof TimeoutError` also holds for an error from another copy of this package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return branded(value, [TIMEOUT_BRAND]);
  }
}
