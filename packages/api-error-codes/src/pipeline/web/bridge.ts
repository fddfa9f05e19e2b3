/**
 * Fetch handlers under a node bridge (@hono/node-server): what it passes in `env` (node's own request
 * and response, described by the members used, so that nothing here imports node and the adapters
 * using it still run on any runtime), and what it refuses before any handler runs.
 */
import { ApiError } from "../../api-error.js";
import { requestId } from "../../response.js";
import type { Answer, ErrorContext } from "../port.js";

/** What a node bridge passes as a fetch handler's second argument (`env`). */
export interface NodeBindings {
  incoming?: {
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly rawHeaders: readonly string[];
  };
  outgoing?: {
    writeHead(status: number, reasonOrHeaders?: unknown, headers?: unknown): unknown;
  };
}

/**
 * The answer for an error a node bridge (@hono/node-server, its `errorHandler`) raises before any
 * handler runs: its `RequestError` (a target no `Request` can hold: a backslash in the path,
 * `OPTIONS *`) is 400 / 3 with `Connection: close`, anything else 500 / 0.
 */
export function bridgeError(
  pipeline: { fail(thrown: unknown, context: ErrorContext): Answer },
  error: unknown,
): Answer {
  const malformed = error instanceof Error && error.name === "RequestError";
  const thrown = malformed
    ? ApiError.invalidStructure(
        [{ in: "header", pointer: "", rule: "parse", message: "Malformed HTTP request" }],
        { cause: error, headers: { Connection: "close" } },
      )
    : error;
  return pipeline.fail(thrown, { requestId: requestId(undefined), method: "", target: "" });
}

/** Whether a header object (or `[name, value, ...]` list) of node's writeHead has this header. */
function hasHeader(headers: unknown, lowerName: string): boolean {
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2)
      if (String(headers[i]).toLowerCase() === lowerName) return true;
    return false;
  }
  for (const name in headers as object) if (name.toLowerCase() === lowerName) return true;
  return false;
}

/** The headers of a writeHead call with `X-Request-Id`, unless they have one (a copy: they may be shared). */
function withRequestId(headers: unknown, id: string): unknown {
  if (headers === undefined || headers === null) return { "X-Request-Id": id };
  if (hasHeader(headers, "x-request-id")) return headers;
  if (Array.isArray(headers)) return [...headers, "X-Request-Id", id];
  const out: Record<string, unknown> = { "X-Request-Id": id };
  for (const name in headers as Record<string, unknown>)
    out[name] = (headers as Record<string, unknown>)[name];
  return out;
}

/**
 * Adds `X-Request-Id` to the headers a node bridge hands to node's `writeHead`. Not with
 * `setHeader`: once a response has a header set that way, node takes every header of `writeHead`
 * through `setHeader` one by one, which made this header cost more than the rest of an adapter.
 * @example
 * if (env.outgoing) stampRequestId(env.outgoing, requestId);
 */
export function stampRequestId(outgoing: NonNullable<NodeBindings["outgoing"]>, id: string): void {
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function stampedWriteHead(this: unknown, status: number, a?: unknown, b?: unknown) {
    if (typeof a === "string") return writeHead.call(this, status, a, withRequestId(b, id));
    return writeHead.call(this, status, withRequestId(a, id));
  };
}
