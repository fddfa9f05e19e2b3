/**
 * Bearer authentication without a framework: read the token (6 / 7, or 3 for a doubled header),
 * look it up with the application's store (7 / 8), then check roles and scopes (9). The
 * `WWW-Authenticate` header of the 401 answers comes from `errorResponse`.
 *
 * Tokens are only ever read from a header. A token in the URL (`?access_token=...`, RFC 6750
 * section 2.3) leaks into logs, caches and Referer headers, so it is ignored: such a request is
 * anonymous and gets 6.
 */
import { ApiError, isApiError } from "../api-error.js";

/** A header value as node (`string | string[]`), fetch or a plain object presents it. */
export type HeaderValue = string | readonly string[] | undefined;

/**
 * Request headers keyed by lower-case name, e.g. node's `req.headers`. Node drops a repeated
 * `Authorization` header; pass `req.headersDistinct` to have it refused as a duplicate instead.
 */
export interface RequestHeaders {
  readonly authorization?: HeaderValue;
  readonly [name: string]: HeaderValue;
}

/**
 * Every value of one header in node's `rawHeaders` (`[name, value, ...]`), for the credential
 * header: a doubled one must be seen to be refused (3), and node's `headers` keeps only one.
 * `headersDistinct` would tell too, but builds an array for every header of every request.
 * @example
 * headerOccurrences(req.rawHeaders, "authorization"); // ["Bearer a", "Bearer b"]
 */
export function headerOccurrences(rawHeaders: readonly string[], lowerName: string): string[] | undefined {
  let values: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== lowerName.length || name.toLowerCase() !== lowerName) continue;
    if (values === undefined) values = [];
    values.push(rawHeaders[i + 1] as string);
  }
  return values;
}

export interface ExtractTokenOptions {
  /**
   * Read a bare token from this header (e.g. `x-access-token`) instead of `Authorization: Bearer`.
   * Case-insensitive.
   */
  header?: string;
  /** Longest token accepted; longer ones are 7. Default 4096. */
  maxTokenLength?: number;
}

/**
 * What a token store must return. Applications keep their own principal type: any object type with
 * these fields satisfies it, no index signature needed.
 */
export interface PrincipalFields {
  readonly id: string;
  /** When the credential stops being valid: a Date, an RFC 3339 string, or epoch milliseconds. */
  readonly expiresAt?: Date | string | number | null | undefined;
  readonly roles?: readonly string[] | null | undefined;
  readonly scopes?: readonly string[] | null | undefined;
}

/** The default principal: the known fields plus anything else the store attaches. */
export interface Principal extends PrincipalFields {
  readonly [extra: string]: unknown;
}

/**
 * Finds the principal a token belongs to; `null` or `undefined` for an unknown token (7). Let real
 * failures (database down, ...) throw: they are not the client's fault and are never turned into 7.
 */
export type TokenLookup<P extends PrincipalFields = Principal> = (
  token: string,
) => P | null | undefined | PromiseLike<P | null | undefined>;

export interface VerifyOptions {
  /** The clock, for tests and replays. Default `Date.now`. */
  now?: () => Date | number;
}

export interface AuthenticateOptions extends ExtractTokenOptions, VerifyOptions {}

const DEFAULT_MAX_TOKEN_LENGTH = 4096;
// RFC 7235 token68: the only shape a Bearer credential may have (RFC 6750 section 2.1).
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
// `name=value` after a comma continues the same credential (auth-params); anything else starts a new one.
const AUTH_PARAM = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*=/;

function duplicate(header: string): ApiError<3> {
  return ApiError.invalidStructure([
    {
      in: "header",
      pointer: `/${header}`,
      rule: "duplicate",
      message: `The ${header} header carries more than one credential`,
    },
  ]);
}

/** How many credentials a comma-joined header value holds (fetch joins repeated headers with ", "). */
function credentialCount(value: string, bare: boolean): number {
  let count = 0;
  for (const part of value.split(",")) {
    const trimmed = part.trim();
    if (trimmed !== "" && (bare || count === 0 || !AUTH_PARAM.test(trimmed))) count++;
  }
  return count;
}

function checkToken68(token: string, max: number): string | ApiError<7> {
  if (token === "") return ApiError.authInvalid({ message: "The Bearer credentials carry no token" });
  if (token.length > max || !TOKEN68.test(token)) {
    return ApiError.authInvalid({ message: "The access token is malformed" });
  }
  return token;
}

/**
 * The bearer token of a request, or the refusal as a value (an anonymous request is common, and an
 * exception would cost more than the rest of its answer):
 * - 400 / 3 (`duplicate`) when the header is sent twice or carries two credentials;
 * - 6 when it is absent, empty, or of another scheme (`Basic ...`); the scheme name is matched
 *   case-insensitively (RFC 7235);
 * - 7 when the token is empty, longer than `maxTokenLength`, or not token68 (spaces, commas, ...).
 * @example
 * extractToken(req.headers); // "Authorization: Bearer abc" -> "abc"
 * extractToken(req.headers, { header: "x-access-token" }); // "X-Access-Token: abc" -> "abc"
 * extractToken({}); // ApiError 6
 */
export function extractToken(
  headers: RequestHeaders,
  options: ExtractTokenOptions = {},
): string | ApiError<3 | 6 | 7> {
  const name = options.header === undefined ? "authorization" : options.header.toLowerCase();
  const bare = name !== "authorization";
  const max = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  const raw = headers[name];
  let value: string | undefined;
  if (typeof raw === "string") {
    value = raw;
  } else if (raw !== undefined) {
    if (raw.length > 1) return duplicate(name);
    value = raw[0];
  }
  if (value === undefined) return ApiError.authNotProvided();
  if (value.includes(",") && credentialCount(value, bare) > 1) return duplicate(name);
  const credentials = value.trim();
  if (credentials === "") return ApiError.authNotProvided();
  if (bare) return checkToken68(credentials, max);

  const space = credentials.search(/[ \t]/);
  const scheme = space === -1 ? credentials : credentials.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") {
    return ApiError.authNotProvided({ message: "Only Bearer authentication is supported" });
  }
  const token = space === -1 ? "" : credentials.slice(space + 1).replace(/^[ \t]+/, "");
  return checkToken68(token, max);
}

/** Epoch milliseconds of `expiresAt`; a value that is no date is the store's bug, not the client's. */
function expiryOf(value: Date | string | number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (ms === Number.POSITIVE_INFINITY) return ms;
  if (Number.isNaN(new Date(ms).getTime())) {
    throw new TypeError("principal.expiresAt is not a valid date, RFC 3339 string or epoch milliseconds");
  }
  return ms;
}

/**
 * The checks after a lookup: no principal is 7; one whose `expiresAt` is not in the future is 8 with
 * `details.expired_at`. The refusal comes back as a value.
 * @example
 * const checked = checkPrincipal(sessions.get(token), { now: () => clock.now() });
 * if (isApiError(checked)) throw checked;
 */
export function checkPrincipal<P extends PrincipalFields>(
  principal: P | null | undefined,
  options: VerifyOptions = {},
): P | ApiError<7 | 8> {
  if (principal === null || principal === undefined) return ApiError.authInvalid();
  const expiresAt = principal.expiresAt;
  if (expiresAt === null || expiresAt === undefined) return principal;
  const expiry = expiryOf(expiresAt);
  const clock = options.now?.() ?? Date.now();
  const now = typeof clock === "number" ? clock : clock.getTime();
  if (expiry <= now) return ApiError.authExpired(new Date(expiry));
  return principal;
}

/**
 * Extracts the bearer token, looks it up and checks its expiry. Rejects with 3 / 6 / 7 / 8 as an
 * ApiError; whatever `lookup` throws is passed on untouched (a failing store is a 5xx, not a 7).
 * @example
 * const user = await authenticate(req.headers, (token) => db.findSession(sha256(token)));
 * requireRole(user, "admin");
 */
export async function authenticate<P extends PrincipalFields = Principal>(
  headers: RequestHeaders,
  lookup: TokenLookup<P>,
  options: AuthenticateOptions = {},
): Promise<P> {
  const token = extractToken(headers, options);
  if (typeof token !== "string") throw token;
  const checked = checkPrincipal(await lookup(token), options);
  if (isApiError(checked)) throw checked;
  return checked;
}

function listOf(value: string | readonly string[], what: string): readonly string[] {
  const list = typeof value === "string" ? [value] : value;
  if (list.length === 0) throw new RangeError(`${what}: name at least one`);
  return list;
}

/** 9 when the principal has none of the roles (alternatives), else `undefined`. */
export function missingRole(principal: PrincipalFields, roles: readonly string[]): ApiError<9> | undefined {
  const held = principal.roles ?? [];
  return roles.some((r) => held.includes(r)) ? undefined : ApiError.authForbidden(roles.join("|"));
}

/** 9 naming the scopes the principal lacks (scopes add up), else `undefined`. */
export function missingScopes(
  principal: PrincipalFields,
  scopes: readonly string[],
): ApiError<9> | undefined {
  const held = principal.scopes ?? [];
  const missing = scopes.filter((s) => !held.includes(s));
  return missing.length === 0 ? undefined : ApiError.authForbidden(missing.join(" "));
}

/**
 * 403 / 9 unless the principal has one of the roles (several roles are alternatives). `details.required`
 * names them, joined by `|` when there are several.
 * @example
 * requireRole(user, ["admin", "support"]); // ok for either; else 9 with { required: "admin|support" }
 */
export function requireRole<P extends PrincipalFields>(principal: P, role: string | readonly string[]): P {
  const refused = missingRole(principal, listOf(role, "requireRole"));
  if (refused !== undefined) throw refused;
  return principal;
}

/**
 * 403 / 9 unless the principal has every scope (scopes add up, as in OAuth). `details.required`
 * lists the missing ones, space-separated like an OAuth `scope` value.
 * @example
 * requireScope(token, ["orders:read", "orders:write"]); // 9 with { required: "orders:write" } if that one is missing
 */
export function requireScope<P extends PrincipalFields>(principal: P, scope: string | readonly string[]): P {
  const refused = missingScopes(principal, listOf(scope, "requireScope"));
  if (refused !== undefined) throw refused;
  return principal;
}
