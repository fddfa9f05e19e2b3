/**
 * An error response written by code outside the pipeline (an app's own error middleware, a
 * Sentry-style handler) keeps being written, but what it sends for a status >= 400 passes the
 * pipeline's guard when it ends: a conforming body goes out as it is, anything else (an HTML page, a
 * stack) is converted. For any node `ServerResponse`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Answer } from "../port.js";

/** `thrown` is the error the writer received: the answer for it when its body does not conform. */
export type Guard = (
  req: IncomingMessage,
  status: number,
  text: string | undefined,
  thrown: unknown,
) => Answer;

/** Headers of the replaced body that describe it, not the outcome. */
const ENTITY_HEADERS = ["content-length", "content-type", "content-encoding", "etag", "content-disposition"];

/** A guarded response's own methods, and the error its writer received, if any. */
interface Held {
  readonly write: ServerResponse["write"];
  readonly end: ServerResponse["end"];
  thrown: unknown;
}
const HELD = Symbol("api-error-codes.held");
type Guarded = ServerResponse & { [HELD]?: Held | undefined };

/**
 * Holds back what an error response writes, to judge it whole when it ends. Guarding a response
 * already guarded only records `thrown` (an error middleware on a response guarded from the start).
 */
export function guardResponse(
  req: IncomingMessage,
  res: ServerResponse,
  guard: Guard,
  thrown: unknown,
): void {
  const kept = (res as Guarded)[HELD];
  if (kept !== undefined) {
    if (thrown !== undefined) kept.thrown = thrown;
    return;
  }
  const { write, end } = res;
  const held: Held = { write, end, thrown };
  (res as Guarded)[HELD] = held;
  const chunks: Buffer[] = [];
  const take = (chunk: unknown, encoding: unknown): void => {
    if (chunk === undefined || chunk === null || typeof chunk === "function") return;
    chunks.push(
      typeof chunk === "string"
        ? Buffer.from(chunk, (encoding as BufferEncoding) || "utf8")
        : Buffer.from(chunk as Uint8Array),
    );
  };
  res.write = function heldWrite(
    this: ServerResponse,
    chunk: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    if (res.statusCode < 400 || res.headersSent)
      return write.call(this, chunk as string, encoding as BufferEncoding, callback as () => void);
    take(chunk, encoding);
    return true;
  } as ServerResponse["write"];
  res.end = function guardedEnd(
    this: ServerResponse,
    chunk?: unknown,
    encoding?: unknown,
    callback?: unknown,
  ) {
    // A success ends as it is (the held methods stay: they pass everything once the status is < 400).
    if (res.statusCode < 400 || res.headersSent)
      return end.call(this, chunk as string, encoding as BufferEncoding, callback as () => void);
    releaseResponse(res);
    take(chunk, encoding);
    const answer = guard(
      req,
      res.statusCode,
      req.method === "HEAD" ? undefined : Buffer.concat(chunks).toString("utf8"),
      held.thrown,
    );
    for (const name of ENTITY_HEADERS) res.removeHeader(name);
    res.statusCode = answer.status;
    for (const name in answer.headers) res.setHeader(name, answer.headers[name] as string);
    res.setHeader("Content-Length", Buffer.byteLength(answer.body));
    return end.call(this, req.method === "HEAD" ? undefined : answer.body, "utf8", callback as () => void);
  } as ServerResponse["end"];
}

/** Gives a response its own methods back: the pipeline's answers, already logged, pass unjudged. */
export function releaseResponse(res: ServerResponse): void {
  const held = (res as Guarded)[HELD];
  if (held === undefined) return;
  (res as Guarded)[HELD] = undefined;
  res.write = held.write;
  res.end = held.end;
}

/**
 * The text of a body an app's code set for an error answer (Koa's `ctx.body`, a Fastify reply's
 * payload), for the guard: a string or bytes as UTF-8, a value as JSON; a stream is not read.
 */
export function bodyTextOf(body: unknown): string | undefined {
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return Buffer.from(body).toString("utf8");
  if (body === null || body === undefined || typeof (body as { pipe?: unknown }).pipe === "function")
    return undefined;
  return JSON.stringify(body);
}
