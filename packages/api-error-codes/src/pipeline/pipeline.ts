/**
 * The request pipeline, framework-free: route (404/405/OPTIONS/501) -> authentication (6/7/8) ->
 * roles/scopes (9) -> body (415/413/3/4) -> validation (3/5/4), each refusal answered and logged
 * once. Refusals are values, not exceptions, and a promise appears only where a token lookup, a
 * body read or a Standard Schema's validation really is asynchronous. Adapters translate their framework's request into a
 * {@link RequestPort} and write the {@link Outcome}.
 */
import type { Ajv } from "ajv";
import { type ApiError, isApiError } from "../api-error.js";
import { classify } from "../classify/index.js";
import { getCode } from "../codes.js";
import { type ErrorResponseOptions, errorResponse, JSON_CONTENT_TYPE, requestId } from "../response.js";
import {
  compileRouteSchemas,
  createAjv,
  type RequestCheck,
  type RequestParts,
} from "../validation/schema.js";
import { isStandardSchema } from "../validation/standard.js";
import { parseErrorBody, serializeBody } from "../wire.js";
import {
  type AuthenticateOptions,
  checkPrincipal,
  extractToken,
  missingRole,
  missingScopes,
  type Principal,
  type PrincipalFields,
  type TokenLookup,
} from "./auth.js";
import {
  checkContentLength,
  checkContentType,
  DEFAULT_BODY_LIMIT,
  isJsonMediaType,
  type JsonBodyOptions,
  parseJsonBody,
  requestHasBody,
} from "./body.js";
import { logAnswer, stderrLogger } from "./log.js";
import { type ByteSize, checkPipelineOptions, checkRouteContract, toBytes } from "./options.js";
import {
  type Answer,
  type ErrorContext,
  type ErrorLogger,
  isThenable,
  type Outcome,
  type Pass,
  type Preflight,
  type RequestPort,
  type Routed,
  type Unrouted,
} from "./port.js";
import { Presenter, type PresentOptions } from "./present.js";
import { parseQuery } from "./query.js";
import type { PreparedRoute, RouteContract } from "./route.js";
import {
  createRouteTable,
  type OpenApiDocumentLike,
  pathOf,
  type RouteResolution,
  type RouteTable,
  toOpenApiTemplate,
} from "./routes.js";
import { type PrometheusRegistry, Telemetry, UNMATCHED_ROUTE } from "./telemetry.js";

export interface PipelineOptions<P extends PrincipalFields = Principal> extends PresentOptions {
  /** Token authentication for routes that ask for it. */
  auth?: AuthenticateOptions & { lookup: TokenLookup<P> };
  /** The application's OpenAPI document: documented operations without a handler answer 501. */
  openapi?: OpenApiDocumentLike;
  /** Prefix of every path of `openapi` (e.g. "/v1" when the server URL has it). */
  openapiBasePath?: string;
  /** Largest JSON body (413 beyond): bytes, or a size such as `"512kb"` or `"1mb"`. Default 1 MiB. */
  bodyLimit?: number | ByteSize;
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
  /**
   * `false`: leave OpenTelemetry alone even when `@opentelemetry/api` is installed. By default every
   * error answer marks the active span and counts on the global meter (both no-ops without an SDK).
   */
  opentelemetry?: boolean;
  /** A prom-client `Registry` (or its default `register`) that gets the `api_error_answers_total` counter. */
  prometheus?: PrometheusRegistry;
}

const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});
const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
const NOSNIFF = "nosniff";

/** One key for `/orders/:id`, `/orders/{id}` and `/orders/{orderId}`: they are the same route. */
const routeKey = (method: string, template: string): string =>
  `${method} ${toOpenApiTemplate(template).replace(/\{[^}]*\}/g, "{}")}`;

/** A routed request; its params come from the match only when an adapter reads them. */
class RoutedRequest implements Routed {
  readonly kind = "routed" as const;
  readonly template: string;
  constructor(
    readonly requestId: string,
    readonly route: PreparedRoute | undefined,
    private readonly match: Extract<RouteResolution, { kind: "match" }>,
  ) {
    this.template = match.template;
  }
  get params(): Readonly<Record<string, string>> {
    return this.match.params;
  }
}

/** An error answer as a value; its body and headers were computed by {@link errorResponse}. */
const answerOf = (status: number, headers: Record<string, string>, body: string): Answer => ({
  kind: "answer",
  status,
  headers,
  body,
});

/**
 * One instance per application: the route table, compiled validators, authentication and the
 * error answers.
 * @example
 * const pipeline = new Pipeline({ auth: { lookup: findSession } });
 * pipeline.route("POST", "/orders", { auth: true, schema: { body: OrderSchema } });
 * const outcome = await pipeline.handle(port);
 */
export class Pipeline<P extends PrincipalFields = Principal> {
  readonly table: RouteTable;
  readonly bodyLimit: number;
  /** The header that carries credentials, lower case: `authorization` unless configured. */
  readonly credentialHeader: string;
  readonly logger: ErrorLogger | false;
  private readonly options: PipelineOptions<P>;
  private ajvInstance: Ajv | undefined;
  private readonly routes = new Map<string, PreparedRoute>();
  /**
   * Registered routes by method, then by the table's canonical template (`null`: known to the table
   * only). Two look-ups of strings the request and the table already hold, rather than one of a
   * key built per request.
   */
  private readonly byTemplate = new Map<string, Map<string, PreparedRoute | null>>();
  private readonly responseOptions: ErrorResponseOptions;
  private readonly jsonOptions: JsonBodyOptions;
  private readonly notAllowedBodies = new Map<string, string>();
  private readonly telemetry: Telemetry;
  private readonly presenter: Presenter | undefined;

  /** Names the adapter in errors about options and routes, e.g. `api-error-codes/express`. */
  readonly adapter: string;

  /**
   * `adapter` names the adapter in the `TypeError`s about mistaken options and route contracts,
   * which are checked here, when given; keys only some adapters have (`protect`) are accepted for
   * those (`api-error-codes/express`, `api-error-codes/fastify`).
   */
  constructor(options: PipelineOptions<P> = {}, adapter = "api-error-codes") {
    checkPipelineOptions(options, adapter);
    this.adapter = adapter;
    this.options = options;
    this.bodyLimit = toBytes(options.bodyLimit) ?? DEFAULT_BODY_LIMIT;
    this.jsonOptions = { ...options.json, limit: this.bodyLimit };
    this.credentialHeader = (options.auth?.header ?? "authorization").toLowerCase();
    this.logger = options.logger ?? stderrLogger;
    this.ajvInstance = options.ajv;
    this.responseOptions = { dev: options.dev ?? false };
    if (options.realm !== undefined) this.responseOptions.realm = options.realm;
    this.table = createRouteTable(
      options.ignoreTrailingSlash === undefined ? {} : { ignoreTrailingSlash: options.ignoreTrailingSlash },
    );
    if (options.openapi !== undefined) {
      const base = options.openapiBasePath;
      this.table.fromOpenApi(options.openapi, base === undefined ? {} : { basePath: base });
    }
    const telemetry: { opentelemetry?: boolean; prometheus?: PrometheusRegistry } = {};
    if (options.opentelemetry !== undefined) telemetry.opentelemetry = options.opentelemetry;
    if (options.prometheus !== undefined) telemetry.prometheus = options.prometheus;
    this.telemetry = new Telemetry(telemetry, adapter);
    this.presenter = Presenter.create(options, options.dev ?? false, adapter);
  }

  /** The ajv instance schemas are compiled with (created on first use: routes without schemas load none). */
  get ajv(): Ajv {
    this.ajvInstance ??= createAjv();
    return this.ajvInstance;
  }

  /**
   * Compiles a route's contract once. For adapters whose framework routes requests itself; `where`
   * names the route in errors.
   * @example
   * const prepared = pipeline.prepare({ auth: true, schema: { body: Order } }, "POST /orders");
   */
  prepare(contract: RouteContract = {}, where = `${this.adapter}: this route`): PreparedRoute {
    checkRouteContract(contract, where);
    const auth = contract.auth !== undefined && contract.auth !== false;
    if (auth && this.options.auth === undefined) {
      throw new TypeError(`${where} requires auth, but no auth.lookup was configured`);
    }
    const schema = contract.schema;
    if (schema === undefined) return { contract, auth, check: undefined };
    for (const [part, given] of Object.entries(schema)) {
      // zod and Standard Schema compile on their own; a JSON Schema must be one ajv accepts.
      if (
        given === undefined ||
        isStandardSchema(given) ||
        typeof (given as { safeParse?: unknown }).safeParse === "function"
      )
        continue;
      if (!this.ajv.validateSchema(given)) {
        throw new TypeError(
          `${where}: "schema.${part}" is not a valid JSON Schema: ${this.ajv.errorsText()}`,
        );
      }
    }
    return { contract, auth, check: compileRouteSchemas(schema, { ajv: this.ajv }) };
  }

  /**
   * Registers a route that has a handler, for {@link Pipeline.handle}: the route table learns it,
   * its contract is compiled.
   * @example
   * pipeline.route("GET", "/orders/:id", { schema: { params: IdParams } });
   */
  route(method: string, template: string, contract: RouteContract = {}): PreparedRoute {
    const name = method.toUpperCase();
    const where = `${this.adapter}: ${name} ${template}`;
    const key = routeKey(name, template);
    if (this.routes.has(key)) throw new TypeError(`${where} is registered twice`);
    const prepared = this.prepare(contract, where);
    try {
      this.table.markRealized(name, template);
    } catch (error) {
      throw new TypeError(`${this.adapter}: ${(error as Error).message}`, { cause: error });
    }
    this.routes.set(key, prepared);
    this.byTemplate.clear();
    return prepared;
  }

  /**
   * A route the framework serves, as its router registers it: the table learns it (405 + Allow,
   * OPTIONS), and its contract when it has one ({@link Pipeline.attach}). `false` when the table
   * cannot hold its path (wildcards, regexes, optional parts): the framework's router decides there.
   * @example
   * router.on("route", (method, path, handlers) => pipeline.adopt(method, path, contractOf(handlers)));
   */
  adopt(method: string, template: string, prepared?: PreparedRoute): boolean {
    try {
      this.table.markRealized(method, template);
    } catch {
      return false;
    }
    if (prepared !== undefined) this.attach(method, template, prepared);
    return true;
  }

  /**
   * Tells the pipeline that a framework route carries `prepared` (its `api.route()` contract), so
   * that {@link Pipeline.enter} names it in `routed.route`: such a route reads its body itself, after
   * authentication.
   */
  attach(method: string, template: string, prepared: PreparedRoute): void {
    const name = method.toUpperCase();
    const key = routeKey(name, template);
    const existing = this.routes.get(key);
    if (existing !== undefined && existing !== prepared) {
      // Two contracts for one route: only the first would ever run.
      throw new TypeError(`${this.adapter}: ${name} ${template} is registered twice`);
    }
    this.routes.set(key, prepared);
    this.byTemplate.clear();
  }

  /**
   * Whether a request carries a JSON body, by its framing and media type: one the app reads its own
   * way (`express.json()`, `c.req.json()`) gets the same hardening through {@link Pipeline.check}
   * with no route. Other media types are the app's business.
   */
  jsonBody(port: RequestPort): boolean {
    const type = port.header("content-type");
    if (type === undefined || !isJsonMediaType(type)) return false;
    return (
      port.unframed === true ||
      requestHasBody(port.header("content-length"), port.header("transfer-encoding"))
    );
  }

  /**
   * The hardening of a JSON body on a route the framework serves without a contract (the app reads
   * it with `express.json()`, `c.req.json()`, koa-bodyparser): {@link Pipeline.check} with no route,
   * the same refusals as a declared route's. `undefined` when there is no such body to check.
   */
  ownBody(
    entered: Routed | Unrouted | Preflight,
    port: RequestPort,
  ): Answer | Pass<P> | Promise<Answer | Pass<P>> | undefined {
    if (entered.kind !== "routed" || entered.route !== undefined || !this.jsonBody(port)) return undefined;
    return this.check(undefined, port, entered.requestId);
  }

  /** The registered route of a match; `undefined` for a route known to the table only. */
  private matched(method: string, template: string): PreparedRoute | undefined {
    // The table's templates are canonical and few: the normalized key is computed once for each.
    let templates = this.byTemplate.get(method);
    if (templates === undefined) {
      templates = new Map();
      this.byTemplate.set(method, templates);
    }
    let route = templates.get(template);
    if (route === undefined) {
      route = this.routes.get(routeKey(method, template)) ?? null;
      templates.set(template, route);
    }
    return route ?? undefined;
  }

  /**
   * Step 1: 405 + Allow, 501, 400 (bad percent-encoding), OPTIONS 204 + Allow (or a CORS preflight
   * for the app), a path no route has (for {@link Pipeline.notFound} unless the app serves it), or
   * the route the request goes to. `id` is the request id when the
   * framework already chose one.
   * @example
   * const entered = pipeline.enter(port);
   * if (entered.kind === "answer") return write(entered);
   */
  enter(port: RequestPort, id?: string): Answer | Preflight | Routed | Unrouted {
    const requestId_ = id ?? requestId(port.header("x-request-id"));
    const resolution = this.table.resolve(port.method, port.target);
    if (resolution.kind === "match") {
      return new RoutedRequest(requestId_, this.matched(resolution.method, resolution.template), resolution);
    }
    if (resolution.kind === "options") {
      const answer = answerOf(204, { ...resolution.headers, "X-Request-Id": requestId_ }, "");
      if (port.header("access-control-request-method") === undefined) return answer;
      return { kind: "preflight", requestId: requestId_, answer };
    }
    if (resolution.kind === "not_found") return { kind: "unrouted", requestId: requestId_ };
    return this.refuse(resolution, {
      requestId: requestId_,
      method: port.method,
      target: port.target,
      logger: port.logger,
      port,
    });
  }

  /**
   * Steps 2 to 5 for a routed request: the token (6/7/8) and its roles and scopes (9), then the
   * body (415/413 before a byte is read, then the hardened parse: 3/4), then the schemas (3/5/4).
   * `params` are the path parameters as the router decoded them.
   * @example
   * const outcome = pipeline.check(route, port, requestId, req.params);
   */
  check(
    route: PreparedRoute | undefined,
    port: RequestPort,
    requestId: string,
    params: Readonly<Record<string, unknown>> = NO_PARAMS,
  ): Answer | Pass<P> | Promise<Answer | Pass<P>> {
    const context: ErrorContext = {
      requestId,
      method: port.method,
      target: port.target,
      logger: port.logger,
      port,
    };
    if (route === undefined || !route.auth) return this.receive(route, port, context, params, undefined);
    const auth = this.options.auth as NonNullable<PipelineOptions<P>["auth"]>;
    const token = extractToken({ [this.credentialHeader]: port.credentials(this.credentialHeader) }, auth);
    if (typeof token !== "string") return this.fail(token, context);
    let found: ReturnType<TokenLookup<P>>;
    try {
      found = auth.lookup(token);
    } catch (thrown) {
      return this.fail(thrown, context);
    }
    if (isThenable(found)) {
      return Promise.resolve(found).then(
        (principal) => this.authorized(route, port, context, params, principal),
        (thrown: unknown) => this.fail(thrown, context),
      );
    }
    return this.authorized(route, port, context, params, found);
  }

  private authorized(
    route: PreparedRoute,
    port: RequestPort,
    context: ErrorContext,
    params: Readonly<Record<string, unknown>>,
    found: P | null | undefined,
  ): Answer | Pass<P> | Promise<Answer | Pass<P>> {
    const principal = checkPrincipal(found, this.options.auth);
    if (isApiError<number>(principal)) return this.fail(principal, context);
    const requirement = route.contract.auth;
    if (typeof requirement === "object") {
      const refused =
        (requirement.roles === undefined ? undefined : missingRole(principal, requirement.roles)) ??
        (requirement.scopes === undefined ? undefined : missingScopes(principal, requirement.scopes));
      if (refused !== undefined) return this.fail(refused, context);
    }
    return this.receive(route, port, context, params, principal);
  }

  /** Step 4: the body, when the request's framing says there is one (or it is unframed). */
  private receive(
    route: PreparedRoute | undefined,
    port: RequestPort,
    context: ErrorContext,
    params: Readonly<Record<string, unknown>>,
    principal: P | undefined,
  ): Answer | Pass<P> | Promise<Answer | Pass<P>> {
    const length = port.header("content-length");
    const framed = requestHasBody(length, port.header("transfer-encoding"));
    if (!framed && port.unframed !== true)
      return this.validate(route, port, context, params, principal, undefined);
    let bytes: Uint8Array | Promise<Uint8Array>;
    try {
      if (framed) {
        checkContentType(port.header("content-type"));
        checkContentLength(length, this.bodyLimit);
      }
      bytes = port.readBody(this.bodyLimit);
    } catch (refused) {
      return this.fail(refused, context);
    }
    const parsed = (read: Uint8Array): Answer | Pass<P> | Promise<Answer | Pass<P>> => {
      if (read.byteLength === 0 && !framed)
        return this.validate(route, port, context, params, principal, undefined);
      let body: unknown;
      try {
        // An unframed body's media type can only be checked once it turned out to exist.
        if (!framed) checkContentType(port.header("content-type"));
        body = parseJsonBody(read, this.jsonOptions);
      } catch (refused) {
        return this.fail(refused, context);
      }
      return this.validate(route, port, context, params, principal, body);
    };
    if (isThenable(bytes))
      return Promise.resolve(bytes).then(parsed, (thrown: unknown) => this.fail(thrown, context));
    return parsed(bytes);
  }

  /** Step 5: the query parsed on every route (bad percent-encoding is 3), then the route's schemas. */
  private validate(
    route: PreparedRoute | undefined,
    port: RequestPort,
    context: ErrorContext,
    params: Readonly<Record<string, unknown>>,
    principal: P | undefined,
    body: unknown,
  ): Answer | Pass<P> | Promise<Answer | Pass<P>> {
    let query: Record<string, unknown>;
    try {
      query = parseQuery(port.target);
    } catch (refused) {
      return this.fail(refused, context);
    }
    const check = route?.check;
    if (check === undefined) {
      return {
        kind: "pass",
        requestId: context.requestId,
        route,
        principal,
        params: { ...params },
        query,
        headers: EMPTY,
        body,
      };
    }
    const parts: RequestParts = { body, query, params: { ...params } };
    if (route?.contract.schema?.headers !== undefined) parts.headers = { ...port.headers() };
    let checked: ReturnType<RequestCheck>;
    try {
      checked = check(parts);
    } catch (thrown) {
      // A schema's own transform or refinement threw: the application's fault, classified (500).
      return this.fail(thrown, context);
    }
    if (isThenable(checked)) {
      return Promise.resolve(checked).then(
        (settled) => this.passed(settled, route, context, principal),
        (thrown: unknown) => this.fail(thrown, context),
      );
    }
    return this.passed(checked, route, context, principal);
  }

  private passed(
    checked: RequestParts | ApiError<3 | 4 | 5>,
    route: PreparedRoute | undefined,
    context: ErrorContext,
    principal: P | undefined,
  ): Answer | Pass<P> {
    if (isApiError<number>(checked)) return this.fail(checked, context);
    return {
      kind: "pass",
      requestId: context.requestId,
      route,
      principal,
      params: checked.params ?? {},
      query: checked.query ?? {},
      headers: checked.headers ?? EMPTY,
      body: checked.body,
    };
  }

  /**
   * The whole order of checks for one request, for adapters that route with the pipeline's own
   * table (routes registered with {@link Pipeline.route}).
   * @example
   * const outcome = await pipeline.handle(port);
   * if (outcome.kind === "pass") reply(await handler(outcome));
   * else write(outcome.kind === "answer" ? outcome : outcome.answer);
   */
  handle(port: RequestPort): Outcome<P> | Promise<Outcome<P>> {
    const entered = this.enter(port);
    if (entered.kind === "unrouted") {
      return this.notFound({
        requestId: entered.requestId,
        method: port.method,
        target: port.target,
        logger: port.logger,
        port,
      });
    }
    if (entered.kind !== "routed") return entered;
    return this.check(entered.route, port, entered.requestId, entered.params);
  }

  /**
   * The answer to a request the table refused (405 + Allow, 501, 400), logged. A 405 is built without
   * an Error object, its body computed once per method and path.
   */
  private refuse(
    resolution: Exclude<RouteResolution, { kind: "match" } | { kind: "options" } | { kind: "not_found" }>,
    context: ErrorContext,
  ): Answer {
    if (resolution.kind !== "not_allowed") return this.fail(resolution.error, context);
    const allow = resolution.headers.Allow as string;
    const key = `${resolution.method} ${allow}`;
    let body = this.notAllowedBodies.get(key);
    if (body === undefined) {
      const details = { method: resolution.method, allowed: [...resolution.allow] };
      body = serializeBody(1, getCode(1)?.message ?? "Method not allowed", details);
      // Bounded: a client can invent methods without end.
      if (this.notAllowedBodies.size < 1024) this.notAllowedBodies.set(key, body);
    }
    return this.quick(1, 405, body, context, allow);
  }

  /** An answer built without an Error object (404, 405: what floods and scanners cost), logged. */
  private quick(code: number, status: number, body: string, context: ErrorContext, allow?: string): Answer {
    const headers: Record<string, string> = {
      "Content-Type": JSON_CONTENT_TYPE,
      "X-Content-Type-Options": NOSNIFF,
    };
    if (allow !== undefined) headers.Allow = allow;
    headers["X-Request-Id"] = context.requestId;
    this.answered(context, code, status, getCode(code)?.message ?? "", undefined);
    return this.said(answerOf(status, headers, body), context);
  }

  /**
   * 404 / 10 for a path nobody serves: no route, or the framework routed it and nobody answered.
   * @example
   * if (entered.kind === "unrouted") write(pipeline.notFound({ requestId, method, target }));
   */
  notFound(context: ErrorContext): Answer {
    const details = { method: context.method, path: pathOf(context.target) };
    return this.quick(
      10,
      404,
      serializeBody(10, getCode(10)?.message ?? "Resource not found", details),
      context,
    );
  }

  /**
   * The answer for anything thrown or refused, with `X-Request-Id`, logged once. The method and path
   * complete a foreign 404/405/501 (a framework's HTTP exception).
   * @example
   * catch (thrown) { write(pipeline.fail(thrown, { requestId, method, target })); }
   */
  fail(thrown: unknown, context: ErrorContext, note?: object): Answer {
    const error = classify(thrown, { method: context.method, path: pathOf(context.target) });
    const response = errorResponse(error, this.responseOptions);
    response.headers["X-Request-Id"] = context.requestId;
    this.answered(context, error.code, error.status, error.message, error, note);
    const answer: Answer = {
      kind: "answer",
      status: response.status,
      headers: response.headers,
      body: response.body,
      error,
    };
    return this.said(answer, context);
  }

  /** An error answer in the language and form this request asks for, when the app offers them. */
  private said(answer: Answer, context: ErrorContext): Answer {
    return this.presenter === undefined ? answer : this.presenter.present(answer, context);
  }

  /**
   * Where every error answer passes, once: the active span, the counters, then the log entry (with
   * the trace id when there is a trace).
   */
  private answered(
    context: ErrorContext,
    code: number,
    status: number,
    message: string,
    error: ApiError<number> | undefined,
    note?: object,
  ): void {
    const traceId = this.observe(context, code, status, error);
    logAnswer(context.logger ?? this.logger, context, code, status, message, error, note, traceId);
  }

  private observe(
    context: ErrorContext,
    code: number,
    status: number,
    error: ApiError<number> | undefined,
  ): string | undefined {
    return this.telemetry.record({
      code,
      status,
      error,
      route: () => this.routeOf(context.method, context.target),
      traceparent: context.port?.header("traceparent"),
    });
  }

  /**
   * The route template of a request for the counters, in OpenAPI syntax; one value for every path
   * no route has. Resolved again only when a counter asks: a successful request never pays it.
   */
  private routeOf(method: string, target: string): string {
    let resolution = this.table.resolve(method, target);
    if (resolution.kind === "not_allowed") {
      // The path exists: any method it has names its template.
      const other = resolution.allow.find((name) => name !== "OPTIONS" && name !== "HEAD");
      if (other !== undefined) resolution = this.table.resolve(other, target);
    }
    if (resolution.kind === "match") return resolution.template;
    if (resolution.kind === "not_realized") return (resolution.error.details as { path: string }).path;
    return UNMATCHED_ROUTE;
  }

  /**
   * The answer for an error response made outside the pipeline (an error handler or not-found
   * handler the app registered, another library's middleware), decided by its body: a conforming one
   * is kept (with the contract's headers), unless it is a 5xx whose message is not the code's fixed
   * one; anything else is converted, keeping the status and, for 4xx, a one-line public message, and
   * the log entry says it was converted. `thrown` is the error the app's handler turned into that
   * body, when the framework tells it: then the answer is the one for that error.
   * @example
   * if (res.status >= 400 && !ours) return write(pipeline.guard(res.status, await res.text(), context));
   */
  guard(status: number, text: string | undefined, context: ErrorContext, thrown?: unknown): Answer {
    const parsed = text === undefined ? undefined : parseErrorBody(text, status);
    if (parsed?.conforming === true) {
      const { error_code: code, error_message: message } = parsed.body;
      if (status < 500 || message === getCode(code)?.message) {
        const headers = {
          "Content-Type": JSON_CONTENT_TYPE,
          "X-Content-Type-Options": NOSNIFF,
          "X-Request-Id": context.requestId,
        };
        // The app's own handler answered (and logged, if it wanted to): observed, not logged again.
        this.observe(context, code, status, undefined);
        const body =
          parsed.form === "contract" ? (text as string) : serializeBody(code, message, parsed.body.details);
        return this.said(answerOf(status, headers, body), context);
      }
    }
    const note = { converted: "a non-conforming error answer made outside the contract" };
    if (thrown !== undefined) return this.fail(thrown, context, note);
    const message = status < 500 ? publicMessage(parsed?.body) : undefined;
    const foreign = Object.assign(new Error(message ?? `HTTP ${status}`), {
      status,
      expose: message !== undefined,
    });
    return this.fail(foreign, context, note);
  }
}

/** A one-line message a 4xx body offers (`message`, `error`, `detail`), when it is safe to show. */
function publicMessage(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const record = body as Record<string, unknown>;
  for (const key of ["error_message", "message", "detail", "error"]) {
    const value = record[key];
    if (typeof value === "string" && value !== "" && value.length <= 200 && !UNSAFE_MESSAGE.test(value))
      return value;
  }
  return undefined;
}

/** Lines, stack frames and file paths are no message for a client. */
const UNSAFE_MESSAGE = /[\r\n]|\bat \S+ \(|\.[cm]?[jt]sx?:\d+|node_modules|\/(?:srv|home|usr|var|tmp|app)\//;
