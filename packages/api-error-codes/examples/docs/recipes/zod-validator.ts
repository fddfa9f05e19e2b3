// docs/existing-app.md: @hono/zod-validator with the contract's hook.
// #region recipe
import { zValidator } from "@hono/zod-validator";
import { apiErrorCodes, zodHook } from "api-error-codes/hono";
import { Hono } from "hono";
import { z } from "zod";

// #endregion

const findOrder = (id: number) => ({ id, item: "tea" });

export function buildApp() {
  // #region recipe
  const app = new Hono();
  const api = apiErrorCodes(app);
  app.get(
    "/orders/:id",
    zValidator("param", z.object({ id: z.coerce.number().int() }), zodHook(api)),
    zValidator("query", z.object({ expand: z.enum(["lines"]).optional() }), zodHook(api)),
    (c) => c.json(findOrder(c.req.valid("param").id)),
  );
  // #endregion
  return app;
}
