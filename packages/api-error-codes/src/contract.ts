/**
 * The request pipeline every adapter follows, framework-free: route (404/405/OPTIONS/501) ->
 * authentication (6/7/8) -> authorization (9) -> body (3/4) -> validation (3/5/4) -> handler, and
 * one error answer with its log entry. Adapters only translate framework objects into these calls.
 */
import type { Ajv } from "ajv";
import { type ApiError, isApiError } from "./api-error.js";
import {
  type AuthenticateOptions,
  checkPrincipal,
  type Principal,
  type PrincipalFields,
  type RequestHeaders,
  readToken,
  requireRole,
  requireScope,
  type TokenLookup,
} from "./auth.js";
import {
  checkContentLength,
  checkContentType,
  DEFAULT_BODY_LIMIT,
  type JsonBodyOptions,
  parseJsonBody,
  requestHasBody,
} from "./body.js";
import { classify } from "./classify.js";
import { getCode } from "./codes.js";
import type { JsonValue } from "./details.js";
import {
  type ErrorResponse,
  type ErrorResponseOptions,
  errorResponse,
  JSON_CONTENT_TYPE,
} from "./response.js";
import {
  createRouteTable,
  type OpenApiDocumentLike,
  type RouteResolution,
  type RouteTable,
  toOpenApiTemplate,
} from "./routes.js";
import {
  compileRouteChecks,
  createAjv,
  type RequestCheck,
  type RequestParts,
  type RequestValidator,
  type RouteSchemas,
} from "./schema.js";
import { serializeBody } from "./wire.js";

/** What a route demands of a request before its handler runs. */
export interface RouteContract {
  /** Require a valid token; `{ roles }` / `{ scopes }` also require one of those (9 otherwise). */
  auth?: boolean | { roles?: readonly string[]; scopes?: readonly string[] };
  /** JSON Schema (or TypeBox) or zod schemas for body, query, path params and headers. */
  schema?: RouteSchemas;
}

/** A pino-compatible logger; only these methods are used. */
export interface ErrorLogger {
  info(entry: object, message: string): void;
  error(entry: object, message: string): void;
  /** pino's: when it says a level is off, the entry for it is not even built. */
  isLevelEnabled?(level: string): boolean;
}

export interface ContractOptions<P extends PrincipalFields = Principal> {
  /** Token authentication for routes that ask for it. */
  auth?: AuthenticateOptions & { lookup: TokenLookup<P> };
  /** The application's OpenAPI document: documented operations without a handler answer 501. */
  openapi?: OpenApiDocumentLike;
  /** Prefix of every path of `openapi` (e.g. "/v1" when the server URL has it). */
  openapiBasePath?: string;
  /** Largest JSON body in bytes (413 beyond). Default 1 MiB. */
  bodyLimit?: number;
  /** Further JSON body limits (depth 64 by default). */
  json?: Omit<JsonBodyOptions, "limit">;
  /** Development mode: 5xx bodies carry the cause. Never in production. */
  dev?: boolean;
  /** `realm` of `WWW-Authenticate`. */
  realm?: string;
  /** Where error entries go; `false` for none. Default: JSON lines on stderr. */
  logger?: ErrorLogger | false;
  /** An ajv instance of your own for JSON Schema validation. */
  ajv?: Ajv;
  /** Treat `/orders/` as `/orders`. */
  ignoreTrailingSlash?: boolean;
}

/** A route as the pipeline keeps it: its contract, compiled once. */
export interface PreparedRoute {
  readonly method: string;
  readonly template: string;
  readonly contract: RouteContract;
  readonly validate: RequestValidator | undefined;
  /** `validate` that returns the refusal instead of throwing it. */
  readonly check?: RequestCheck | undefined;
}

/** Where an error happened, for the log and the `X-Request-Id` header. */
export interface ErrorContext {
  requestId: string;
  method: string;
  /** The request target; only its path is logged (a query may hold secrets). */
  url: string;
  /** Overrides the contract's logger for this request (Fastify's request logger). */
  logger?: ErrorLogger | false;
}

const stderrLogger: ErrorLogger = {
  info: (entry, message) => writeLine(30, entry, message),
  error: (entry, message) => writeLine(50, entry, message),
};

// Runtimes without node's process (Workers, browsers) log through the console instead.
const stderr = (globalThis as { process?: { stderr?: { write(line: string): unknown } } }).process?.stderr;

function writeLine(level: number, entry: object, message: string): void {
  const line = JSON.stringify({ level, time: Date.now(), ...entry, msg: message });
  if (stderr !== undefined) stderr.write(`${line}\n`);
  else console.error(line);
}

/** The cause as a log field: name, message and stack for 5xx; name and message otherwise. */
function logCause(error: ApiError<number>): object | undefined {
  const cause = error.status >= 500 ? (error.cause ?? error) : error.cause;
  if (cause === undefined) return undefined;
  // No prototype: pino's `err` serializer would take an object with a `message` for an Error and
  // overwrite `type` with its constructor's name ("Object").
  const out: Record<string, unknown> = Object.create(null);
  if (!(cause instanceof Error)) return Object.assign(out, { type: typeof cause, message: String(cause) });
  out.type = cause.name;
  out.message = cause.message;
  if (error.status >= 500) out.stack = cause.stack;
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  return out;
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** Step 3: roles (any of them) and scopes (all of them) the route demands, or 9. */
function authorize<P extends PrincipalFields>(requirement: RouteContract["auth"], principal: P): P {
  if (typeof requirement === "object") {
    if (requirement.roles !== undefined) requireRole(principal, requirement.roles);
    if (requirement.scopes !== undefined) requireScope(principal, requirement.scopes);
  }
  return principal;
}

/** What {@link RouteTable.resolve} answers for a request it does not route to a handler. */
export type RouteRefusal = Exclude<RouteResolution, { kind: "match" } | { kind: "options" }>;

/** One key for `/orders/:id`, `/orders/{id}` and `/orders/{orderId}`: they are the same route. */
const routeKey = (method: string, template: string): string =>
  `${method} ${toOpenApiTemplate(template).replace(/\{[^}]*\}/g, "{}")}`;

const pathOnly = (url: string): string => {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
};

/**
 * One instance per application: the route table, compiled validators, auth and error answers.
 * @example
 * const contract = new Contract({ auth: { lookup: findSession } });
 * const route = contract.route("POST", "/orders", { auth: true, schema: { body: OrderSchema } });
 */
export class Contract<P extends PrincipalFields = Principal> {
  readonly table: RouteTable;
  readonly bodyLimit: number;
  private readonly options: ContractOptions<P>;
  private readonly logger: ErrorLogger | false;
  private ajv: Ajv | undefined;
  private readonly prepared = new Map<string, PreparedRoute>();
  private readonly byTemplate = new Map<string, PreparedRoute | null>();
  private readonly responseOptions: ErrorResponseOptions;
  private readonly jsonOptions: JsonBodyOptions;
  private readonly credentialHeader: string;
  private readonly notAllowedBodies = new Map<string, string>();

  constructor(options: ContractOptions<P> = {}) {
    this.options = options;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
    this.jsonOptions = { ...options.json, limit: this.bodyLimit };
    this.credentialHeader = (options.auth?.header ?? "authorization").toLowerCase();
    this.logger = options.logger ?? stderrLogger;
    this.ajv = options.ajv;
    this.responseOptions = { dev: options.dev ?? false };
    if (options.realm !== undefined) this.responseOptions.realm = options.realm;
    const tableOptions =
      options.ignoreTrailingSlash === undefined ? {} : { ignoreTrailingSlash: options.ignoreTrailingSlash };
    this.table = createRouteTable(tableOptions);
    if (options.openapi !== undefined) {
      const base = options.openapiBasePath;
      this.table.fromOpenApi(options.openapi, base === undefined ? {} : { basePath: base });
    }
  }

  /** Registers a route that has a handler and compiles its schemas. */
  route(method: string, template: string, contract: RouteContract = {}): PreparedRoute {
    this.table.markRealized(method, template);
    let validate: RequestValidator | undefined;
    let check: RequestCheck | undefined;
    if (contract.schema !== undefined) {
      this.ajv ??= createAjv();
      const compiled = compileRouteChecks(contract.schema, { ajv: this.ajv });
      check = compiled;
      validate = (parts) => {
        const checked = compiled(parts);
        if (isApiError<number>(checked)) throw checked;
        return checked;
      };
    }
    if (contract.auth !== undefined && contract.auth !== false && this.options.auth === undefined) {
      throw new TypeError(`${method} ${template} requires auth, but no auth.lookup was configured`);
    }
    const prepared = { method: method.toUpperCase(), template, contract, validate, check };
    this.prepared.set(routeKey(prepared.method, template), prepared);
    this.byTemplate.clear();
    return prepared;
  }

  /** The registered route a resolved request matched. */
  matched(match: Extract<RouteResolution, { kind: "match" }>): PreparedRoute | undefined {
    // The table's templates are canonical and few: the normalized key is computed once for each.
    const direct = `${match.method} ${match.template}`;
    let route = this.byTemplate.get(direct);
    if (route === undefined) {
      // A route the table knows without a contract (null) is remembered too.
      route = this.prepared.get(routeKey(match.method, match.template)) ?? null;
      this.byTemplate.set(direct, route);
    }
    return route ?? undefined;
  }

  /** Step 1: 404, 405 + Allow, OPTIONS, 501 or a match. */
  resolve(method: string, url: string): RouteResolution {
    return this.table.resolve(method, url);
  }

  /** Steps 2 and 3: the principal, or rejects with 3/6/7/8/9. `undefined` for routes without auth. */
  async authenticate(route: PreparedRoute, headers: RequestHeaders): Promise<P | undefined> {
    return this.authenticateNow(route, headers);
  }

  /**
   * {@link Contract.authenticate} without a promise where none is needed: a missing or malformed
   * token throws (3/6/7) at once, and a synchronous lookup gives the principal at once (or throws
   * 7/8/9). Only an asynchronous lookup makes it return a promise.
   */
  authenticateNow(route: PreparedRoute, headers: RequestHeaders): P | undefined | Promise<P | undefined> {
    const admitted = this.admit(route, headers);
    if (isApiError<number>(admitted)) throw admitted;
    return admitted;
  }

  /**
   * {@link Contract.authenticateNow} for adapters: a refused token (3/6/7/8) comes back as the
   * ApiError rather than thrown, since a flood of anonymous or bad-token requests should cost no
   * exception each. What the lookup throws, and 9, are still thrown; an asynchronous lookup gives
   * a promise that rejects with any refusal.
   */
  admit(
    route: PreparedRoute,
    headers: RequestHeaders,
  ): P | undefined | ApiError<number> | Promise<P | undefined> {
    const requirement = route.contract.auth;
    const auth = this.options.auth;
    if (requirement === undefined || requirement === false || auth === undefined) return undefined;
    const token = readToken(headers, auth);
    if (typeof token !== "string") return token;
    const found = auth.lookup(token);
    if (isThenable(found)) {
      return Promise.resolve(found).then((principal) => {
        const checked = checkPrincipal(principal, auth);
        if (isApiError(checked)) throw checked;
        return authorize(requirement, checked);
      });
    }
    const checked = checkPrincipal(found, auth);
    return isApiError(checked) ? checked : authorize(requirement, checked);
  }

  /** The header that carries credentials (lower case): `authorization` unless configured. */
  get authHeader(): string {
    return this.credentialHeader;
  }

  /**
   * Step 4a, before reading: whether a body comes, refusing a wrong media type (415) and a declared
   * length over the limit (413) before a byte is read.
   */
  expectBody(headers: RequestHeaders): boolean {
    const length = headers["content-length"];
    if (!requestHasBody(length, headers["transfer-encoding"])) return false;
    checkContentType(typeof headers["content-type"] === "string" ? headers["content-type"] : undefined);
    checkContentLength(length, this.bodyLimit);
    return true;
  }

  /** Step 4b: the checked JSON value of the body bytes. */
  parseBody(bytes: Uint8Array): JsonValue {
    return parseJsonBody(bytes, this.jsonOptions);
  }

  /** Step 5: validated (and, for parameters, converted) request parts; throws 3/5/4. */
  validate(route: PreparedRoute, parts: RequestParts): RequestParts {
    return route.validate === undefined ? parts : route.validate(parts);
  }

  /** {@link Contract.validate} that returns the refusal (3/5/4) instead of throwing it. */
  check(route: PreparedRoute, parts: RequestParts): RequestParts | ApiError<number> {
    if (route.check !== undefined) return route.check(parts);
    return route.validate === undefined ? parts : route.validate(parts);
  }

  /**
   * The answer to a request the route table refused (404, 405 + Allow, 501, 400), logged once as
   * {@link Contract.fail} would: the same status, headers and body. 404 and 405 are built from the
   * resolution without an Error object, and a 405 body is computed once per method and path.
   */
  refuse(resolution: RouteRefusal, context: ErrorContext): ErrorResponse {
    let code: number;
    let status: number;
    let body: string;
    let headers: Record<string, string>;
    if (resolution.kind === "not_found") {
      code = 10;
      status = 404;
      const message = getCode(10)?.message ?? "Resource not found";
      body = serializeBody(10, message, { method: resolution.method, path: resolution.path });
      headers = { "Content-Type": JSON_CONTENT_TYPE, "X-Content-Type-Options": "nosniff" };
    } else if (resolution.kind === "not_allowed") {
      code = 1;
      status = 405;
      const allow = resolution.headers.Allow as string;
      const key = `${resolution.method} ${allow}`;
      let cached = this.notAllowedBodies.get(key);
      if (cached === undefined) {
        const details = { method: resolution.method, allowed: [...resolution.allow] };
        cached = serializeBody(1, getCode(1)?.message ?? "Method not allowed", details);
        // Bounded: a client can invent methods without end.
        if (this.notAllowedBodies.size < 1024) this.notAllowedBodies.set(key, cached);
      }
      body = cached;
      headers = { "Content-Type": JSON_CONTENT_TYPE, "X-Content-Type-Options": "nosniff", Allow: allow };
    } else {
      return this.fail(resolution.error, context);
    }
    headers["X-Request-Id"] = context.requestId;
    const logger = context.logger ?? this.logger;
    if (logger === false || (logger.isLevelEnabled !== undefined && !logger.isLevelEnabled("info"))) {
      return { status, headers, body };
    }
    const path = pathOnly(context.url);
    const entry = {
      request_id: context.requestId,
      method: context.method,
      path,
      code,
      status,
      err: undefined,
    };
    logger.info(entry, getCode(code)?.message ?? "");
    return { status, headers, body };
  }

  /** The answer for anything thrown, with `X-Request-Id`, logged once. */
  fail(thrown: unknown, context: ErrorContext): ErrorResponse {
    // The method and path complete a foreign 404/405/501 (e.g. a framework's HTTP exception).
    const path = pathOnly(context.url);
    const error = classify(thrown, { method: context.method, path });
    const response = errorResponse(error, this.responseOptions);
    response.headers["X-Request-Id"] = context.requestId;
    const logger = context.logger ?? this.logger;
    if (logger === false) return response;
    const failure = error.status >= 500;
    // A logger that filters the level (pino at "warn" drops 4xx) costs no entry, and no stack.
    if (logger.isLevelEnabled !== undefined && !logger.isLevelEnabled(failure ? "error" : "info")) {
      return response;
    }
    const entry = {
      request_id: context.requestId,
      method: context.method,
      path,
      code: error.code,
      status: error.status,
      err: logCause(error),
    };
    if (failure) logger.error(entry, error.message);
    else logger.info(entry, error.message);
    return response;
  }
}
