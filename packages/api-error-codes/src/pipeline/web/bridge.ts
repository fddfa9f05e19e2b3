/**
 * Fetch handlers under a node bridge (@hono/node-server): what it passes in `env` (node's own request,
 * described by the members used, so that nothing here imports node and the adapters using it still
 * run on any runtime), and what it refuses before any handler runs.
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
