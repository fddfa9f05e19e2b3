/**
 * The start-up mistakes docs/existing-app.md shows, made for real: each returns the TypeError's
 * message, which the docs test compares with startup-mistakes.txt.
 */
import * as express from "api-error-codes/express";
import * as fastify from "api-error-codes/fastify";
import * as hono from "api-error-codes/hono";
import * as node from "api-error-codes/node";
import Express from "express";
import Fastify from "fastify";
import { Hono } from "hono";

async function messageOf(mistake: () => unknown): Promise<string> {
  try {
    await mistake();
  } catch (error) {
    return (error as Error).message;
  }
  return "(no error)";
}

export async function startupMistakes(): Promise<string[]> {
  const app = Express();
  express.apiErrorCodes(app, { logger: false });
  return [
    await messageOf(() => express.apiErrorCodes(Express(), { bodylimit: 10 } as object)),
    await messageOf(() =>
      Fastify().register(fastify.apiErrorCodes, { auth: { lookup: "sessions" } } as unknown as object),
    ),
    await messageOf(() =>
      hono.apiErrorCodes(new Hono(), { logger: false }).route({ auth: { role: ["admin"] } } as object),
    ),
    await messageOf(() =>
      node.createApi().post("/orders", { schema: { body: { type: "thing" } } }, () => null),
    ),
    await messageOf(() => express.apiErrorCodes(app)),
    await messageOf(() =>
      node
        .createApi()
        .get("/orders/:id", {}, () => null)
        .get("/orders/{orderId}", {}, () => null),
    ),
  ];
}
