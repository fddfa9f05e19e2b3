/**
 * The seam between a framework and the pipeline: what an adapter tells about a request (the port)
 * and what the pipeline answers (the outcome). Nothing here knows a framework.
 */
import type { ApiError } from "../api-error.js";
import type { HeaderValue } from "./auth.js";
import type { PreparedRoute } from "./route.js";

/** A pino-compatible logger; only these methods are used. */
export interface ErrorLogger {
  info(entry: object, message: string): void;
  error(entry: object, message: string): void;
  /** pino's: when it says a level is off, the entry for it is not even built. */
  isLevelEnabled?(level: string): boolean;
}

/**
 * One request as the pipeline reads it. An adapter implements it over its framework's request; the
 * pipeline calls only what the route needs (most requests never touch `headers()` or `readBody`).
 * @example
 * const port: RequestPort = {
 *   method: req.method, target: req.url,
 *   header: (name) => req.headers.get(name) ?? undefined,
 *   credentials: (name) => req.headers.get(name) ?? undefined,
 *   headers: () => Object.fromEntries(req.headers),
 *   readBody: (limit) => readLimited(req.body, limit),
 * };
 */
export interface RequestPort {
  /** The request method as received (methods are case-sensitive). */
  readonly method: string;
  /** The request target as received: path and query, e.g. `/orders/7?expand=1`. */
  readonly target: string;
  /** One header by lower-case name; repeated ones joined with ", ". */
  header(name: string): string | undefined;
  /**
   * Every occurrence of the credential header (lower-case name), so that a doubled one is refused
   * (3 / duplicate). A single string when the runtime has already joined them (fetch does).
   */
  credentials(name: string): HeaderValue;
  /** All headers by lower-case name; asked only on routes that validate headers. */
  headers(): Readonly<Record<string, HeaderValue>>;
  /**
   * The body bytes, refused with 413 / 3 (see `bodyTooLarge`) as soon as they pass `limit`, so an
   * endless upload is never buffered. Called at most once, after the framing was checked.
   */
  readBody(limit: number): Uint8Array | Promise<Uint8Array>;
  /**
   * `true` when the request was not framed by a server (a `Request` built in-process has a body
   * without `Content-Length`): then a body can only be known by reading it.
   */
  readonly unframed?: boolean;
  /** Where this request's error entries go instead of the pipeline's logger (Fastify's `request.log`). */
  readonly logger?: ErrorLogger | false | undefined;
}

/** A complete answer the adapter writes as it is: an error (already logged) or an OPTIONS 204. */
export interface Answer {
  readonly kind: "answer";
  readonly status: number;
  /** Canonical-case names, `X-Request-Id` included. */
  readonly headers: Record<string, string>;
  /** The JSON text; empty for 204. */
  readonly body: string;
  /** The refusal or failure answered, where there is one (Fastify's `attachValidation` hands it on). */
  readonly error?: ApiError<number>;
}

/**
 * An OPTIONS request that carries `Access-Control-Request-Method`: a CORS preflight belongs to the
 * app's CORS middleware. The adapter lets the app answer it and sends `answer` (204 + Allow) when
 * nothing did.
 */
export interface Preflight {
  readonly kind: "preflight";
  readonly requestId: string;
  readonly answer: Answer;
}

/** A request the route table routed: the route's own checks come next. */
export interface Routed {
  readonly kind: "routed";
  readonly requestId: string;
  /** The registered route, when the pipeline knows its contract (`undefined` for a framework route). */
  readonly route: PreparedRoute | undefined;
  /** The matched template in OpenAPI syntax, e.g. `/orders/{id}`. */
  readonly template: string;
  /** Percent-decoded path parameters. */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * A path no route of the table has. The adapter gives the framework its chance (middleware may serve
 * it: static files, a mounted app) and answers {@link Pipeline.notFound} when nothing did.
 */
export interface Unrouted {
  readonly kind: "unrouted";
  readonly requestId: string;
}

/** A request that passed every check: what its handler receives. */
export interface Pass<P> {
  readonly kind: "pass";
  readonly requestId: string;
  /** The route that was checked (what {@link Pipeline.route} returned), to find its handler. */
  readonly route: PreparedRoute | undefined;
  /** The authenticated principal on routes with `auth`; `undefined` elsewhere. */
  readonly principal: P | undefined;
  /** Path parameters, converted to their declared types. */
  readonly params: Record<string, unknown>;
  /** Query parameters (a repeated name as an array), converted to their declared types. */
  readonly query: Record<string, unknown>;
  /** Headers, declared ones converted; only on routes that validate headers (`{}` elsewhere). */
  readonly headers: Record<string, unknown>;
  /** The checked JSON body; `undefined` when the request has none. */
  readonly body: unknown;
}

/** What {@link Pipeline.handle} decides. */
export type Outcome<P> = Answer | Preflight | Pass<P>;

/** Where an error happened, for its log entry and `X-Request-Id`. */
export interface ErrorContext {
  readonly requestId: string;
  readonly method: string;
  /** The request target; only its path is logged (a query may hold secrets). */
  readonly target: string;
  /** Overrides the pipeline's logger for this request. */
  readonly logger?: ErrorLogger | false | undefined;
  /**
   * The request's headers, read only for an error answer: `traceparent` (its trace id goes into the
   * log entry), `Accept` and `Accept-Language` (how the answer is said).
   */
  readonly port?: Pick<RequestPort, "header"> | undefined;
}

/** Whether a value is a promise-like, without an `instanceof` that fails across realms. */
export function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}
