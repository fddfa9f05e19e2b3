/**
 * The pipeline's request port over a web `Request`, and an answer as a web `Response`: for adapters
 * on fetch-style runtimes (Hono anywhere, Workers, Bun, Deno).
 */
import { type HeaderValue, headerOccurrences } from "../auth.js";
import type { Answer, ErrorLogger, RequestPort } from "../port.js";
import { readDeclared, readLimited } from "./body.js";
import type { NodeBindings } from "./bridge.js";

/** The request target (path and query) of an absolute request URL. */
export function targetOf(url: string): string {
  const start = url.indexOf("/", url.indexOf(":") + 3);
  return start === -1 ? "/" : url.slice(start);
}

/**
 * A {@link RequestPort} over a web `Request`. Its `Headers` join a repeated header with ", ", so a
 * doubled credential is told by its content (two credentials in one value). Under a node bridge,
 * given its `env`, headers are read from node's request instead: the web `Headers` of a bridged
 * request are only built when asked for, which would cost more than the rest of an adapter's work,
 * and node's `rawHeaders` show a doubled credential header.
 * @example
 * const outcome = await pipeline.handle(new WebPort(request));
 */
export class WebPort implements RequestPort {
  readonly method: string;
  readonly target: string;
  readonly unframed: boolean;
  readonly logger: ErrorLogger | false | undefined;
  private readonly node: NodeBindings["incoming"];

  constructor(
    readonly request: Request,
    options: { env?: unknown; logger?: ErrorLogger | false } = {},
  ) {
    this.method = request.method;
    this.target = targetOf(request.url);
    const incoming = (options.env as NodeBindings | undefined)?.incoming;
    this.node = typeof incoming?.headers === "object" ? incoming : undefined;
    // A Request built in-process has a body without Content-Length; one a server made is framed (and
    // its body is not touched: @hono/node-server builds a real Request the first time it is).
    this.unframed = incoming === undefined && request.body !== null;
    this.logger = options.logger;
  }

  header(name: string): string | undefined {
    if (this.node === undefined) return this.request.headers.get(name) ?? undefined;
    const value = this.node.headers[name];
    return typeof value === "string" || value === undefined ? value : value.join(", ");
  }

  credentials(name: string): HeaderValue {
    return this.node === undefined ? this.header(name) : headerOccurrences(this.node.rawHeaders, name);
  }

  headers(): Readonly<Record<string, HeaderValue>> {
    const out: Record<string, string> = {};
    this.request.headers.forEach((value, name) => {
      out[name] = value;
    });
    return out;
  }

  readBody(limit: number): Promise<Uint8Array> {
    // A declared length already passed the limit: its framing bounds the bytes.
    if (this.header("content-length") !== undefined) return readDeclared(this.request);
    return readLimited(this.request.body, limit);
  }
}

/**
 * The answer as a web `Response`; with `contentLength`, an explicit `Content-Length` (for a HEAD
 * answer whose body a framework drops; servers compute it for a body they write).
 * @example
 * return toResponse(pipeline.fail(error, context));
 */
export function toResponse(
  answer: Pick<Answer, "status" | "headers" | "body">,
  contentLength = false,
): Response {
  const headers = answer.headers;
  if (contentLength && answer.body !== "") headers["Content-Length"] = String(byteLength(answer.body));
  return new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers });
}

/** Bytes of a string in UTF-8, without encoding it (its surrogates come in pairs: JSON escapes lone ones). */
function utf8Length(text: string): number {
  let length = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) length += 1;
    else {
      // Three bytes; a surrogate pair is four bytes for two units, so its low half adds nothing.
      length += 2;
      const next = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return length;
}

const ENCODER = new TextEncoder();
const SCRATCH = new Uint8Array(16 * 1024);

/** Bytes of a string in UTF-8: natively encoded into scratch space (5x faster than the loop), or counted. */
function byteLength(text: string): number {
  if (text.length > SCRATCH.length / 3) return utf8Length(text);
  return ENCODER.encodeInto(text, SCRATCH).written;
}
