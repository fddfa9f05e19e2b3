/**
 * What an adapter over a node framework keeps on node's request between its first step (route,
 * request id) and the route's checks: where an error of the request is logged, and what passed the
 * route's contract for the handler. One object a request, on the request itself.
 */
import type { IncomingMessage } from "node:http";
import type { PrincipalFields } from "../auth.js";
import type { Admitted } from "../front.js";
import type { Pipeline } from "../pipeline.js";
import { type Answer, type ErrorContext, isThenable, type Pass, type RequestPort } from "../port.js";
import type { PreparedRoute } from "../route.js";
import { NodePort } from "./port.js";

export interface RequestState extends ErrorContext {
  requestId: string;
  readonly port: NodePort;
  /** What the first step let in ({@link admit}), for the answer when the app gives none. */
  admitted?: Admitted<PrincipalFields>;
  /** What passed the route's contract. */
  passed?: Pass<PrincipalFields>;
  /** An answer the pipeline wrote itself: a guard on the way out lets it go. */
  answered?: true;
}

const STATE = Symbol("api-error-codes.request");
type Kept = IncomingMessage & { [STATE]?: RequestState };

/**
 * The request's state, made on first use (a later call allocates nothing). `target` is what its
 * errors are logged with when it is not `req.url` (Express's `originalUrl` below a mount point); they
 * go to the logger of `port` (Fastify's `request.log`), else to the pipeline's.
 */
export function stateOf(req: IncomingMessage, target?: string, port?: NodePort): RequestState {
  const kept = (req as Kept)[STATE];
  if (kept !== undefined) return kept;
  const read = port ?? new NodePort(req);
  const state: RequestState = {
    requestId: "",
    method: read.method,
    target: target ?? read.target,
    logger: read.logger,
    port: read,
  };
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

/**
 * A route's checks ({@link Pipeline.check}) for a request whose first step ran, with its request id;
 * what passes is kept for {@link passedOf}. `port` when the checks read the request through another
 * port than the first step's.
 */
export function checkRequest<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  req: IncomingMessage,
  route: PreparedRoute | undefined,
  params: Readonly<Record<string, unknown>> | undefined,
  port?: RequestPort,
): Answer | Pass<P> | Promise<Answer | Pass<P>> {
  const state = stateOf(req);
  const outcome = pipeline.check(route, port ?? state.port, state.requestId, params);
  // No closure on the synchronous path: it is every request's.
  return isThenable(outcome)
    ? Promise.resolve(outcome).then((done) => keep(state, done))
    : keep(state, outcome);
}

function keep<P extends PrincipalFields>(state: RequestState, done: Answer | Pass<P>): Answer | Pass<P> {
  if (done.kind === "pass") state.passed = done;
  return done;
}
