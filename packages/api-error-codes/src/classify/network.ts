/**
 * Network failures: fetch (undici) errors, aborts and timeouts, and bare socket errors (errno
 * codes). These are 11 when another service was being called and 12 when the database was.
 */
import type { ApiError } from "../api-error.js";
import { type ClassifyContext, databaseError, upstreamError } from "./context.js";
import { arr, isError, messageOf, nameOf, num, prop, str } from "./inspect.js";

const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EADDRNOTAVAIL",
  "EPIPE",
  ...TIMEOUT_CODES,
]);

/**
 * Well-known database ports (PostgreSQL, MySQL/MariaDB, Redis, MongoDB). A bare socket error
 * thrown without a `source` names its peer's port; one of these means the database went away.
 */
const DATABASE_PORTS = new Set([5432, 3306, 6379, 27017]);

/** The network code of an error: its own, or, for undici's errors, one of theirs. */
function networkCode(error: unknown): string | undefined {
  const code = str(error, "code");
  if (code === undefined) return undefined;
  if (code.startsWith("UND_ERR")) return code;
  if (!SOCKET_CODES.has(code)) return undefined;
  // A system error says which call failed; Node's happy-eyeballs connect throws an AggregateError.
  const systemish =
    str(error, "syscall") !== undefined ||
    num(error, "errno") !== undefined ||
    arr(error, "errors") !== undefined;
  return systemish ? code : undefined;
}

function peerPort(error: unknown): number | undefined {
  return num(error, "port") ?? num(arr(error, "errors")?.[0], "port");
}

type Peer = "database" | "upstream";

function failure(code: string, peer: Peer, context: ClassifyContext, cause: unknown): ApiError<number> {
  if (peer === "database") return databaseError("unavailable", cause);
  return upstreamError(context, TIMEOUT_CODES.has(code) ? "timeout" : "unavailable", cause);
}

/**
 * Who was on the other end: the context when it says, else the port (see {@link DATABASE_PORTS}),
 * else an upstream, the more common case for an HTTP service.
 */
function peerOf(error: unknown, context: ClassifyContext): Peer {
  if (context.source === "database") return "database";
  if (context.source === "upstream") return "upstream";
  const port = peerPort(error);
  return port !== undefined && DATABASE_PORTS.has(port) ? "database" : "upstream";
}

/** fetch's TypeError ("fetch failed", or "terminated" while reading the body) wraps the real cause. */
function fromFetch(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  if (nameOf(thrown) !== "TypeError" || !isError(thrown)) return undefined;
  const cause = prop(thrown, "cause");
  const code = networkCode(cause);
  const peer: Peer = context.source === "database" ? "database" : "upstream";
  if (code !== undefined) return failure(code, peer, context, thrown);
  if (messageOf(thrown) === "fetch failed") return failure("", peer, context, thrown);
  return undefined;
}

/**
 * Aborts and timeouts (`AbortSignal.timeout()` rejects with a `TimeoutError` DOMException, a
 * manual abort with an `AbortError`): the call did not finish in time, 11/504 or 12/503.
 */
function fromAbort(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  const name = nameOf(thrown);
  if ((name !== "TimeoutError" && name !== "AbortError") || !isError(thrown)) return undefined;
  if (context.source === "database") return databaseError("unavailable", thrown);
  return upstreamError(context, "timeout", thrown);
}

/** A network failure as 11 or 12, or `undefined` when the value is no network failure. */
export function fromNetworkError(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  const fetched = fromFetch(thrown, context) ?? fromAbort(thrown, context);
  if (fetched !== undefined) return fetched;
  const code = networkCode(thrown);
  return code === undefined ? undefined : failure(code, peerOf(thrown, context), context, thrown);
}
