/**
 * Request ids for `X-Request-Id`, generated with the Web Crypto API so that the same code runs in
 * browsers and in Node >= 20.
 */

/** The request id format the contract's servers accept and echo. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Header names used by the client, in canonical case. */
export const REQUEST_ID_HEADER = "X-Request-Id";

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

/**
 * A fresh random UUID (v4). Uses `crypto.randomUUID` where it exists (it is missing on plain-http
 * pages that are not localhost), else `crypto.getRandomValues`.
 * @example
 * headers.set("X-Request-Id", generateRequestId()); // "3b241101-e2bb-4255-8caf-4136c566a962"
 */
export function generateRequestId(): string {
  const crypto = globalThis.crypto as Crypto | undefined;
  if (typeof crypto?.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  if (typeof crypto?.getRandomValues === "function") crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = hex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
