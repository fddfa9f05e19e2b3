/**
 * The request pipeline every adapter follows, framework-free: route (404/405/OPTIONS/501) ->
 * authentication (6/7/8) -> authorization (9) -> body (3/4) -> validation (3/5/4) -> handler, and
 * one error answer with its log entry. Adapters only translate framework objects into these calls.
 */
import type { Ajv } from "ajv";
import type { ApiError } from "./api-error.js";
import {
  type AuthenticateOptions,
  authenticate,
  type Principal,
  type PrincipalFields,
  type RequestHeaders,
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
import type { JsonValue } from "./details.js";
import { type ErrorResponse, type ErrorResponseOptions, errorResponse } from "./response.js";
import {
  createRouteTable,
  type OpenApiDocumentLike,
  type RouteResolution,
  type RouteTable,
  toOpenApiTemplate,
} from "./routes.js";
import {
  compileRouteSchemas,
  createAjv,
  type RequestParts,
  type RequestValidator,
  type RouteSchemas,
} from "./schema.js";

/** What a route demands of a request before its handler runs. */
export interface RouteContract {
  /** Require a valid token; `{ roles }` / `{ scopes }` also require one of those (9 otherwise). */
  auth?: boolean | { roles?: readonly string[]; scopes?: readonly string[] };
  /** JSON Schema (or TypeBox) or zod schemas for body, query, path params and headers. */
  schema?: RouteSchemas;
}

/** A pino-compatible logger; only these two methods are used. */
export interface ErrorLogger {
  info(entry: object, message: string): void;
  error(entry: object, message: string): void;
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
  private readonly responseOptions: ErrorResponseOptions;

  constructor(options: ContractOptions<P> = {}) {
    this.options = options;
    this.bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
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
    if (contract.schema !== undefined) {
      this.ajv ??= createAjv();
      validate = compileRouteSchemas(contract.schema, { ajv: this.ajv });
    }
    if (contract.auth !== undefined && contract.auth !== false && this.options.auth === undefined) {
      throw new TypeError(`${method} ${template} requires auth, but no auth.lookup was configured`);
    }
    const prepared = { method: method.toUpperCase(), template, contract, validate };
    this.prepared.set(routeKey(prepared.method, template), prepared);
    return prepared;
  }

  /** The registered route a resolved request matched. */
  matched(match: Extract<RouteResolution, { kind: "match" }>): PreparedRoute | undefined {
    return this.prepared.get(routeKey(match.method, match.template));
  }

  /** Step 1: 404, 405 + Allow, OPTIONS, 501 or a match. */
  resolve(method: string, url: string): RouteResolution {
    return this.table.resolve(method, url);
  }

  /** Steps 2 and 3: the principal, or throws 3/6/7/8/9. `undefined` for routes without auth. */
  async authenticate(route: PreparedRoute, headers: RequestHeaders): Promise<P | undefined> {
    const requirement = route.contract.auth;
    const auth = this.options.auth;
    if (requirement === undefined || requirement === false || auth === undefined) return undefined;
    const principal = await authenticate(headers, auth.lookup, auth);
    if (typeof requirement === "object") {
      if (requirement.roles !== undefined) requireRole(principal, requirement.roles);
      if (requirement.scopes !== undefined) requireScope(principal, requirement.scopes);
    }
    return principal;
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
    return parseJsonBody(bytes, { ...this.options.json, limit: this.bodyLimit });
  }

  /** Step 5: validated (and, for parameters, converted) request parts; throws 3/5/4. */
  validate(route: PreparedRoute, parts: RequestParts): RequestParts {
    return route.validate === undefined ? parts : route.validate(parts);
  }

  /** The answer for anything thrown, with `X-Request-Id`, logged once. */
  fail(thrown: unknown, context: ErrorContext): ErrorResponse {
    // The method and path complete a foreign 404/405/501 (e.g. a framework's HTTP exception).
    const error = classify(thrown, { method: context.method, path: pathOnly(context.url) });
    const response = errorResponse(error, this.responseOptions);
    response.headers["X-Request-Id"] = context.requestId;
    const logger = context.logger ?? this.logger;
    if (logger !== false) {
      const entry = {
        request_id: context.requestId,
        method: context.method,
        path: pathOnly(context.url),
        code: error.code,
        status: error.status,
        err: logCause(error),
      };
      if (error.status >= 500) logger.error(entry, error.message);
      else logger.info(entry, error.message);
    }
    return response;
  }
}
