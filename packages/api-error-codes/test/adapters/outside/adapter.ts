/**
 * The contract for the tiny framework, written as a user would write an adapter of their own: only
 * `api-error-codes/adapter` is imported. A global middleware decides the route (405 / OPTIONS / 501
 * / 404) and catches what handlers throw; `api.route(contract)` runs auth, body and validation.
 */

import type { Principal } from "api-error-codes";
import {
  NodePort,
  type Pass,
  Pipeline,
  type PipelineOptions,
  type PreparedRoute,
  type RouteContract,
  writeAnswer,
} from "api-error-codes/adapter";
import type { TinyApp, TinyContext, TinyHandler } from "./tiny.js";

const ID = "requestId";
const PASSED = "passed";

export function tinyContract(app: TinyApp, options: PipelineOptions = {}) {
  const pipeline = new Pipeline(options);
  let known = 0;
  app.use(async (ctx, next) => {
    // The framework's routes, read as they grow: the table answers 405 + Allow from them.
    for (; known < app.routes.length; known++) {
      const route = app.routes[known];
      if (route !== undefined) pipeline.table.markRealized(route.method, `/${route.segments.join("/")}`);
    }
    const port = new NodePort(ctx.req);
    const entered = pipeline.enter(port);
    if (entered.kind === "answer") return writeAnswer(ctx.req, ctx.res, entered);
    ctx.res.setHeader("X-Request-Id", entered.requestId);
    ctx.state[ID] = entered.requestId;
    const context = { requestId: entered.requestId, method: port.method, target: port.target };
    if (entered.kind === "preflight") return writeAnswer(ctx.req, ctx.res, entered.answer);
    // This framework's own 404 is a text page: a path the table does not know is answered here.
    if (entered.kind === "unrouted") return writeAnswer(ctx.req, ctx.res, pipeline.notFound(context));
    try {
      await next();
      if (!ctx.res.writableEnded) writeAnswer(ctx.req, ctx.res, pipeline.notFound(context));
    } catch (thrown) {
      writeAnswer(ctx.req, ctx.res, pipeline.fail(thrown, context));
    }
  });
  return {
    pipeline,
    /** The route's contract, as the first handler of a route. */
    route(contract: RouteContract): TinyHandler {
      const prepared: PreparedRoute = pipeline.prepare(contract);
      return async (ctx: TinyContext) => {
        const outcome = await pipeline.check(
          prepared,
          new NodePort(ctx.req),
          ctx.state[ID] as string,
          ctx.params,
        );
        if (outcome.kind === "answer") writeAnswer(ctx.req, ctx.res, outcome);
        else ctx.state[PASSED] = outcome;
      };
    },
    /** What the route's checks let through: principal and validated parts. */
    passed: (ctx: TinyContext) => ctx.state[PASSED] as Pass<Principal>,
  };
}
