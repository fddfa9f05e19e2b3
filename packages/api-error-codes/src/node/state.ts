/**
 * What an adapter over a node framework keeps on node's request between its first step (route,
 * request id) and the route's checks: where an error of the request is logged, and what passed the
 * route's contract for the handler. One object a request, on the request itself.
 */
import type { IncomingMessage } from "node:http";
import type { PrincipalFields } from "../pipeline/auth.js";
import type { ErrorContext, Pass } from "../pipeline/port.js";
import { NodePort } from "./port.js";

export interface RequestState extends ErrorContext {
  requestId: string;
  readonly port: NodePort;
  /** What passed the route's contract. */
  passed?: Pass<PrincipalFields>;
  /** An answer the pipeline wrote itself: a guard on the way out lets it go. */
  answered?: true;
}

const STATE = Symbol("api-error-codes.request");
type Kept = IncomingMessage & { [STATE]?: RequestState };

/**
 * The request's state, made on first use. `target` is what its errors are logged with when it is
 * not `req.url` (Express's `originalUrl` below a mount point).
 */
export function stateOf(req: IncomingMessage, target?: string, port = new NodePort(req)): RequestState {
  const kept = (req as Kept)[STATE];
  if (kept !== undefined) return kept;
  const state: RequestState = { requestId: "", method: port.method, target: target ?? port.target, port };
  (req as Kept)[STATE] = state;
  return state;
}

/** What passed the route's contract; `call` names the API that needs it, in the error when nothing did. */
export function passedOf(req: IncomingMessage, call: string): Pass<PrincipalFields> {
  const passed = (req as Kept)[STATE]?.passed;
  if (passed === undefined)
    throw new TypeError(`${call} is only available after the route's api.route() middleware`);
  return passed;
}
