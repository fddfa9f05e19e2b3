/**
 * What an adapter writes for an error: status, headers and body bytes, decided once here so that
 * every adapter answers the same.
 */
import type { ApiError } from "./api-error.js";
import { type SerializeOptions, serializeError } from "./wire.js";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request id to use: the incoming `X-Request-Id` when it is well-formed, otherwise a fresh UUID.
 * @example
 * res.setHeader("X-Request-Id", requestId(req.headers["x-request-id"]));
 */
export function requestId(incoming: string | readonly string[] | null | undefined): string {
  if (typeof incoming === "string" && REQUEST_ID.test(incoming)) return incoming;
  uuid ??= uuidSource();
  return uuid();
}

/** A UUID v4 source, looked up once: node's own `randomUUID` where there is one, else Web Crypto's. */
let uuid: (() => string) | undefined;

function uuidSource(): () => string {
  // Without an import of node:crypto, so that the core runs on Workers and in browsers as well.
  const process = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const node = process?.getBuiltinModule?.("node:crypto") as { randomUUID?: () => string } | undefined;
  if (typeof node?.randomUUID === "function") return node.randomUUID;
  return globalThis.crypto.randomUUID.bind(globalThis.crypto);
}

export interface ErrorResponseOptions extends SerializeOptions {
  /** `realm` of `WWW-Authenticate` on 401 answers. */
  realm?: string;
}

export interface ErrorResponse {
  status: number;
  /** Header names in their canonical case; `X-Request-Id` is the adapter's to add. */
  headers: Record<string, string>;
  body: string;
}

function wwwAuthenticate(code: number, realm: string | undefined): string {
  const base = realm === undefined ? "Bearer" : `Bearer realm="${realm.replace(/["\\]/g, "")}"`;
  const sep = realm === undefined ? " " : ", ";
  if (code === 7)
    return `${base}${sep}error="invalid_token", error_description="The access token is invalid"`;
  if (code === 8) return `${base}${sep}error="invalid_token", error_description="The access token expired"`;
  return base;
}

/**
 * Status, headers and body for an error: `Content-Type`, `X-Content-Type-Options: nosniff`,
 * `Allow` for code 1, `WWW-Authenticate` for 401, plus the error's own headers (which win).
 */
export function errorResponse(error: ApiError<number>, options: ErrorResponseOptions = {}): ErrorResponse {
  const headers: Record<string, string> = {
    "Content-Type": JSON_CONTENT_TYPE,
    "X-Content-Type-Options": "nosniff",
  };
  if (error.code === 1) {
    const allowed = (error.details as { allowed?: unknown } | null)?.allowed;
    if (Array.isArray(allowed)) headers.Allow = allowed.join(", ");
  }
  if (error.status === 401) headers["WWW-Authenticate"] = wwwAuthenticate(error.code, options.realm);
  Object.assign(headers, error.headers);
  return { status: error.status, headers, body: serializeError(error, options) };
}
