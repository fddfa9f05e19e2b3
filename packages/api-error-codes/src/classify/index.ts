/**
 * Any thrown value -> ApiError. The families live in `./classify/*`; this file decides the order in
 * which they are asked and what is left over.
 */
import { ApiError, isApiError } from "../api-error.js";
import { type ClassifyContext, databaseError, upstreamError } from "./context.js";
import { fromDatabaseError } from "./database.js";
import { fromHttpStatus } from "./http-status.js";
import { prop } from "./inspect.js";
import { fromNetworkError } from "./network.js";
import { fromBodyParsing, fromJsonSyntaxError, fromValidationError } from "./request.js";

export type { ClassifyContext } from "./context.js";

/** How deep `cause` chains are followed looking for a database or network error. */
const MAX_CAUSE_DEPTH = 5;

/**
 * The families in order. Validation and body-parsing errors first: they also carry a status and
 * must not be taken for a generic 400. Drivers and network before status, which is the loosest test.
 */
function recognize(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  return (
    fromValidationError(thrown, context) ??
    fromBodyParsing(thrown) ??
    fromDatabaseError(thrown, context) ??
    fromNetworkError(thrown, context) ??
    fromJsonSyntaxError(thrown, context) ??
    fromHttpStatus(thrown, context)
  );
}

/**
 * Query builders and repositories wrap driver errors (`new Error("Failed query", { cause })`): the
 * wrapped database or network error still decides. Only those two families are looked for in a
 * cause; a status, a SyntaxError or a validation error deep in a chain says nothing certain about
 * this request. The ApiError keeps the outermost value as its cause, for the log.
 */
function recognizeCause(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  const seen = new Set<unknown>([thrown]);
  let cause = prop(thrown, "cause");
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && cause !== undefined && !seen.has(cause); depth++) {
    seen.add(cause);
    const found = fromDatabaseError(cause, context) ?? fromNetworkError(cause, context);
    if (found !== undefined) return rewrap(found, thrown);
    cause = prop(cause, "cause");
  }
  return undefined;
}

function rewrap(error: ApiError<number>, cause: unknown): ApiError<number> {
  return new ApiError<number>(error.code, error.details, {
    status: error.status,
    message: error.message,
    headers: error.headers,
    cause,
  });
}

/** What is left: 0, or under an explicit source the failure of what was being called. */
function leftover(thrown: unknown, context: ClassifyContext): ApiError<number> {
  if (context.source === "upstream") return upstreamError(context, "bad_response", thrown);
  if (context.source === "database") return databaseError("failure", thrown);
  return ApiError.unknown({ cause: thrown });
}

/**
 * Turns any thrown value into an ApiError; never throws. ApiErrors (from any copy of the package)
 * pass through unchanged.
 *
 * Recognized: ajv / zod / Fastify validation errors (3/4/5); body-parser, Fastify and Hono body
 * errors and JSON `SyntaxError`s (3 with 400/413/415); errors carrying an HTTP status (http-errors,
 * Fastify, Hono `HTTPException`, Boom); pg, better-sqlite3 and mysql2 errors (4/409 for unique and
 * foreign-key conflicts, 12 otherwise); fetch/undici failures, aborts and timeouts, and bare socket
 * errors (11, or 12 for the database). Everything else is 0/500. The original value is always the
 * `cause`; a 5xx never exposes its message.
 *
 * `context.source` settles what shape alone cannot: see {@link ClassifyContext}. Under `upstream`,
 * anything unrecognized is 11 `bad_response` and an upstream's status is never passed on; under
 * `database`, anything unrecognized is 12 `failure`.
 * @example
 * app.setErrorHandler((err, req, reply) => {
 *   const error = classify(err, { method: req.method, path: req.url });
 *   const { status, headers, body } = errorResponse(error);
 *   reply.code(status).headers(headers).send(body);
 * });
 */
export function classify(thrown: unknown, context: ClassifyContext = {}): ApiError<number> {
  try {
    // An error the typed client raised about ANOTHER service is that service's failure: its own
    // 401 or 404 must never be passed on as if it were ours.
    const fromClient = fromClientError(thrown, context);
    if (fromClient !== undefined) return fromClient;
    if (isApiError<number>(thrown)) return thrown;
    if ((typeof thrown !== "object" && typeof thrown !== "function") || thrown === null) {
      return leftover(thrown, context);
    }
    return recognize(thrown, context) ?? recognizeCause(thrown, context) ?? leftover(thrown, context);
  } catch {
    // A hostile value (a Proxy whose every trap throws) can break the best-guarded read.
    return ApiError.unknown({ cause: thrown });
  }
}

// A list, not an object keyed by symbol: classify runs on every error answer, and listing an
// object's symbols allocates an array each time.
const CLIENT_ERRORS: readonly (readonly [symbol, "bad_response" | "unavailable" | "timeout"])[] = [
  [Symbol.for("api-error-codes.ClientApiError"), "bad_response"],
  [Symbol.for("api-error-codes.NetworkError"), "unavailable"],
  [Symbol.for("api-error-codes.TimeoutError"), "timeout"],
];

function fromClientError(thrown: unknown, context: ClassifyContext): ApiError<11> | undefined {
  if (typeof thrown !== "object" || thrown === null) return undefined;
  for (const [brand, reason] of CLIENT_ERRORS) {
    if ((thrown as Record<symbol, unknown>)[brand] === true) {
      // An upstream that answered 503 (or 11/12) is unavailable rather than misbehaving.
      const status = (thrown as { status?: unknown }).status;
      const unavailable = reason === "bad_response" && (status === 502 || status === 503 || status === 504);
      return upstreamError(context, unavailable ? "unavailable" : reason, thrown);
    }
  }
  return undefined;
}

/**
 * Runs a call to another service; whatever it throws is rethrown as classified with
 * `{ source: "upstream", service }`: timeouts become 11/504, refused connections 11/502, a body
 * that is not JSON or fails its schema 11/502 `bad_response`.
 * @example
 * const rates = await withUpstream("rates", async () => {
 *   const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
 *   return RatesSchema.parse(await res.json());
 * });
 */
export async function withUpstream<T>(service: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error, { source: "upstream", service });
  }
}

/**
 * Runs database work; whatever it throws is rethrown as classified with `{ source: "database" }`:
 * driver errors as usual, bare socket errors and timeouts as 12/503, anything else as 12/500.
 * @example
 * const order = await withDatabase(() => db.selectFrom("orders").where("id", "=", id).executeTakeFirst());
 */
export async function withDatabase<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw classify(error, { source: "database" });
  }
}
