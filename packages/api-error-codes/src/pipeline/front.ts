/**
 * The front door of an app whose framework dispatches what the route table does not know (static
 * files, mounted apps, routes the table cannot hold): Express, Koa, Hono. The adapter's first step
 * lets a request in ({@link admit}), hands it to the app, and answers when the app ends without an
 * answer ({@link unanswered}). Nothing here knows a framework.
 */
import type { PrincipalFields } from "./auth.js";
import type { Pipeline } from "./pipeline.js";
import type { Answer, ErrorContext, Pass, Preflight, RequestPort, Routed, Unrouted } from "./port.js";

/** A request let in: the app runs next. A `pass` is a routed request whose JSON body was checked here. */
export type Admitted<P> = Routed | Unrouted | Preflight | Pass<P>;

/** Where an admitted request's errors are logged; {@link admit} sets its request id. */
export interface Admission extends ErrorContext {
  requestId: string;
}

/**
 * The route step ({@link Pipeline.enter}) and a JSON body the app reads its own way
 * ({@link Pipeline.ownBody}) for a request the app dispatches itself: an answer to write, or the
 * request let in with its request id in `context` (a request id already there is kept). Another
 * letter case or a trailing slash of a known path is 404 here: case-insensitive, non-strict routers
 * (Express, @koa/router) would serve it, the contract's routes are exact. A value when nothing is
 * awaited; a promise only while the body is read or checked.
 * `ownBodies: false` for apps whose routes read their bodies themselves (NestJS's guard).
 * @example
 * const admitted = admit(pipeline, port, context);
 * if (isThenable(admitted)) admitted.then(onward); else onward(admitted);
 */
export function admit<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  port: RequestPort,
  context: Admission,
  ownBodies = true,
): Answer | Admitted<P> | Promise<Answer | Pass<P>> {
  const entered = pipeline.enter(port, context.requestId || undefined);
  if (entered.kind === "answer") return entered;
  context.requestId = entered.requestId;
  if (entered.kind === "unrouted" && pipeline.table.isLooseVariant(port.method, port.target))
    return pipeline.notFound(context);
  return (ownBodies ? pipeline.ownBody(entered, port) : undefined) ?? entered;
}

/**
 * The answer when the app ended a request without one: for `error` (falsy is none, as `next(err)`
 * callbacks and finalhandler read it), else the preflight's answer the app's CORS middleware left
 * alone, else 404. `admitted` is `undefined` when middleware before the first step ended the request.
 * @example
 * dispatch(req, res, (error) => write(unanswered(pipeline, admitted, context, error)));
 */
export function unanswered<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  admitted: Admitted<P> | undefined,
  context: ErrorContext,
  error?: unknown,
): Answer {
  if (error) return pipeline.fail(error, context);
  return admitted?.kind === "preflight" ? admitted.answer : pipeline.notFound(context);
}
