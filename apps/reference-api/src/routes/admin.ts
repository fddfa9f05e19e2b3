/** Operations for administrators; members get 403 / 9. */
import type { Services } from "../app.js";
import { PageQuery, UserPage } from "./schemas.js";
import { AUTH_ERRORS, DATABASE_ERRORS, type RouteSpec, route, UNKNOWN } from "./spec.js";

export function adminRoutes(s: Services): RouteSpec[] {
  return [
    route({
      method: "GET",
      url: "/v1/admin/users",
      operationId: "listUsers",
      tag: "users",
      summary: "List all users (admins only)",
      auth: { roles: ["admin"] },
      querystring: PageQuery,
      success: { status: 200, description: "A page of users, oldest first.", schema: UserPage },
      errors: [...AUTH_ERRORS, 4, 5, 9, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request) => {
        const { offset = 0, limit = 20 } = request.query;
        return s.users.list(offset, limit);
      },
    }),
  ];
}
