/**
 * The front door of a fetch-style app (`app.fetch(request, env)`, as Hono has it): what the route
 * table refuses (404, 405 + Allow, 501, 400) is answered before the framework builds a context or
 * runs a middleware, with no promise, so that a node bridge writes it at once. A request let in
 * carries the route decision ({@link enteredOf}): the app's first middleware does not route it again.
 */
import type { PrincipalFields } from "../auth.js";
import type { Pipeline } from "../pipeline.js";
import type { Answer, Preflight, RequestPort, Routed, Unrouted } from "../port.js";

/** A fetch handler, as far as the front door wraps it. */
export type FetchLike = (request: Request, ...rest: unknown[]) => Response | Promise<Response>;

/** What the front door asks of the adapter. */
export interface Door {
  /** Whether the table decides now: false while the app has routes the table cannot hold. */
  decides(): boolean;
  /** Whether nothing but the adapter runs for every path: then nothing else serves an unknown one. */
  alone(): boolean;
  port(request: Request, env: unknown): RequestPort;
  respond(answer: Answer): Response;
}

const ENTERED = Symbol("api-error-codes.entered");
type Carrier = Request & { [ENTERED]?: Routed | Unrouted | Preflight };

/** The route decision the front door made for a request it let in; `undefined` if it did not see it. */
export function enteredOf(request: Request): Routed | Unrouted | Preflight | undefined {
  return (request as Carrier)[ENTERED];
}

/**
 * `fetch` behind the front door. HEAD and OPTIONS go straight to the app: frameworks answer HEAD
 * from GET, and an app's CORS middleware answers a preflight.
 * @example
 * app.fetch = frontDoor(pipeline, app.fetch, { decides, alone, port, respond });
 */
export function frontDoor<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  fetch: FetchLike,
  door: Door,
): FetchLike {
  return (request, ...rest) => {
    const method = request.method;
    if (method === "HEAD" || method === "OPTIONS") return fetch(request, ...rest);
    try {
      if (!door.decides()) return fetch(request, ...rest);
      const port = door.port(request, rest[0]);
      const entered = pipeline.enter(port);
      if (entered.kind === "answer") return door.respond(entered);
      // On the request itself: cheaper than a WeakMap.
      (request as Carrier)[ENTERED] = entered;
      if (entered.kind === "unrouted" && door.alone()) {
        const context = { requestId: entered.requestId, method, target: port.target, port };
        return door.respond(pipeline.notFound(context));
      }
    } catch {
      // The app's first middleware meets the same problem and answers it.
    }
    return fetch(request, ...rest);
  };
}
