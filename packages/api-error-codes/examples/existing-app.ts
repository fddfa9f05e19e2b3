/**
 * An existing Hono app that already validates with @hono/zod-validator and throws http-errors, with
 * the contract added: one `apiErrorCodes(app)` call, one hook per validator, one registered code so
 * that a foreign 429 keeps its meaning. See docs/existing-app.md.
 */
import { zValidator } from "@hono/zod-validator";
import { type ErrorLogger, registerCode } from "api-error-codes";
import { apiErrorCodes, zodHook } from "api-error-codes/hono";
import { Hono } from "hono";
import createError from "http-errors";
import { z } from "zod";

// Errors with status 429 from any library now answer 429 / 100 instead of 400 / 3.
registerCode({ code: 100, name: "RATE_LIMITED", status: 429, message: "Too many requests" });

const NewOrder = z.object({ item: z.string().max(40), quantity: z.number().int().min(1) });

/** The app as it was, plus the contract. */
export function existingApp(logger?: ErrorLogger | false) {
  const app = new Hono();
  const api = apiErrorCodes(app, { bodyLimit: "64kb", ...(logger === undefined ? {} : { logger }) });

  // The validator stays; its failures become 3 / 5 / 4 with `in` and pointers.
  app.post("/orders", zValidator("json", NewOrder, zodHook(api)), (c) => c.json(c.req.valid("json"), 201));

  // A library's error keeps its status, message and Retry-After.
  app.get("/reports", () => {
    throw createError(429, "Report quota used up for today", { headers: { "Retry-After": "3600" } });
  });
  return app;
}
