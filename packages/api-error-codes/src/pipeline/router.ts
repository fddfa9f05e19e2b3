/**
 * A small router over the pipeline's own route table, for adapters without a framework router of
 * their own (node:http, fetch handlers): routes with their handlers, what a handler's result means,
 * and the way from an entered request to its handler. The adapter only reads and writes its runtime.
 */
import type { JsonValue } from "../details.js";
import { JSON_CONTENT_TYPE } from "../response.js";
import type { Principal, PrincipalFields } from "./auth.js";
import { Pipeline, type PipelineOptions } from "./pipeline.js";
import type { Answer, ErrorContext, Pass, RequestPort } from "./port.js";
import type { PreparedRoute, RouteContract } from "./route.js";
import type { ValidatedRequest } from "./types.js";

const REPLY = Symbol("api-error-codes.reply");

/** A handler's answer with a status or headers of its own. */
export interface Reply {
  readonly [REPLY]: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: JsonValue | undefined;
}

/**
 * An answer other than 200: `reply(201, order, { Location: url })`, `reply(204)`. A handler may also
 * return a plain value (200 JSON) or nothing (204).
 * @example
 * api.post("/orders", { schema: { body: Order } }, ({ body }) => reply(201, create(body)));
 */
export function reply(status: number, body?: JsonValue, headers: Record<string, string> = {}): Reply {
  return { [REPLY]: true, status, headers, body };
}

/** A handler's result as status, headers and JSON text (`undefined`: no body). */
export function replyOf(result: unknown): {
  status: number;
  headers: Record<string, string>;
  text: string | undefined;
} {
  const given = typeof result === "object" && result !== null && REPLY in result;
  const status = given ? (result as Reply).status : result === undefined ? 204 : 200;
  const headers = given ? { ...(result as Reply).headers } : {};
  const body = given ? (result as Reply).body : result;
  if (body === undefined || status === 204 || status === 304) return { status, headers, text: undefined };
  headers["Content-Type"] = JSON_CONTENT_TYPE;
  return { status, headers, text: JSON.stringify(body) };
}

/** A route handler: the validated parts, typed by the route's contract, and what the runtime adds (`X`). */
export type RouteHandler<P extends PrincipalFields, C extends RouteContract, X> = (
  context: ValidatedRequest<P, C> & X,
) => unknown;

/** The contract of a route declared without one. */
type NoContract = Record<never, never>;

/**
 * `api.get(path, contract, handler)`, or `api.get(path, handler)` for a route without a contract.
 * @example
 * api.get("/health", () => ({ ok: true })).get("/orders/:id", { schema: { params: IdParams } }, find);
 */
export interface RouteMethod<P extends PrincipalFields, X, R> {
  <const C extends RouteContract>(path: string, contract: C, handler: RouteHandler<P, C, X>): R;
  (path: string, handler: RouteHandler<P, NoContract, X>): R;
}

/** A request on its way to its handler: the checks under way and where an error would be logged. */
export interface Dispatched<P extends PrincipalFields, X> {
  readonly kind: "dispatch";
  readonly handler: RouteHandler<P, RouteContract, X>;
  readonly context: ErrorContext;
  readonly checked: Answer | Pass<P> | Promise<Answer | Pass<P>>;
}

/**
 * Routes registered with their handlers (`/orders/:id` or `/orders/{id}`); every request nobody
 * serves is answered by the contract.
 */
export class Router<P extends PrincipalFields = Principal, X = object> {
  readonly pipeline: Pipeline<P>;
  private readonly handlers = new Map<PreparedRoute, RouteHandler<P, RouteContract, X>>();

  constructor(options: PipelineOptions<P>, adapter: string) {
    this.pipeline = new Pipeline(options, adapter);
  }

  /** Adds a route; without a contract, the route has none (no auth, no schemas). */
  route<const C extends RouteContract>(
    method: string,
    path: string,
    contract: C,
    handler: RouteHandler<P, C, X>,
  ): this;
  route(method: string, path: string, handler: RouteHandler<P, NoContract, X>): this;
  route(
    method: string,
    path: string,
    contract: RouteContract | RouteHandler<P, RouteContract, X>,
    handler?: RouteHandler<P, RouteContract, X>,
  ): this {
    const given = typeof contract === "function" ? {} : contract;
    const prepared = this.pipeline.route(method, path, given);
    this.handlers.set(prepared, (handler ?? contract) as RouteHandler<P, RouteContract, X>);
    return this;
  }

  readonly get = this.shortcut("GET");
  readonly post = this.shortcut("POST");
  readonly put = this.shortcut("PUT");
  readonly patch = this.shortcut("PATCH");
  readonly delete = this.shortcut("DELETE");

  private shortcut(method: string): RouteMethod<P, X, this> {
    return ((path: string, ...rest: [RouteContract, RouteHandler<P, RouteContract, X>]) =>
      this.route(method, path, ...rest)) as RouteMethod<P, X, this>;
  }

  /**
   * The answer for a request that reaches no handler (405, OPTIONS, 404...), or its handler with the
   * route's checks started.
   */
  protected dispatch(port: RequestPort): Answer | Dispatched<P, X> {
    const entered = this.pipeline.enter(port);
    if (entered.kind === "answer") return entered;
    if (entered.kind === "preflight") return entered.answer;
    const { requestId } = entered;
    const context: ErrorContext = { requestId, method: port.method, target: port.target, port };
    const route = entered.kind === "routed" ? entered.route : undefined;
    const handler = route === undefined ? undefined : this.handlers.get(route);
    if (entered.kind !== "routed" || handler === undefined) return this.pipeline.notFound(context);
    const checked = this.pipeline.check(route, port, requestId, entered.params);
    return { kind: "dispatch", handler, context, checked };
  }
}
