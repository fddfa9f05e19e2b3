/**
 * The code registry: every error code of the contract as data. The types, the status map, the
 * README table and the OpenAPI components are all derived from this table.
 */

/** One entry of the registry. */
export interface CodeDefinition {
  /** The integer sent as `error_code`. 0-99 are the contract's, 100 and up are the application's. */
  readonly code: number;
  /** Upper snake case name, unique across the registry. */
  readonly name: string;
  /** Status used when the error does not name one. */
  readonly status: number;
  /** Every status this code may be sent with (the default first). */
  readonly statuses: readonly number[];
  /** `error_message` used when the error does not name one (and always for 5xx, outside development). */
  readonly message: string;
  /** One line on when the code is used, for docs and OpenAPI. */
  readonly description: string;
  /**
   * The code's documentation page (an absolute URL, or a path on the API's own host): Problem
   * Details' `type`, the `Link` header with the `docLinks` option, OpenAPI response descriptions.
   */
  readonly docUrl?: string;
}

/** The thirteen codes of the contract. */
export const BUILTIN_CODES = [
  {
    code: 0,
    name: "UNKNOWN",
    status: 500,
    statuses: [500],
    message: "Unknown server side error occurred",
    description: "Anything unexpected; the message is always the generic one.",
  },
  {
    code: 1,
    name: "NOT_ALLOWED",
    status: 405,
    statuses: [405],
    message: "Method not allowed",
    description: "The path exists, the method does not; the Allow header lists the methods that do.",
  },
  {
    code: 2,
    name: "NOT_REALIZED",
    status: 501,
    statuses: [501],
    message: "Operation is not implemented",
    description: "The operation is documented but not implemented yet.",
  },
  {
    code: 3,
    name: "INVALID_STRUCTURE",
    status: 400,
    statuses: [400, 408, 413, 415, 431],
    message: "Request structure is invalid",
    description:
      "Unparseable body, wrong media type, body or headers too large, request too slow, missing required field or parameter, unknown field where extras are forbidden.",
  },
  {
    code: 4,
    name: "INVALID_VALUE",
    status: 400,
    statuses: [400, 409, 422],
    message: "Request contains an invalid value",
    description:
      "Right type, wrong value: range, length, pattern, format, enum, semantic rule; 409 for a uniqueness conflict.",
  },
  {
    code: 5,
    name: "INVALID_TYPE",
    status: 400,
    statuses: [400],
    message: "Request contains a value of the wrong type",
    description: "Wrong JSON type, or a path, query or header value not coercible to its declared type.",
  },
  {
    code: 6,
    name: "AUTH_NOT_PROVIDED",
    status: 401,
    statuses: [401],
    message: "Authentication is required",
    description: "No credentials: header absent, empty, or of another scheme.",
  },
  {
    code: 7,
    name: "AUTH_INVALID",
    status: 401,
    statuses: [401],
    message: "Authentication credentials are invalid",
    description: "Credentials present but unknown or ill-formed.",
  },
  {
    code: 8,
    name: "AUTH_EXPIRED",
    status: 401,
    statuses: [401],
    message: "Authentication credentials have expired",
    description: "The token is known but expired.",
  },
  {
    code: 9,
    name: "AUTH_FORBIDDEN",
    status: 403,
    statuses: [403],
    message: "Access to this operation is forbidden",
    description: "Authenticated, but the role or scope does not permit the operation.",
  },
  {
    code: 10,
    name: "NOT_EXIST",
    status: 404,
    statuses: [404],
    message: "Resource not found",
    description: "No route for the path, or the resource is absent or not visible to the caller.",
  },
  {
    code: 11,
    name: "EXTERNAL_SERVICE",
    status: 502,
    statuses: [502, 503, 504],
    message: "External service failed",
    description:
      "An upstream failed or answered garbage (502), timed out (504) or is cut off by an open circuit (503).",
  },
  {
    code: 12,
    name: "DATABASE",
    status: 503,
    statuses: [503, 500],
    message: "Database is unavailable",
    description: "Database unavailable, busy or timed out (503), or a non-transient database failure (500).",
  },
] as const satisfies readonly CodeDefinition[];

type Builtin = (typeof BUILTIN_CODES)[number];

/** 0 | 1 | ... | 12 */
export type BuiltinCode = Builtin["code"];
/** "UNKNOWN" | "NOT_ALLOWED" | ... */
export type BuiltinCodeName = Builtin["name"];
/** The statuses allowed for a built-in code, e.g. `StatusOf<11>` is `502 | 503 | 504`. */
export type BuiltinStatusOf<C extends BuiltinCode> = Extract<Builtin, { code: C }>["statuses"][number];

/**
 * Named constants for the built-in codes: `ErrorCode.NOT_EXIST === 10`.
 * @example
 * if (err.code === ErrorCode.AUTH_EXPIRED) await refresh();
 */
export const ErrorCode = Object.freeze(
  Object.fromEntries(BUILTIN_CODES.map((d) => [d.name, d.code])) as {
    readonly [D in Builtin as D["name"]]: D["code"];
  },
);

/** The lowest code an application may register. */
export const FIRST_CUSTOM_CODE = 100;

// The registry is shared through the global symbol registry so that two copies of the package in
// one process (or a bundled copy next to an installed one) see the same custom codes.
const REGISTRY_KEY = Symbol.for("api-error-codes.registry.v1");
type Registry = Map<number, CodeDefinition>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  let map = holder[REGISTRY_KEY];
  if (map === undefined) {
    map = new Map(BUILTIN_CODES.map((d) => [d.code, d]));
    Object.defineProperty(holder, REGISTRY_KEY, { value: map, enumerable: false });
  }
  return map;
}

/** The definition of a code, or `undefined` for a code nobody registered. */
export function getCode(code: number): CodeDefinition | undefined {
  return registry().get(code);
}

/** Every registered code, built-in ones first, in ascending order. */
export function listCodes(): CodeDefinition[] {
  return [...registry().values()].sort((a, b) => a.code - b.code);
}

/** Whether `status` may be sent with `code`. */
export function isAllowedStatus(code: number, status: number): boolean {
  return getCode(code)?.statuses.includes(status) ?? false;
}

/** Input of {@link registerCode}. */
export interface CodeRegistration<C extends number = number, N extends string = string> {
  code: C;
  name: N;
  status: number;
  /** Further statuses the code may use; the default status is always allowed. */
  statuses?: readonly number[];
  message: string;
  description?: string;
  /** The code's documentation page; see {@link documentCodes} for every code at once. */
  docUrl?: string;
}

const NAME_PATTERN = /^[A-Z][A-Z0-9_]*$/;

/**
 * Registers an application code (100 and up). Registering the same definition twice is allowed
 * (modules get re-evaluated in tests and by bundlers); a conflicting one throws.
 *
 * For typed `details`, also extend {@link ErrorDetailsMap} by declaration merging.
 * @example
 * registerCode({ code: 100, name: "TOO_MANY_ATTEMPTS", status: 429, message: "Too many attempts" });
 * declare module "api-error-codes" {
 *   interface ErrorDetailsMap { 100: { retry_after_seconds: number } }
 * }
 */
export function registerCode<const C extends number, const N extends string>(
  input: CodeRegistration<C, N>,
): CodeDefinition & { readonly code: C; readonly name: N } {
  const { code, name, status, message } = input;
  if (!Number.isSafeInteger(code) || code < FIRST_CUSTOM_CODE) {
    throw new RangeError(`registerCode: code must be an integer >= ${FIRST_CUSTOM_CODE} (0-99 are reserved)`);
  }
  if (!NAME_PATTERN.test(name)) throw new TypeError(`registerCode: name "${name}" must be UPPER_SNAKE_CASE`);
  const statuses = [status, ...(input.statuses ?? []).filter((s) => s !== status)];
  for (const s of statuses) {
    if (!Number.isInteger(s) || s < 400 || s > 599) {
      throw new RangeError(`registerCode: status ${s} is not an error status (400-599)`);
    }
  }
  if (typeof message !== "string" || message.length === 0)
    throw new TypeError("registerCode: message is required");
  if (input.docUrl !== undefined) checkDocUrl(input.docUrl, "registerCode");
  const definition = Object.freeze({
    code,
    name,
    status,
    statuses: Object.freeze(statuses),
    message,
    description: input.description ?? message,
    ...(input.docUrl === undefined ? {} : { docUrl: input.docUrl }),
  });
  const map = registry();
  const existing = map.get(code);
  if (existing !== undefined) {
    // documentCodes() may have given the registered one a page since.
    const same = { ...existing, docUrl: definition.docUrl ?? existing.docUrl };
    if (JSON.stringify(same) === JSON.stringify({ ...definition, docUrl: same.docUrl }))
      return existing as typeof definition;
    throw new Error(`registerCode: code ${code} is already registered as ${existing.name}`);
  }
  for (const other of map.values()) {
    if (other.name === name)
      throw new Error(`registerCode: name ${name} is already used by code ${other.code}`);
  }
  map.set(code, definition);
  return definition;
}

const DOC_URL = /^(?:https?:\/\/[^\s/]+|\/)[^\s]*$/;

function checkDocUrl(url: string, caller: string): void {
  if (typeof url !== "string" || !DOC_URL.test(url))
    throw new TypeError(
      `${caller}: docUrl "${String(url)}" must be an http(s) URL or a path starting with "/"`,
    );
}

/**
 * Gives every registered code without a documentation page one, from a template with `{code}` and
 * `{name}` (e.g. the pages `api-error-codes catalog --format html` writes). Codes registered later
 * are not affected; call it after registering yours.
 * @example
 * documentCodes("https://api.example.com/docs/errors/{code}");
 * getCode(10)?.docUrl; // "https://api.example.com/docs/errors/10"
 */
export function documentCodes(template: string): void {
  if (!template.includes("{code}") && !template.includes("{name}"))
    throw new TypeError(`documentCodes: template "${template}" names neither {code} nor {name}`);
  const map = registry();
  for (const [code, definition] of map) {
    if (definition.docUrl !== undefined) continue;
    const docUrl = template.replaceAll("{code}", String(code)).replaceAll("{name}", definition.name);
    checkDocUrl(docUrl, "documentCodes");
    map.set(code, Object.freeze({ ...definition, docUrl }));
  }
}
