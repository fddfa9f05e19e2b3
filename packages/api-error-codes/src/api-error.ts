import { type BuiltinCode, type BuiltinStatusOf, getCode } from "./codes.js";
import type {
  DatabaseDetails,
  DetailsOf,
  ErrorBody,
  ExternalServiceDetails,
  KnownCode,
  MethodNotAllowedDetails,
  OperationDetails,
  ResourceDetails,
  Violation,
} from "./details.js";
import { codeForViolations, MAX_VIOLATIONS, summarizeViolations } from "./validation/violations.js";

/**
 * Marks every ApiError, whichever copy of this package or `node:vm` realm created it. Symbols from
 * `Symbol.for` are shared by all realms, so the brand survives where `instanceof` does not.
 */
const BRAND = Symbol.for("api-error-codes.ApiError");

/** The statuses a code may be sent with; any error status for a code the types do not know. */
export type StatusOf<C extends number> = C extends BuiltinCode ? BuiltinStatusOf<C> : number;

export interface ApiErrorOptions<C extends number = number> {
  /** The message: `error_message` for 4xx; for 5xx it only reaches the log (see {@link ApiError.expose}). */
  message?: string;
  /** One of the statuses the code allows; the code's default when omitted. */
  status?: StatusOf<C>;
  /** Extra response headers, e.g. `{ "Retry-After": "30" }`. */
  headers?: Readonly<Record<string, string>>;
  /** Seconds for `Retry-After`; a shortcut for the header. */
  retryAfter?: number;
  /** The error that caused this one. Logged, never sent. */
  cause?: unknown;
  /** Send `message` even on a 5xx. Off by default: 5xx answers carry fixed messages. */
  expose?: boolean;
}

const EXTERNAL_MESSAGES: Record<ExternalServiceDetails["reason"], string> = {
  timeout: "External service timed out",
  unavailable: "External service is unavailable",
  bad_response: "External service returned an invalid response",
  circuit_open: "External service is temporarily unavailable",
};
const DATABASE_MESSAGES: Record<DatabaseDetails["reason"], string> = {
  unavailable: "Database is unavailable",
  conflict: "Database transaction conflict, try again",
  failure: "Database error",
};

/**
 * The error of the contract. Throw it from a handler, or build it with a factory such as
 * {@link ApiError.notExist}; its {@link ApiError.toJSON} is the wire body.
 * @example
 * throw ApiError.notExist({ resource: "order", id });
 * throw new ApiError(100, { retry_after_seconds: 30 }, { status: 429 }); // a registered custom code
 */
export class ApiError<C extends number = KnownCode> extends Error {
  declare readonly [BRAND]: true;
  override readonly name = "ApiError" as const;
  /** `error_code` on the wire. */
  readonly code: C;
  /** The HTTP status, one the code allows. */
  readonly status: number;
  /** `details` on the wire; its shape is fixed per code. */
  readonly details: DetailsOf<C>;
  /** Headers this error adds to the response (`Retry-After`, ...). */
  readonly headers: Readonly<Record<string, string>>;
  /** Whether a 5xx answer may carry {@link Error.message}. */
  readonly expose: boolean;

  constructor(code: C, details: DetailsOf<C>, options: ApiErrorOptions<C> = {}) {
    const definition = getCode(code);
    if (definition === undefined) {
      throw new RangeError(`ApiError: code ${code} is not registered (see registerCode)`);
    }
    const status = options.status ?? definition.status;
    if (!definition.statuses.includes(status)) {
      throw new RangeError(
        `ApiError: status ${status} is not allowed for code ${code} ${definition.name} (allowed: ${definition.statuses.join(", ")})`,
      );
    }
    // 4xx answers are expected outcomes, not bugs: skipping the stack trace makes them cheap. An
    // error caused by an Error skips it too: the cause's stack is the one logged, and capturing a
    // second one would double the cost of every 500.
    const cause = options.cause;
    const limit = Error.stackTraceLimit;
    if (status < 500 || carriesStack(cause)) Error.stackTraceLimit = 0;
    super(options.message ?? definition.message, cause === undefined ? undefined : { cause });
    Error.stackTraceLimit = limit;
    this.code = code;
    this.status = status;
    this.details = details;
    let headers = options.headers ?? {};
    if (options.retryAfter !== undefined) {
      headers = { ...headers, "Retry-After": String(Math.max(0, Math.ceil(options.retryAfter))) };
    }
    this.headers = headers;
    this.expose = options.expose ?? false;
  }

  /** The `error_message` this error sends: its own message for 4xx, a fixed one for 5xx. */
  get publicMessage(): string {
    if (this.status < 500 || this.expose) return this.message;
    const reason = (this.details as { reason?: string } | null)?.reason;
    if (this.code === 11 && reason !== undefined && reason in EXTERNAL_MESSAGES) {
      return EXTERNAL_MESSAGES[reason as keyof typeof EXTERNAL_MESSAGES];
    }
    if (this.code === 12 && reason !== undefined && reason in DATABASE_MESSAGES) {
      return DATABASE_MESSAGES[reason as keyof typeof DATABASE_MESSAGES];
    }
    return getCode(this.code)?.message ?? "Unknown server side error occurred";
  }

  /** The wire body, keys in contract order. */
  toJSON(): ErrorBody<C> {
    return { error_code: this.code, error_message: this.publicMessage, details: this.details };
  }

  /** `instanceof ApiError` holds for errors from another copy of the package or another realm too. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // `this` is the class on the right of instanceof: subclasses keep the ordinary prototype check,
    // only the base class matches by brand. (biome's noThisInStatic would rewrite this, so it is off.)
    if (this === ApiError) return isApiError(value);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }

  /** 500 / 0. The message is logged, never sent. */
  static unknown(options?: ApiErrorOptions<0>): ApiError<0> {
    return new ApiError(0, null, options);
  }

  /** 405 / 1. Adapters add the `Allow` header from `details.allowed`. */
  static notAllowed(details: MethodNotAllowedDetails, options?: ApiErrorOptions<1>): ApiError<1> {
    return new ApiError(1, details, options);
  }

  /** 501 / 2: the operation is documented but not implemented. */
  static notRealized(details: OperationDetails, options?: ApiErrorOptions<2>): ApiError<2> {
    return new ApiError(2, details, options);
  }

  /** 3, 4 or 5 by the precedence rule, every violation listed (at most 100). */
  static fromViolations(
    violations: readonly Violation[],
    options?: ApiErrorOptions<3 | 4 | 5>,
  ): ApiError<3 | 4 | 5> {
    return violationError(codeForViolations(violations), violations, options);
  }

  /** 400 / 3 (or 408, 413, 415, 431): the request's structure is wrong. */
  static invalidStructure(violations: readonly Violation[], options?: ApiErrorOptions<3>): ApiError<3> {
    return violationError(3, violations, options);
  }

  /** 400 / 4 (or 409, 422): right type, wrong value. */
  static invalidValue(violations: readonly Violation[], options?: ApiErrorOptions<4>): ApiError<4> {
    return violationError(4, violations, options);
  }

  /** 400 / 5: a value of the wrong type. */
  static invalidType(violations: readonly Violation[], options?: ApiErrorOptions<5>): ApiError<5> {
    return violationError(5, violations, options);
  }

  /** 401 / 6: no credentials. */
  static authNotProvided(options?: ApiErrorOptions<6>): ApiError<6> {
    return new ApiError(6, null, options);
  }

  /** 401 / 7: credentials unknown or ill-formed. */
  static authInvalid(options?: ApiErrorOptions<7>): ApiError<7> {
    return new ApiError(7, null, options);
  }

  /** 401 / 8: the token is known but expired. */
  static authExpired(expiredAt?: Date | string, options?: ApiErrorOptions<8>): ApiError<8> {
    const at = expiredAt instanceof Date ? expiredAt.toISOString() : expiredAt;
    return new ApiError(8, at === undefined ? null : { expired_at: at }, options);
  }

  /** 403 / 9: authenticated but not permitted; name the role or scope that was required. */
  static authForbidden(required?: string, options?: ApiErrorOptions<9>): ApiError<9> {
    return new ApiError(9, required === undefined ? null : { required }, options);
  }

  /** 404 / 10: no such route, or no such resource visible to the caller. */
  static notExist(
    details?: OperationDetails | ResourceDetails | null,
    options?: ApiErrorOptions<10>,
  ): ApiError<10> {
    return new ApiError(10, details ?? null, options);
  }

  /** 11: 504 for `timeout`, 503 for `circuit_open`, 502 otherwise (unless `options.status` says). */
  static externalService(details: ExternalServiceDetails, options: ApiErrorOptions<11> = {}): ApiError<11> {
    const status = options.status ?? EXTERNAL_STATUS[details.reason];
    return new ApiError(11, details, { ...options, status });
  }

  /** 12: 500 for `failure`, 503 otherwise (unless `options.status` says). */
  static database(details: DatabaseDetails, options: ApiErrorOptions<12> = {}): ApiError<12> {
    const status = options.status ?? (details.reason === "failure" ? 500 : 503);
    return new ApiError(12, details, { ...options, status });
  }
}

/** Whether a cause is an Error, whose own stack is what a log needs (a hostile Proxy is not). */
function carriesStack(cause: unknown): boolean {
  if (typeof cause !== "object" || cause === null) return false;
  try {
    return cause instanceof Error;
  } catch {
    return false;
  }
}

// The brand lives on the prototype: every instance (and subclass) carries it without a
// per-instance property definition.
Object.defineProperty(ApiError.prototype, BRAND, { value: true });

const EXTERNAL_STATUS = { timeout: 504, circuit_open: 503, unavailable: 502, bad_response: 502 } as const;

function violationError<C extends 3 | 4 | 5>(
  code: C,
  violations: readonly Violation[],
  options: ApiErrorOptions<C> = {},
): ApiError<C> {
  const kept = violations.slice(0, MAX_VIOLATIONS);
  const message = options.message ?? summarizeViolations(violations);
  return new ApiError<C>(code, { violations: kept } as DetailsOf<C>, { ...options, message });
}

/**
 * Whether `value` is an ApiError (from any copy of the package or realm), optionally of one code.
 * @example
 * if (isApiError(err, 10)) console.log(err.details); // narrowed to code 10's details
 */
export function isApiError<C extends number = KnownCode>(value: unknown, code?: C): value is ApiError<C> {
  if (typeof value !== "object" || value === null) return false;
  if ((value as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (value as { code?: unknown }).code === code;
}
