/**
 * The pipeline's request port over node's `IncomingMessage`, and writing an answer to a
 * `ServerResponse`: what every adapter on node's HTTP server (node, Express, Fastify) shares.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type HeaderValue, headerOccurrences } from "../pipeline/auth.js";
import { bodyTooLarge, bodyUnreadable } from "../pipeline/body.js";
import type { ErrorLogger, RequestPort } from "../pipeline/port.js";

/**
 * The body bytes, refusing more than `limit` (413 / 3) while reading, so that a chunked upload past
 * the limit is cut off without being buffered.
 * @example
 * const bytes = await readNodeBody(req, 1_048_576);
 */
export function readNodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop buffering; the rest is discarded while the 413 goes out, then the connection closes.
        req.resume();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(bodyUnreadable(error));
    };
    const onAborted = () => onError(new Error("request aborted"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

/**
 * A {@link RequestPort} over node's request. A class rather than an object of closures: one small
 * allocation per request. `target` may differ from `req.url` (Express strips a mount path from it).
 * @example
 * const outcome = await pipeline.handle(new NodePort(req));
 */
export class NodePort implements RequestPort {
  readonly method: string;
  readonly target: string;
  readonly logger: ErrorLogger | false | undefined;

  constructor(
    readonly req: IncomingMessage,
    target?: string,
    logger?: ErrorLogger | false,
  ) {
    this.method = req.method ?? "GET";
    this.target = target ?? req.url ?? "/";
    this.logger = logger;
  }

  header(name: string): string | undefined {
    const value = this.req.headers[name];
    return typeof value === "string" || value === undefined ? value : value.join(", ");
  }

  /** Counted on `rawHeaders`: node keeps one `Authorization`, and a doubled one must be refused. */
  credentials(name: string): HeaderValue {
    return headerOccurrences(this.req.rawHeaders, name);
  }

  headers(): Readonly<Record<string, HeaderValue>> {
    return this.req.headers;
  }

  readBody(limit: number): Promise<Uint8Array> {
    return readNodeBody(this.req, limit);
  }
}

/** An answer as the pipeline gives it, or any status, headers and body text. */
export interface WritableAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * Writes an answer with its `Content-Length`; HEAD gets the headers without the body. A response
 * whose headers already went out cannot take an error any more: its connection is closed.
 * @example
 * writeAnswer(req, res, pipeline.fail(error, context));
 */
export function writeAnswer(req: IncomingMessage, res: ServerResponse, answer: WritableAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = answer.status;
  for (const name in answer.headers) res.setHeader(name, answer.headers[name] as string);
  if (answer.body === "") {
    res.end();
    return;
  }
  res.setHeader("Content-Length", Buffer.byteLength(answer.body));
  res.end(req.method === "HEAD" ? undefined : answer.body);
}
