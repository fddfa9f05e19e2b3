/**
 * Request ids for `X-Request-Id`, shared by the servers' adapters and the client: the format the
 * contract accepts and echoes, and a UUID v4 generator. No Node import, so that the same code runs
 * in browsers, on Workers and in Node >= 20.
 */

/** The header, in canonical case. */
export const REQUEST_ID_HEADER = "X-Request-Id";

/** An incoming request id is kept when it matches this; otherwise a fresh UUID replaces it. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** A UUID in its canonical text form, any version. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The UUID source, looked up on first use: `globalThis.crypto` is a lazy getter in Node. */
let uuid: (() => string) | undefined;

/**
 * A fresh random UUID (v4). Uses `crypto.randomUUID` where it exists (browsers leave it out on
 * plain-http pages that are not localhost), else `crypto.getRandomValues`.
 * @example
 * headers.set("X-Request-Id", generateRequestId()); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function generateRequestId(): string {
  uuid ??= uuidSource();
  return uuid();
}

function uuidSource(): () => string {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID.bind(crypto);
  return uuidFromRandomBytes;
}

function uuidFromRandomBytes(): string {
  const crypto = globalThis.crypto as Crypto | undefined;
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === "function") crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  let h = "";
  for (const byte of bytes) h += byte.toString(16).padStart(2, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
