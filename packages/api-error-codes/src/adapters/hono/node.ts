/**
 * What @hono/node-server passes in `env` for the response (node's own, described by the members
 * used: the Hono adapter imports nothing from node, so that it runs on any runtime), and the
 * `X-Request-Id` stamping of what goes to its `writeHead`.
 */
import type { NodeBindings as IncomingBindings } from "../../pipeline/web/bridge.js";

export interface NodeBindings extends IncomingBindings {
  outgoing?: {
    writeHead(status: number, reasonOrHeaders?: unknown, headers?: unknown): unknown;
  };
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
 * Adds `X-Request-Id` to the headers @hono/node-server hands to node's `writeHead`. Not with
 * `setHeader`: once a response has a header set that way, node takes every header of `writeHead`
 * through `setHeader` one by one, which made this header cost more than the rest of the adapter.
 */
export function stampRequestId(outgoing: NonNullable<NodeBindings["outgoing"]>, id: string): void {
  const writeHead = outgoing.writeHead;
  outgoing.writeHead = function stampedWriteHead(this: unknown, status: number, a?: unknown, b?: unknown) {
    if (typeof a === "string") return writeHead.call(this, status, a, withRequestId(b, id));
    return writeHead.call(this, status, withRequestId(a, id));
  };
}
