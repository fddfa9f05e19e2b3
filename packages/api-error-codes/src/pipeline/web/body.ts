/**
 * Request bodies from web `Request`s, for adapters on any runtime: web streams
 * and typed arrays only.
 */
import { ApiError } from "../../api-error.js";
import { bodyTooLarge, bodyUnreadable } from "../body.js";

const EMPTY = new Uint8Array(0);

/**
 * The body bytes of a request whose length the headers do not bound (chunked, or a `Request` built
 * in-process without `Content-Length`): counted while streaming, refused with 413 / 3 as soon as
 * they pass `limit`, so that an endless upload is never buffered.
 * @example
 * const bytes = await readLimited(c.req.raw.body, 1_048_576);
 */
export async function readLimited(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array> {
  if (stream === null) return EMPTY;
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        reader.cancel().catch(() => {});
        throw bodyTooLarge(limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    throw error instanceof ApiError ? error : bodyUnreadable(error);
  }
  // One exact-size copy: Hono's body cache wants an ArrayBuffer of exactly these bytes.
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * The bytes of a request whose `Content-Length` already passed the limit: its framing bounds them.
 * @example
 * const bytes = await readDeclared(c.req.raw);
 */
export async function readDeclared(request: Request): Promise<Uint8Array> {
  try {
    return new Uint8Array(await request.arrayBuffer());
  } catch (error) {
    throw bodyUnreadable(error);
  }
}
