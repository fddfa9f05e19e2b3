// docs/existing-app.md: @hono/zod-openapi with the contract's hook.
// #region recipe
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { apiErrorCodes, zodHook } from "api-error-codes/hono";

// #endregion

const route = createRoute({
  method: "get",
  path: "/orders/{id}",
  request: { params: z.object({ id: z.coerce.number().int() }) },
  responses: { 200: { description: "The order" } },
});
const handler = () => new Response(null);

export function buildApp() {
  // #region recipe
  const app = new OpenAPIHono({ defaultHook: zodHook() });
  apiErrorCodes(app);
  app.openapi(route, handler); // a bad parameter or body of `route` is 3 / 5 / 4
  // #endregion
  return app;
}
