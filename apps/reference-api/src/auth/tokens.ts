/**
 * Bearer tokens: 32 bytes, base64url (43 characters; RFC 7235 token68, so any client can send them).
 * 24 bytes are random; the last 8 are an HMAC-SHA256 tag of those under the service's token key
 * (kept in the database, shared by every instance). The tag is not what authenticates: only the
 * stored digest does. It lets a token the service never issued be refused without a database query,
 * so a flood of made-up tokens costs a hash each, not a lookup each.
 *
 * Only the SHA-256 digest of a token is stored: a leaked table holds nothing that authenticates. A
 * fast hash is enough here, unlike for passwords, because the input has full entropy.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

const RANDOM_BYTES = 24;
const TAG_BYTES = 8;

/** A new token key (for the migration that creates it). */
export function newTokenKey(): string {
  return randomBytes(32).toString("hex");
}

export function newToken(key: Buffer): string {
  const random = randomBytes(RANDOM_BYTES);
  return Buffer.concat([random, tagOf(key, random)]).toString("base64url");
}

/** Whether a token carries the tag this key gives: false for anything the service did not issue. */
export function hasOurTag(key: Buffer, token: string): boolean {
  const bytes = Buffer.from(token, "base64url");
  if (bytes.length !== RANDOM_BYTES + TAG_BYTES) return false;
  return timingSafeEqual(bytes.subarray(RANDOM_BYTES), tagOf(key, bytes.subarray(0, RANDOM_BYTES)));
}

export function digest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function tagOf(key: Buffer, random: Uint8Array): Buffer {
  return createHmac("sha256", key).update(random).digest().subarray(0, TAG_BYTES);
}
