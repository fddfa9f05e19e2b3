/**
 * The contract on plain node:http: a small router whose every answer keeps the contract, and a
 * server helper that also answers malformed HTTP.
 */
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerOptions,
  type ServerResponse,
} from "node:http";
import type { Principal, PrincipalFields } from "../../pipeline/auth.js";
import { type Guard, guardResponse } from "../../pipeline/node/guard.js";
import { NodePort, writeAnswer } from "../../pipeline/node/port.js";
import { type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
import type { PipelineOptions } from "../../pipeline/pipeline.js";
import type { ErrorContext } from "../../pipeline/port.js";
import type { RouteContract } from "../../pipeline/route.js";
import { type RouteHandler, Router, replyOf } from "../../pipeline/router.js";
import type { ValidatedRequest } from "../../pipeline/types.js";

export { readNodeBody } from "../../pipeline/node/port.js";
export { clientErrorResponse, type ProtectOptions, protectServer } from "../../pipeline/node/protect.js";
export * from "../../pipeline/public.js";
export { type Reply, reply } from "../../pipeline/router.js";

/** What node adds to a handler's context: its request and response, to write `res` directly. */
interface NodeObjects {
  req: IncomingMessage;
  res: ServerResponse;
}

/** What a handler receives: the validated request parts and the raw node objects. */
export type RequestContext<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> = ValidatedRequest<P, C> & NodeObjects;

/** A route handler; it returns a value (200 JSON), a `reply()`, or nothing after writing `res` itself. */
export type Handler<
  P extends PrincipalFields = Principal,
  C extends RouteContract = RouteContract,
> = RouteHandler<P, C, NodeObjects>;

export interface NodeApiOptions<P extends PrincipalFields = Principal> extends PipelineOptions<P> {}

/**
 * A router for node:http that keeps the contract: 404 / 405 + Allow / OPTIONS / 501, bearer auth
 * before the body, hardened JSON bodies, schema validation, and every thrown value classified.
 */
export class NodeApi<P extends PrincipalFields = Principal> extends Router<P, NodeObjects> {
  constructor(options: NodeApiOptions<P> = {}) {
    super(options, "api-error-codes/node");
  }

  /** The request listener for `http.createServer`. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const dispatched = this.dispatch(new NodePort(req));
    if (dispatched.kind === "answer") {
      writeAnswer(req, res, dispatched);
      return;
    }
    const { handler, context, checked } = dispatched;
    res.setHeader("X-Request-Id", context.requestId);
    const serve = async (): Promise<void> => {
      const outcome = await checked;
      if (outcome.kind === "answer") return writeAnswer(req, res, outcome);
      // An error answer the handler writes to `res` itself is judged when it ends, as on Express.
      guardResponse(req, res, this.judge(context), undefined);
      const result = await handler({ ...outcome, req, res });
      if (res.writableEnded || res.headersSent) return;
      const { status, headers, text } = replyOf(result);
      writeAnswer(req, res, { status, headers, body: text ?? "" });
    };
    serve().catch((thrown: unknown) => writeAnswer(req, res, this.pipeline.fail(thrown, context)));
  };

  private judge(context: ErrorContext): Guard {
    return (_req, status, text, thrown) => this.pipeline.guard(status, text, context, thrown);
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
