/**
 * The contract on plain node:http: a small router whose every answer keeps the contract, and a
 * server helper that also answers malformed HTTP.
 * @example
 * import { createApi } from "api-error-codes/node";
 * const api = createApi();
 * api.get("/orders/:id", { schema: { params: IdParams } }, ({ params }) => findOrder(params.id));
 * api.listen(3000);
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from "node:http";
import type { JsonValue } from "../../details.js";
import { NodePort, writeAnswer } from "../../node/port.js";
import { type ProtectOptions, protectServer } from "../../node/protect.js";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { Pipeline, type PipelineOptions } from "../../pipeline/pipeline.js";
import type { PreparedRoute, RouteContract } from "../../pipeline/route.js";
import type { ValidatedRequest } from "../../pipeline/types.js";
import { JSON_CONTENT_TYPE } from "../../response.js";

export { readNodeBody } from "../../node/port.js";
export { clientErrorResponse, type ProtectOptions, protectServer } from "../../node/protect.js";
// Named here so that a user's declarations can refer to them (TS2742 otherwise).
export type { Principal, PrincipalFields } from "../../pipeline/auth.js";
export type { RouteContract } from "../../pipeline/route.js";
export { notRealized } from "../../pipeline/routes.js";

/** What a handler receives: the validated request parts and the raw node objects. */
export interface RequestContext<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> extends ValidatedRequest<P, C> {
  req: IncomingMessage;
  res: ServerResponse;
}

const REPLY = Symbol("api-error-codes.reply");

/** A handler's answer with a status or headers of its own. */
export interface Reply {
  readonly [REPLY]: true;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: JsonValue | undefined;
}

/**
 * An answer other than 200: `reply(201, order, { Location: url })`, `reply(204)`.
 * A handler may also return a plain value (200 JSON), return nothing after writing `res` itself.
 */
export function reply(status: number, body?: JsonValue, headers: Record<string, string> = {}): Reply {
  return { [REPLY]: true, status, headers, body };
}

export type Handler<P extends PrincipalFields = Principal, C extends RouteContract = RouteContract> = (
  context: RequestContext<P, C>,
) => unknown | Promise<unknown>;

export interface NodeApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}

function send(res: ServerResponse, result: unknown): void {
  if (res.writableEnded || res.headersSent) return;
  let status = 200;
  let body: unknown = result;
  if (typeof result === "object" && result !== null && REPLY in result) {
    const r = result as Reply;
    status = r.status;
    body = r.body;
    for (const name in r.headers) res.setHeader(name, r.headers[name] as string);
  } else if (result === undefined) {
    status = 204;
  }
  res.statusCode = status;
  if (body === undefined || status === 204 || status === 304) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.setHeader("Content-Type", JSON_CONTENT_TYPE);
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.end(text);
}

type RouteMethod<P extends PrincipalFields> = <const C extends RouteContract>(
  path: string,
  contract: C,
  handler: Handler<P, C>,
) => NodeApi<P>;

/**
 * A router for node:http that keeps the contract: 404 / 405 + Allow / OPTIONS / 501, bearer auth
 * before the body, hardened JSON bodies, schema validation, and every thrown value classified.
 */
export class NodeApi<P extends PrincipalFields = Principal> {
  readonly pipeline: Pipeline<P>;
  private readonly handlers = new Map<PreparedRoute, Handler<P>>();

  constructor(options: NodeApiOptions<P> = {}) {
    this.pipeline = new Pipeline(options, "api-error-codes/node");
  }

  /** Adds a route; `path` in `/orders/:id` or `/orders/{id}` form. */
  route<const C extends RouteContract>(
    method: string,
    path: string,
    contract: C,
    handler: Handler<P, C>,
  ): this {
    this.handlers.set(this.pipeline.route(method, path, contract), handler as Handler<P>);
    return this;
  }

  readonly get: RouteMethod<P> = (path, contract, handler) => this.route("GET", path, contract, handler);
  readonly post: RouteMethod<P> = (path, contract, handler) => this.route("POST", path, contract, handler);
  readonly put: RouteMethod<P> = (path, contract, handler) => this.route("PUT", path, contract, handler);
  readonly patch: RouteMethod<P> = (path, contract, handler) => this.route("PATCH", path, contract, handler);
  readonly delete: RouteMethod<P> = (path, contract, handler) =>
    this.route("DELETE", path, contract, handler);

  /** The request listener for `http.createServer`. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const port = new NodePort(req);
    const entered = this.pipeline.enter(port);
    if (entered.kind === "answer") {
      writeAnswer(req, res, entered);
      return;
    }
    res.setHeader("X-Request-Id", entered.requestId);
    const context = {
      requestId: entered.requestId,
      method: port.method,
      target: port.target,
      port,
    };
    const route = entered.kind === "routed" ? entered.route : undefined;
    const handler = route === undefined ? undefined : this.handlers.get(route);
    if (entered.kind === "preflight") writeAnswer(req, res, entered.answer);
    else if (entered.kind !== "routed" || handler === undefined)
      writeAnswer(req, res, this.pipeline.notFound(context));
    else
      this.serve(
        req,
        res,
        handler,
        this.pipeline.check(route, port, entered.requestId, entered.params),
      ).catch((thrown: unknown) => writeAnswer(req, res, this.pipeline.fail(thrown, context)));
  };

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    handler: Handler<P>,
    checked: ReturnType<Pipeline<P>["check"]>,
  ): Promise<void> {
    const outcome = await checked;
    if (outcome.kind === "answer") writeAnswer(req, res, outcome);
    else send(res, await handler({ ...outcome, req, res } as RequestContext<P>));
  }

  /**
   * A node server for this API that also answers malformed HTTP with the contract.
   * @example
   * api.createServer().listen(3000, "127.0.0.1");
   */
  createServer(options: ServerOptions & ProtectOptions = {}): Server {
    // Node checks request timeouts on this interval; its 30 s default would let 408s arrive late.
    const server = createServer({ connectionsCheckingInterval: 1000, ...options }, this.handle);
    return protectServer(server, options);
  }

  /** `createServer().listen(port, host)`, resolved once listening. */
  listen(port: number, host = "127.0.0.1"): Promise<Server> {
    const server = this.createServer();
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => resolve(server));
    });
  }
}

/**
 * A node:http API that keeps the contract.
 * @example
 * const api = createApi({ auth: { lookup: (token) => sessions.get(token) } });
 * api.post("/orders", { auth: true, schema: { body: Order } }, ({ body }) => reply(201, create(body)));
 */
export function createApi<P extends PrincipalFields = Principal>(
  options: NodeApiOptions<P> = {},
): NodeApi<P> {
  return new NodeApi(options);
}
