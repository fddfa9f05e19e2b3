/**
 * The pipeline's request port over node's `IncomingMessage`, and writing an answer to a
 * `ServerResponse`: what every adapter on node's HTTP server (node, Express, Fastify) shares.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type HeaderValue, headerOccurrences } from "../auth.js";
import { bodyTooLarge, bodyUnreadable } from "../body.js";
import type { ErrorLogger, RequestPort } from "../port.js";
import type { PreparedRoute } from "../route.js";
import { releaseResponse } from "./guard.js";

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

/** The bytes of a body as another parser read them; see {@link tapBody}. */
const TAPPED = Symbol("api-error-codes.tapped");
type Tapped = IncomingMessage & { [TAPPED]?: Buffer[]; body?: unknown };

/**
 * Keeps a copy of the body's chunks as whoever reads the stream receives them, so that a route's
 * check parses the bytes the client sent, not what the app's own parser (`express.json()`) made of
 * them (it lets duplicate keys and 1e400 through). That parser keeps its own limit and errors.
 */
export function tapBody(req: IncomingMessage): void {
  const chunks: Buffer[] = [];
  (req as Tapped)[TAPPED] = chunks;
  const emit = req.emit;
  req.emit = function tapped(this: IncomingMessage, event: string | symbol, ...args: unknown[]) {
    if (event === "data") chunks.push(args[0] as Buffer);
    return emit.call(this, event, ...args);
  } as typeof req.emit;
}

/**
 * {@link tapBody} for a request whose route reads a JSON body itself (a contract with a body schema),
 * which the app's own parser may read first; not a compressed one (that parser inflates it: the
 * bytes on the wire are not the JSON).
 */
export function tapRouteBody(
  req: IncomingMessage,
  port: RequestPort,
  route: PreparedRoute | undefined,
  pipeline: { jsonBody(port: RequestPort): boolean },
): void {
  if (route?.contract.schema?.body === undefined || req.headers["content-encoding"] !== undefined) return;
  if (pipeline.jsonBody(port)) tapBody(req);
}

/**
 * A body another parser already consumed: the bytes it read ({@link tapBody}); when they were not
 * kept (a compressed body), its result (`req.body`): bytes and text fully, a parsed value
 * re-serialized, which still catches depth, forbidden keys, NUL characters and size, but no longer
 * duplicate keys or huge numbers.
 */
function consumedBody(req: Tapped): Uint8Array {
  if (req[TAPPED] !== undefined) return Buffer.concat(req[TAPPED]);
  const parsed = req.body;
  if (parsed === undefined) return new Uint8Array(0);
  if (parsed instanceof Uint8Array) return parsed;
  return Buffer.from(typeof parsed === "string" ? parsed : JSON.stringify(parsed));
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
    if (this.req.readableEnded) return Promise.resolve(consumedBody(this.req));
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
  releaseResponse(res);
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
