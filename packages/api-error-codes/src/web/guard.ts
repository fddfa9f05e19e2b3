/**
 * Error responses made outside the pipeline (a handler's own, another middleware's, a framework's)
 * on fetch-style runtimes: read for the pipeline's guard, and replaced by its answer; and the answer
 * for what a node bridge refuses before any handler runs.
 */
import { ApiError } from "../api-error.js";
import type { Answer, ErrorContext } from "../pipeline/port.js";
import { requestId } from "../response.js";

/** Headers of a replaced response that describe its body, not the request's outcome. */
const ENTITY_HEADERS = new Set([
  "content-length",
  "content-encoding",
  "transfer-encoding",
  "content-range",
  "etag",
]);

/** The text of a response's body for the guard; `undefined` when it cannot be read. */
export async function bodyText(response: Response): Promise<string | undefined> {
  try {
    return await response.text();
  } catch {
    return undefined;
  }
}

/**
 * `answer` in place of `replaced`: the headers the replaced response got from CORS or other
 * middleware survive, its entity headers do not, and the answer's own headers win.
 * @example
 * return replacing(handlerResponse, toResponse(pipeline.guard(status, await bodyText(res), context)));
 */
export function replacing(replaced: Response, answer: Response): Response {
  for (const [name, value] of replaced.headers) {
    if (name === "set-cookie") answer.headers.append(name, value);
    else if (!ENTITY_HEADERS.has(name) && !answer.headers.has(name)) answer.headers.set(name, value);
  }
  return answer;
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
