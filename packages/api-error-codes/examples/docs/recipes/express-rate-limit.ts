// docs/existing-app.md: express-rate-limit passing its refusal on as an error.
// #region recipe
import express from "express";
import { rateLimit } from "express-rate-limit";
import createError from "http-errors";
// #endregion

export function buildApp() {
  // #region recipe
  const app = express();
  app.use(
    rateLimit({
      windowMs: 60_000,
      limit: 100,
      handler: (_req, _res, next, options) => next(createError(options.statusCode, "Too many requests")),
    }),
  );
  // #endregion
  return app;
}
