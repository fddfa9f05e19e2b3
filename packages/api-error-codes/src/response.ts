/**
 * What an adapter writes for an error: status, headers and body bytes, decided once here so that
 * every adapter answers the same.
 */
import type { ApiError } from "./api-error.js";
import { generateRequestId, REQUEST_ID_PATTERN, UUID_PATTERN } from "./request-id.js";
import { type SerializeOptions, serializeError } from "./wire.js";

export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

/**
 * The request id to use: the incoming `X-Request-Id` when it is well-formed, else the id the
 * framework `made` for the request when that is a UUID (unique, unlike Fastify's default `req-1`),
 * else a fresh UUID.
 * @example
 * res.setHeader("X-Request-Id", requestId(req.headers["x-request-id"]));
 */
export function requestId(incoming: string | readonly string[] | null | undefined, made?: string): string {
  if (typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming)) return incoming;
  return made !== undefined && UUID_PATTERN.test(made) ? made : generateRequestId();
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
