/**
 * Error responses made outside the pipeline (a handler's own, another middleware's, a framework's)
 * on fetch-style runtimes: read for the pipeline's guard, and replaced by its answer.
 */
import type { Answer, ErrorContext } from "../port.js";
import { toResponse } from "./port.js";

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
 * The guard's answer for an error response made outside the pipeline, in its place: kept when its
 * body conforms, converted otherwise. `thrown` is the error it was made for, when known.
 * @example
 * if (response.status >= 400) return guarded(pipeline, response, context);
 */
export async function guarded(
  pipeline: {
    guard(status: number, text: string | undefined, context: ErrorContext, thrown?: unknown): Answer;
  },
  response: Response,
  context: ErrorContext,
  thrown?: unknown,
): Promise<Response> {
  const answer = pipeline.guard(response.status, await bodyText(response), context, thrown);
  return replacing(response, toResponse(answer, context.method === "HEAD"));
}
