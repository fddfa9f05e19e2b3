/**
 * `api-error-codes/adapter`: the seam for writing an adapter of your own. Build a {@link RequestPort}
 * from your framework's request, ask the {@link Pipeline}, and write the outcome; on node's HTTP
 * server, {@link NodePort} and {@link writeAnswer} do both halves.
 * @example
 * import { createServer } from "node:http";
 * import { NodePort, Pipeline, writeAnswer } from "api-error-codes/adapter";
 *
 * const pipeline = new Pipeline();
 * pipeline.route("GET", "/items/:id", { schema: { params: IdParams } });
 * createServer(async (req, res) => {
 *   const outcome = await pipeline.handle(new NodePort(req));
 *   if (outcome.kind === "pass") res.end(JSON.stringify({ id: outcome.params.id }));
 *   else writeAnswer(req, res, outcome.kind === "answer" ? outcome : outcome.answer);
 * }).listen(3000);
 */
// Named here so that a user's declarations can refer to them (TS2742 otherwise).

// Named here so that a user's declarations can refer to them (TS2742 otherwise).
export type { Principal, PrincipalFields } from "./auth.js";
export { type Admission, type Admitted, admit, unanswered } from "./front.js";
export { type Guard, guardResponse } from "./node/guard.js";
export { NodePort, readNodeBody, tapBody, type WritableAnswer, writeAnswer } from "./node/port.js";
export {
  clientErrorResponse,
  type ProtectOption,
  type ProtectOptions,
  protectServer,
} from "./node/protect.js";
export { checkRequest, passedOf, type RequestState, stateOf } from "./node/state.js";
export { Pipeline, type PipelineOptions } from "./pipeline.js";
export type {
  Answer,
  ErrorContext,
  ErrorLogger,
  Outcome,
  Pass,
  Preflight,
  RequestPort,
  Routed,
  Unrouted,
} from "./port.js";
export type { PreparedRoute, RouteContract } from "./route.js";
export {
  type Dispatched,
  type Reply,
  type RouteHandler,
  type RouteMethod,
  Router,
  reply,
  replyOf,
} from "./router.js";
export { StackScan } from "./stacks.js";
export type { PrometheusRegistry } from "./telemetry.js";
export type { FromJsonSchema, PrincipalOf, SchemaOutput, ValidatedRequest } from "./types.js";
export { bridgeError, type NodeBindings, stampRequestId } from "./web/bridge.js";
export { type Door, enteredOf, type FetchLike, frontDoor } from "./web/front.js";
export { bodyText, guarded, replacing } from "./web/guard.js";
export { toResponse, WebPort } from "./web/port.js";
