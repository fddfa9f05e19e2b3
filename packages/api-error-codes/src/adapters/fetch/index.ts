/**
 * The contract for Web-standard `fetch` handlers (`Request -> Response`): Bun.serve, Deno.serve,
 * Workers-style `export default { fetch }`, or node through a Request bridge. A small router whose
 * every answer keeps the contract; it uses only web `Request`/`Response`, so it runs on any runtime.
 * @example
 * import { createApi, reply } from "api-error-codes/fetch";
 * const api = createApi({ auth: { lookup: (token) => sessions.get(token) } });
 * api.post("/orders", { auth: true, schema: { body: Order } }, ({ body }) => reply(201, create(body)));
 * export default { fetch: api.fetch };
 */
import { ApiError } from "../../api-error.js";
import type { JsonValue } from "../../details.js";
import {
  type HeaderValue,
  headerOccurrences,
  type Principal,
  type PrincipalFields,
} from "../../pipeline/auth.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { Answer, ErrorContext } from "../../pipeline/port.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { JSON_CONTENT_TYPE, requestId } from "../../response.js";
import { toResponse, WebPort } from "../../web/port.js";
import { NEXT_METHODS, type NextRouteHandler, type NextRouteHandlers, nextSignal } from "./next.js";

// Named here so that a user's declarations can refer to them (TS2742 otherwise).
export type { Principal, PrincipalFields } from "../../pipeline/auth.js";
export type { RouteContract } from "../../pipeline/route.js";
export { notRealized } from "../../pipeline/routes.js";
export { NEXT_METHODS, type NextRouteHandler, type NextRouteHandlers } from "./next.js";

/** What a handler receives: the validated request parts and the web `Request`. */
export interface FetchContext<P extends PrincipalFields = Principal, C extends RouteContract = RouteContract>
  extends ValidatedRequest<P, C> {
  request: Request;
}

const REPLY = Symbol("api-error-codes.fetch-reply");

/** A handler's answer with a status or headers of its own. */
export interface Reply {
  readonly [REPLY]: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: JsonValue | undefined;
}

/**
 * An answer other than 200: `reply(201, order, { Location: url })`, `reply(204)`. A handler may also
 * return a plain value (200 JSON), nothing (204), or a `Response` of its own.
 */
export function reply(status: number, body?: JsonValue, headers: Record<string, string> = {}): Reply {
  return { [REPLY]: true, status, headers, body };
}

export type FetchHandler<P extends PrincipalFields = Principal, C extends RouteContract = RouteContract> = (
  context: FetchContext<P, C>,
) => unknown | Promise<unknown>;

export interface FetchApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}

type RouteMethod<P extends PrincipalFields> = <const C extends RouteContract>(
  path: string,
  contract: C,
  handler: FetchHandler<P, C>,
) => FetchApi<P>;

/**
 * node's raw header list (`[name, value, ...]`) when the runtime passes node's request beside the
 * `Request`, as @hono/node-server does (`fetch(request, { incoming, outgoing })`). Described by the
 * member used: nothing is imported from node, and other runtimes pass no such thing (Workers their
 * bindings, Deno the connection info, Bun the server).
 */
function nodeRawHeaders(env: unknown): readonly string[] | undefined {
  if (typeof env !== "object" || env === null || !("incoming" in env)) return undefined;
  const incoming: unknown = env.incoming;
  if (typeof incoming !== "object" || incoming === null || !("rawHeaders" in incoming)) return undefined;
  const raw: unknown = incoming.rawHeaders;
  return Array.isArray(raw) ? (raw as readonly string[]) : undefined;
}

/** The port of one request: a {@link WebPort} that sees each credential header when node's request is at hand. */
class FetchPort extends WebPort {
  constructor(
    request: Request,
    private readonly rawHeaders: readonly string[] | undefined,
  ) {
    super(request);
  }

  /**
   * `Headers` join a repeated header with ", ": an empty `Authorization` sent before a valid one
   * reads as the one value ", Bearer ...". node's raw headers keep each occurrence (refused, 3).
   */
  override credentials(name: string): HeaderValue {
    return this.rawHeaders === undefined ? super.credentials(name) : headerOccurrences(this.rawHeaders, name);
  }
}

/** A HEAD answer carries its length: the runtime sends no body to count. */
const respond = (answer: Answer, method: string): Response => toResponse(answer, method === "HEAD");

export class FetchApi<P extends PrincipalFields = Principal> {
  readonly pipeline: Pipeline<P>;
  private readonly handlers = new Map<PreparedRoute, FetchHandler<P>>();

  constructor(options: FetchApiOptions<P> = {}) {
    this.pipeline = new Pipeline(options, "api-error-codes/fetch");
  }

  /** Adds a route; `path` in `/orders/:id` or `/orders/{id}` form. */
  route<const C extends RouteContract>(
    method: string,
    path: string,
    contract: C,
    handler: FetchHandler<P, C>,
  ): this {
    this.handlers.set(this.pipeline.route(method, path, contract), handler as FetchHandler<P>);
    return this;
  }

  readonly get: RouteMethod<P> = (path, contract, handler) => this.route("GET", path, contract, handler);
  readonly post: RouteMethod<P> = (path, contract, handler) => this.route("POST", path, contract, handler);
  readonly put: RouteMethod<P> = (path, contract, handler) => this.route("PUT", path, contract, handler);
  readonly patch: RouteMethod<P> = (path, contract, handler) => this.route("PATCH", path, contract, handler);
  readonly delete: RouteMethod<P> = (path, contract, handler) =>
    this.route("DELETE", path, contract, handler);

  /**
   * The fetch handler: `Bun.serve({ fetch: api.fetch })`, `export default { fetch: api.fetch }`.
   * Of what a runtime passes beside the request, only node's request from @hono/node-server is read:
   * its raw headers, so that a doubled `Authorization` is refused as on node's own adapters.
   */
  readonly fetch = (request: Request, env?: unknown): Promise<Response> =>
    this.serve(request, undefined, nodeRawHeaders(env));

  /**
   * The contract's answer for an error raised before the handler could run, for a server's error
   * hook. On node, `@hono/node-server` cannot make a `Request` of some targets (a backslash in the
   * path, `OPTIONS *`) and answers them with an empty 400; its `getRequestListener`
   * takes this as `errorHandler` (`serve()` has no such option). Its `RequestError` becomes 400 / 3
   * with `Connection: close`, anything else 500 / 0. Bun, Deno and Workers make the `Request`
   * themselves and need none.
   * @example
   * const listener = getRequestListener(api.fetch, { errorHandler: api.requestError });
   * protectServer(http.createServer(listener)).listen(3000);
   */
  readonly requestError = (error: unknown): Response => {
    const malformed = error instanceof Error && error.name === "RequestError";
    const thrown = malformed
      ? ApiError.invalidStructure(
          [{ in: "header", pointer: "", rule: "parse", message: "Malformed HTTP request" }],
          { cause: error, headers: { Connection: "close" } },
        )
      : error;
    return toResponse(
      this.pipeline.fail(thrown, { requestId: requestId(undefined), method: "", target: "" }),
    );
  };

  /** `signal` tells a framework's own thrown signals (Next.js's) from errors. */
  private async serve(
    request: Request,
    signal?: typeof nextSignal,
    rawHeaders?: readonly string[],
  ): Promise<Response> {
    const port = new FetchPort(request, rawHeaders);
    const method = port.method;
    const entered = this.pipeline.enter(port);
    if (entered.kind === "answer") return respond(entered, method);
    if (entered.kind === "preflight") return respond(entered.answer, method);
    const context: ErrorContext = {
      requestId: entered.requestId,
      method,
      target: port.target,
      port,
    };
    const route = entered.kind === "routed" ? entered.route : undefined;
    const handler = route === undefined ? undefined : this.handlers.get(route);
    if (entered.kind !== "routed" || handler === undefined)
      return respond(this.pipeline.notFound(context), method);
    try {
      const outcome = await this.pipeline.check(route, port, entered.requestId, entered.params);
      if (outcome.kind === "answer") return respond(outcome, method);
      const result = await handler({ ...outcome, request } as FetchContext<P>);
      return await this.answer(result, context);
    } catch (thrown) {
      const own = signal?.(thrown, this.pipeline, context);
      return respond(own ?? this.pipeline.fail(thrown, context), method);
    }
  }

  /**
   * The exports of a Next.js App Router route file: every method, all answered by this API, so a
   * method the path does not have is 405 + Allow (not Next.js's bare 405) and a catch-all file
   * (`app/[...path]/route.ts`) answers 404 / 10 in the contract. Routes use the full request path
   * (`/api/orders/:id` for `app/api/orders/[id]/route.ts`). Next's `notFound()`, `unauthorized()`
   * and `forbidden()` answer 404 / 10, 401 / 6 and 403 / 9; its `redirect()` passes through to Next.
   * @example
   * export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = api.routeHandlers();
   */
  routeHandlers(): NextRouteHandlers {
    const handler: NextRouteHandler = (request) => this.serve(request, nextSignal);
    return Object.fromEntries(NEXT_METHODS.map((method) => [method, handler])) as NextRouteHandlers;
  }

  /** The handler's result as a Response with `X-Request-Id`; an error Response of its own is guarded. */
  private async answer(result: unknown, context: ErrorContext): Promise<Response> {
    if (result instanceof Response) {
      if (result.status >= 400) {
        const guarded = this.pipeline.guard(result.status, await result.text(), context);
        return respond(guarded, context.method);
      }
      const headers = new Headers(result.headers);
      if (!headers.has("x-request-id")) headers.set("X-Request-Id", context.requestId);
      return new Response(result.body, { status: result.status, statusText: result.statusText, headers });
    }
    let status = 200;
    let body: unknown = result;
    const headers: Record<string, string> = { "X-Request-Id": context.requestId };
    if (typeof result === "object" && result !== null && REPLY in result) {
      const r = result as Reply;
      status = r.status;
      body = r.body;
      Object.assign(headers, r.headers);
    } else if (result === undefined) status = 204;
    if (body === undefined || status === 204 || status === 304)
      return new Response(null, { status, headers });
    headers["Content-Type"] = JSON_CONTENT_TYPE;
    return new Response(context.method === "HEAD" ? null : JSON.stringify(body), { status, headers });
  }
}

/**
 * A fetch API that keeps the contract.
 * @example
 * const api = createApi().get("/orders/:id", { schema: { params: IdParams } }, ({ params }) => find(params.id));
 * Bun.serve({ fetch: api.fetch });
 */
export function createApi<P extends PrincipalFields = Principal>(
  options: FetchApiOptions<P> = {},
): FetchApi<P> {
  return new FetchApi(options);
}
