/**
 * The contract for Web-standard `fetch` handlers (`Request -> Response`): Bun.serve, Deno.serve,
 * Workers-style `export default { fetch }`, or node through a Request bridge. A small router whose
 * every answer keeps the contract; it uses only web `Request`/`Response`, so it runs on any runtime.
 */
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import type { PipelineOptions } from "../../pipeline/pipeline.js";
import type { Answer, ErrorContext } from "../../pipeline/port.js";
import type { RouteContract } from "../../pipeline/route.js";
import { type RouteHandler, Router, replyOf } from "../../pipeline/router.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { bridgeError } from "../../pipeline/web/bridge.js";
import { guarded } from "../../pipeline/web/guard.js";
import { toResponse, WebPort } from "../../pipeline/web/port.js";
import { NEXT_METHODS, type NextRouteHandler, type NextRouteHandlers, nextSignal } from "./next.js";

export * from "../../pipeline/public.js";
export { type Reply, reply } from "../../pipeline/router.js";
export { NEXT_METHODS, type NextRouteHandler, type NextRouteHandlers } from "./next.js";

/** What a fetch handler's context adds: the web `Request`. */
interface WebObjects {
  request: Request;
}

/** What a handler receives: the validated request parts and the web `Request`. */
export type FetchContext<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> = ValidatedRequest<P, C> & WebObjects;

/** A route handler; it returns a value (200 JSON), a `reply()`, nothing (204) or a `Response` of its own. */
export type FetchHandler<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> = RouteHandler<P, C, WebObjects>;

export interface FetchApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}

/** A HEAD answer carries its length: the runtime sends no body to count. */
const respond = (answer: Answer, method: string): Response => toResponse(answer, method === "HEAD");

export class FetchApi<P extends PrincipalFields = Principal> extends Router<P, WebObjects> {
  constructor(options: FetchApiOptions<P> = {}) {
    super(options, "api-error-codes/fetch");
  }

  /**
   * The fetch handler: `Bun.serve({ fetch: api.fetch })`, `export default { fetch: api.fetch }`.
   * Under a node bridge (@hono/node-server's `getRequestListener`), `env` carries node's request:
   * its headers are read there, and a body is one that the request's framing declares.
   */
  readonly fetch = (request: Request, env?: unknown): Promise<Response> => this.serve(request, env);

  /**
   * The contract's answer for an error raised before the handler could run, for a server's error
   * hook: on node, @hono/node-server cannot make a `Request` of some targets (a backslash in the
   * path, `OPTIONS *`) and answers them with an empty 400 unless its `getRequestListener` gets this
   * as `errorHandler` (`serve()` has no such option). Bun, Deno and Workers make the `Request`
   * themselves and need none.
   * @example
   * const listener = getRequestListener(api.fetch, { errorHandler: api.requestError });
   * protectServer(http.createServer(listener)).listen(3000);
   */
  readonly requestError = (error: unknown): Response => toResponse(bridgeError(this.pipeline, error));

  /** `signal` tells a framework's own thrown signals (Next.js's) from errors. */
  private async serve(request: Request, env: unknown, signal?: typeof nextSignal): Promise<Response> {
    const dispatched = this.dispatch(new WebPort(request, { env }));
    if (dispatched.kind === "answer") return respond(dispatched, request.method);
    const { handler, context, checked } = dispatched;
    try {
      const outcome = await checked;
      if (outcome.kind === "answer") return respond(outcome, context.method);
      return await this.answer(await handler({ ...outcome, request }), context);
    } catch (thrown) {
      const own = signal?.(thrown, this.pipeline, context);
      return respond(own ?? this.pipeline.fail(thrown, context), context.method);
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
    const handler: NextRouteHandler = (request) => this.serve(request, undefined, nextSignal);
    return Object.fromEntries(NEXT_METHODS.map((method) => [method, handler])) as NextRouteHandlers;
  }

  /** The handler's result as a Response with `X-Request-Id`; an error Response of its own is guarded. */
  private async answer(result: unknown, context: ErrorContext): Promise<Response> {
    if (result instanceof Response) {
      if (result.status >= 400) return guarded(this.pipeline, result, context);
      const headers = new Headers(result.headers);
      if (!headers.has("x-request-id")) headers.set("X-Request-Id", context.requestId);
      return new Response(result.body, { status: result.status, statusText: result.statusText, headers });
    }
    const { status, headers, text } = replyOf(result);
    const body = context.method === "HEAD" ? null : (text ?? null);
    return new Response(body, { status, headers: { "X-Request-Id": context.requestId, ...headers } });
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
