/**
 * Bearer tokens: 256 random bits, base64url (RFC 7235 token68, so any client can send them). Only
 * their SHA-256 digest is stored: a leaked table holds nothing that authenticates. A fast hash is
 * enough here, unlike for passwords, because the input has full entropy.
 */
import { createHash, randomBytes } from "node:crypto";

export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function digest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
