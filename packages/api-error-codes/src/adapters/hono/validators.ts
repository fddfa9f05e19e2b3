/**
 * Hooks for the validators a Hono app already has: `@hono/zod-validator`'s `zValidator(target,
 * schema, hook)`, `@hono/zod-openapi`'s `new OpenAPIHono({ defaultHook })` and
 * `@hono/standard-validator`'s `sValidator(target, schema, hook)` (valibot, arktype, zod). A failure becomes the
 * contract's 3 / 5 / 4 answer (every issue listed with its `in` and pointer, `X-Request-Id`, logged)
 * instead of the validator's own 400 body; a success goes on to the handler.
 */
import type { Context } from "hono";
import { type ValidatorHookResult, validatorHookError } from "../../validation/foreign.js";

/** What the hook needs of the adapter: the `api` that `apiErrorCodes(app)` returned. */
export interface RespondingApi {
  respond(c: Context, thrown: unknown): Response;
}

/**
 * A validator hook answering failures with the contract. Without `api` it throws for the adapter's
 * `onError`, which is what `OpenAPIHono`'s `defaultHook` needs: it is given before `apiErrorCodes(app)`.
 * @example
 * const api = apiErrorCodes(app);
 * app.post("/orders", zValidator("json", Order, zodHook(api)), (c) => c.json(c.req.valid("json"), 201));
 * const app = new OpenAPIHono({ defaultHook: zodHook() });
 */
export function zodHook(
  api?: RespondingApi,
): (result: ValidatorHookResult, c: Context) => Response | undefined {
  return (result, c) => {
    const error = validatorHookError(result);
    if (error === undefined) return undefined;
    if (api === undefined) throw error;
    return api.respond(c, error);
  };
}

/**
 * The same hook for `@hono/standard-validator`: issues of valibot, arktype or zod become 3 / 5 / 4
 * by the library's own issue kinds, with no message repeating the input.
 * @example
 * app.post("/orders", sValidator("json", Order, standardHook(api)), (c) => c.json(c.req.valid("json"), 201));
 */
export const standardHook: typeof zodHook = zodHook;
