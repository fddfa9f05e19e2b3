/**
 * Liveness and readiness. `/health` answers 200 while the process runs, database or not, so that
 * an orchestrator does not restart an instance that is only waiting for the database; `/ready`
 * says whether it can serve traffic (503 / 12 while the database is unavailable).
 */
import type { Services } from "../app.js";
import { Status } from "./schemas.js";
import { type RouteSpec, route } from "./spec.js";

export function healthRoutes(s: Services): RouteSpec[] {
  return [
    route({
      method: "GET",
      url: "/health",
      operationId: "getHealth",
      tag: "service",
      summary: "Liveness",
      description: "200 while the process is running, whether or not the database is available.",
      success: { status: 200, description: "The process is alive.", schema: Status },
      errors: [0],
      handler: async () => ({ status: "ok", database: s.database.state }),
    }),
    route({
      method: "GET",
      url: "/ready",
      operationId: "getReady",
      tag: "service",
      summary: "Readiness",
      description: "200 when the database answers, 503 / 12 with Retry-After while it does not.",
      success: { status: 200, description: "Ready to serve requests.", schema: Status },
      errors: [12, 0],
      handler: async () => {
        await s.database.ping();
        return { status: "ready", database: s.database.state };
      },
    }),
  ];
}
