// @fastify/swagger: each route names its error codes under `x-errors`; one transform turns them into
// the error responses, with the components they refer to.
import swagger, { type SwaggerTransformObject } from "@fastify/swagger";
import { ApiError } from "api-error-codes";
import { apiErrorCodes, type ContractTypeProvider, serverOptions } from "api-error-codes/fastify";
import { errorComponents, errorResponses, type OperationError } from "api-error-codes/openapi";
import Fastify from "fastify";

const Order = {
  type: "object",
  required: ["id", "item"],
  properties: { id: { type: "integer" }, item: { type: "string" } },
} as const;
const OrderId = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;
const orders = new Map([[7, { id: 7, item: "tea" }]]);

// #region transform
type Operation = { responses?: Record<string, unknown>; "x-errors"?: OperationError[] };
type Document = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, object> };

/** @fastify/swagger's `transformObject`: `x-errors` of each operation -> its error responses. */
const withErrors: SwaggerTransformObject = (document) => {
  if (!("openapiObject" in document)) return document.swaggerObject;
  const openapi = document.openapiObject as Document;
  for (const operations of Object.values(openapi.paths ?? {})) {
    for (const operation of Object.values(operations)) {
      const codes = operation["x-errors"];
      if (codes === undefined) continue;
      delete operation["x-errors"];
      operation.responses = { ...operation.responses, ...errorResponses(codes) };
    }
  }
  const { schemas, responses } = errorComponents();
  const components = openapi.components ?? {};
  openapi.components = {
    ...components,
    schemas: { ...components["schemas"], ...schemas },
    responses: { ...components["responses"], ...responses },
  };
  return document.openapiObject;
};
// #endregion

export async function buildApp() {
  // #region app
  const app = Fastify({ ...serverOptions }).withTypeProvider<ContractTypeProvider>();
  await app.register(swagger, {
    openapi: { openapi: "3.1.0", info: { title: "Orders", version: "1.0.0" } },
    transformObject: withErrors,
  });
  await app.register(apiErrorCodes, { logger: false });

  app.get(
    "/orders/:id",
    // Only the success answer in `response`: errors are thrown, and the handler stays typed by `Order`.
    { schema: { params: OrderId, response: { 200: Order }, "x-errors": [4, 5, 10] } },
    async (request) => {
      const order = orders.get(request.params.id);
      if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(request.params.id) });
      return order;
    },
  );
  app.get("/openapi.json", { schema: { hide: true } }, () => app.swagger());
  // #endregion
  await app.ready();
  return app;
}
