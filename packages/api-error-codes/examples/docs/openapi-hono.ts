// @hono/zod-openapi: the error responses go next to the route's own; the handler still compiles.
import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { ApiError } from "api-error-codes";
import { apiErrorCodes, zodHook } from "api-error-codes/hono";
import { errorComponents, errorResponses } from "api-error-codes/openapi";

const Order = z.object({ id: z.string(), item: z.string() });
const orders = new Map([["7", { id: "7", item: "tea" }]]);

// #region route
const getOrder = createRoute({
  method: "get",
  path: "/orders/{id}",
  request: { params: z.object({ id: z.string().regex(/^\d+$/) }) },
  responses: {
    200: { description: "The order", content: { "application/json": { schema: Order } } },
    ...errorResponses([4, 10]), // 400 and 404, examples and X-Request-Id included
  },
});

export const app = new OpenAPIHono({ defaultHook: zodHook() });
apiErrorCodes(app);
app.openapi(getOrder, (c) => {
  const order = orders.get(c.req.valid("param").id);
  if (order === undefined) throw ApiError.notExist({ resource: "order", id: c.req.valid("param").id });
  return c.json(order, 200);
});

// The document, with the error schemas and responses the $refs above point to.
export function document() {
  const generated = app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Orders", version: "1" } });
  const errors = errorComponents();
  return {
    ...generated,
    components: {
      ...generated.components,
      schemas: { ...generated.components?.schemas, ...errors.schemas },
      responses: { ...generated.components?.responses, ...errors.responses },
    },
  };
}
// #endregion
