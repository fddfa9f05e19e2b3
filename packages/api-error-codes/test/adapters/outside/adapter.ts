/**
 * The contract for the tiny framework, written as a user would write an adapter of their own: only
 * `api-error-codes/adapter` is imported. A global middleware decides the route (405 / OPTIONS / 501
 * / 404) and catches what handlers throw; `api.route(contract)` runs auth, body and validation.
 */

import type { Principal } from "api-error-codes";
import {
  checkRequest,
  type Pass,
  Pipeline,
  type PipelineOptions,
  passedOf,
  type RouteContract,
  stateOf,
  writeAnswer,
} from "api-error-codes/adapter";
import type { TinyApp, TinyContext, TinyHandler } from "./tiny.js";

export function tinyContract(app: TinyApp, options: PipelineOptions = {}) {
  const pipeline = new Pipeline(options);
  let known = 0;
  app.use(async (ctx, next) => {
    // The framework's routes, read as they grow: the table answers 405 + Allow from them.
    for (; known < app.routes.length; known++) {
      const route = app.routes[known];
      if (route !== undefined) pipeline.adopt(route.method, `/${route.segments.join("/")}`);
    }
    const context = stateOf(ctx.req);
    const entered = pipeline.enter(context.port);
    if (entered.kind === "answer") return writeAnswer(ctx.req, ctx.res, entered);
    context.requestId = entered.requestId;
    ctx.res.setHeader("X-Request-Id", entered.requestId);
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
      const prepared = pipeline.prepare(contract);
      return async (ctx: TinyContext) => {
        const outcome = await checkRequest(pipeline, ctx.req, prepared, ctx.params);
        if (outcome.kind === "answer") writeAnswer(ctx.req, ctx.res, outcome);
      };
    },
    /** What the route's checks let through: principal and validated parts. */
    passed: (ctx: TinyContext) => passedOf(ctx.req, "api.passed(ctx)") as Pass<Principal>,
  };
}
