// Quickstart: document every error an operation can return, from the same registry the server uses.
import { errorComponents, errorResponses } from "api-error-codes/openapi";

const Order = {
  type: "object",
  required: ["id", "item"],
  properties: { id: { type: "string", format: "uuid" }, item: { type: "string" } },
} as const;

export const document = {
  openapi: "3.1.0",
  info: { title: "Orders", version: "1.0.0" },
  paths: {
    "/orders/{id}": {
      get: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } }],
        responses: {
          200: { description: "The order", content: { "application/json": { schema: Order } } },
          // 400 (codes 4 and 5 as named examples), 401 (6, 7, 8), 404 (10), 500 and 503 (12), with headers.
          ...errorResponses([4, 5, 6, 7, 8, 10, 12]),
        },
      },
      // A code with one of its other statuses: 409 for a conflict instead of 400.
      put: {
        responses: { 204: { description: "Updated" }, ...errorResponses([{ code: 4, status: 409 }, 10]) },
      },
    },
  },
  // The body schema, one schema and one response (with an example) per registered code.
  components: { ...errorComponents() },
};
