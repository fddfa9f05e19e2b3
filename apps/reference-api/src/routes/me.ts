/** The caller's own account. */
import type { Services } from "../app.js";
import { caller } from "./auth.js";
import { User } from "./schemas.js";
import { AUTH_ERRORS, DATABASE_ERRORS, type RouteSpec, route, UNKNOWN } from "./spec.js";

export function meRoutes(_s: Services): RouteSpec[] {
  return [
    route({
      method: "GET",
      url: "/v1/me",
      operationId: "getMe",
      tag: "users",
      summary: "The current user",
      auth: true,
      success: { status: 200, description: "The account the access token belongs to.", schema: User },
      errors: [...AUTH_ERRORS, ...DATABASE_ERRORS, ...UNKNOWN],
      handler: async (request) => {
        // The token lookup already read the account: no second query.
        const { id, email, roles, created_at } = caller(request);
        return { id, email, roles, created_at };
      },
    }),
  ];
}
