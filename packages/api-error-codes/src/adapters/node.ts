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
import type { Principal, PrincipalFields } from "../auth.js";
import { Contract, type ContractOptions, type PreparedRoute, type RouteContract } from "../contract.js";
import type { JsonValue } from "../details.js";
import { parseQuery } from "../query.js";
import { JSON_CONTENT_TYPE, requestId } from "../response.js";
import { type ProtectOptions, protectServer, readBody, sendError } from "./node-http.js";

export { notRealized } from "../routes.js";
export { clientErrorResponse, type ProtectOptions, protectServer, readBody } from "./node-http.js";

/** What a handler receives: the validated request parts and the raw node objects. */
export interface RequestContext<P extends PrincipalFields = Principal> {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  body: unknown;
  /** The authenticated principal on routes with `auth`; `undefined` elsewhere. */
  principal: P | undefined;
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

export type Handler<P extends PrincipalFields = Principal> = (
  context: RequestContext<P>,
) => unknown | Promise<unknown>;

export interface NodeApiOptions<P extends PrincipalFields = Principal> extends ContractOptions<P> {}

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

/**
 * A router for node:http that keeps the contract: 404 / 405 + Allow / OPTIONS / 501, bearer auth
 * before the body, hardened JSON bodies, schema validation, and every thrown value classified.
 */
export class NodeApi<P extends PrincipalFields = Principal> {
  readonly contract: Contract<P>;
  private readonly handlers = new Map<PreparedRoute, Handler<P>>();

  constructor(options: NodeApiOptions<P> = {}) {
    this.contract = new Contract(options);
  }

  /** Adds a route; `path` in `/orders/:id` or `/orders/{id}` form. */
  route(method: string, path: string, contract: RouteContract, handler: Handler<P>): this {
    this.handlers.set(this.contract.route(method, path, contract), handler);
    return this;
  }

  get(path: string, contract: RouteContract, handler: Handler<P>): this {
    return this.route("GET", path, contract, handler);
  }
  post(path: string, contract: RouteContract, handler: Handler<P>): this {
    return this.route("POST", path, contract, handler);
  }
  put(path: string, contract: RouteContract, handler: Handler<P>): this {
    return this.route("PUT", path, contract, handler);
  }
  patch(path: string, contract: RouteContract, handler: Handler<P>): this {
    return this.route("PATCH", path, contract, handler);
  }
  delete(path: string, contract: RouteContract, handler: Handler<P>): this {
    return this.route("DELETE", path, contract, handler);
  }

  /** The request listener for `http.createServer`. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    void this.dispatch(req, res);
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = requestId(req.headers["x-request-id"]);
    res.setHeader("X-Request-Id", id);
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    try {
      const resolved = this.contract.resolve(method, url);
      if (resolved.kind === "options") {
        res.writeHead(204, resolved.headers).end();
        return;
      }
      if (resolved.kind !== "match") {
        sendError(req, res, this.contract.refuse(resolved, { requestId: id, method, url }));
        return;
      }
      const route = this.contract.matched(resolved);
      const handler = route === undefined ? undefined : this.handlers.get(route);
      if (route === undefined || handler === undefined) {
        throw new Error(`no handler for ${resolved.method} ${resolved.template}`);
      }
      const found = this.contract.authenticateNow(route, req.headersDistinct);
      const principal = found instanceof Promise ? await found : found;
      let body: unknown;
      if (this.contract.expectBody(req.headers))
        body = this.contract.parseBody(await readBody(req, this.contract.bodyLimit));
      const parts = this.contract.validate(route, {
        body,
        query: parseQuery(url),
        params: { ...resolved.params },
        headers: req.headers,
      });
      const result = await handler({
        req,
        res,
        requestId: id,
        params: parts.params ?? {},
        query: parts.query ?? {},
        headers: parts.headers ?? {},
        body: parts.body,
        principal,
      });
      send(res, result);
    } catch (thrown) {
      sendError(req, res, this.contract.fail(thrown, { requestId: id, method, url }));
    }
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
