// Error answers on traces, metrics and logs: see docs/observability.md.
import { createServer } from "node:http";
import { type ErrorLogger, REQUEST_ID_HEADER } from "api-error-codes";
import { apiErrorCodes } from "api-error-codes/express";
import express from "express";
import { Registry } from "prom-client";

export function buildObservedApp(logger: ErrorLogger) {
  // #region prometheus
  // The library's counter goes into your registry; serve it as you serve the rest of your metrics.
  const registry = new Registry();
  const app = express();
  apiErrorCodes(app, { prometheus: registry, logger });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  // #endregion
  app.get("/orders/:id", (req, res) => {
    res.json({ id: req.params.id, echo: req.get(REQUEST_ID_HEADER) ?? null });
  });
  return createServer(app);
}
