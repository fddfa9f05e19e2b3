/**
 * One small app per adapter for the observability tests, each behind a node server whose request
 * listener runs in an active server span, the way HTTP instrumentation does it: the adapter's error
 * answers must mark that span.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { type Span, trace } from "@opentelemetry/api";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { apiErrorCodes as fastifyPlugin, serverOptions } from "../../src/adapters/fastify/index.js";
import { apiErrorCodes as honoAdapter } from "../../src/adapters/hono/index.js";
import { createApi, reply } from "../../src/adapters/node/index.js";
import type { PipelineOptions } from "../../src/pipeline/pipeline.js";
import type { AdapterName } from "../adapters/builders.js";

export interface Running {
  readonly url: string;
  close(): Promise<void>;
}

/** The token that authenticates; the handler of `/boom` fails with a cause only the server sees. */
export const TOKEN = "good-token";
export const BOOM = "connection to db-7.internal refused";

const lookup = (token: string) => (token === TOKEN ? { id: "u1" } : null);

/** Server spans named after the request, like HTTP instrumentation's, ended when the answer is sent. */
function traced(listener: RequestListener): RequestListener {
  const tracer = trace.getTracer("test-http-server");
  return (req: IncomingMessage, res) => {
    tracer.startActiveSpan(`${req.method} ${req.url}`, (span: Span) => {
      res.on("finish", () => span.end());
      listener(req, res);
    });
  };
}

async function listen(server: Server): Promise<Running> {
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Options = Pick<PipelineOptions, "prometheus" | "opentelemetry" | "logger">;

async function expressApp(options: Options): Promise<Running> {
  const app = express();
  const api = expressAdapter(app, { auth: { lookup }, ...options });
  app.get("/items/:id", api.route({ auth: true }), (req, res) => {
    res.json({ id: req.params.id });
  });
  app.get("/boom", () => {
    throw new Error(BOOM);
  });
  return listen(createServer(traced(app)));
}

async function fastifyApp(options: Options): Promise<Running> {
  let wrapped: Server | undefined;
  const app = Fastify({
    ...serverOptions,
    serverFactory: (handler) => {
      wrapped = createServer(traced(handler as RequestListener));
      return wrapped;
    },
  });
  await app.register(fastifyPlugin, { auth: { lookup }, ...options });
  app.get("/items/:id", { config: { auth: true } }, async (request) => ({
    id: (request.params as { id: string }).id,
  }));
  app.get("/boom", async () => {
    throw new Error(BOOM);
  });
  await app.ready();
  const running = await listen(wrapped as Server);
  return { url: running.url, close: () => app.close() };
}

async function honoApp(options: Options): Promise<Running> {
  const app = new Hono();
  const api = honoAdapter(app, { auth: { lookup }, ...options });
  app.get("/items/:id", api.route({ auth: true }), (c) => c.json({ id: c.req.param("id") }));
  app.get("/boom", () => {
    throw new Error(BOOM);
  });
  return listen(createServer(traced(getRequestListener(app.fetch))));
}

async function nodeApp(options: Options): Promise<Running> {
  const api = createApi({ auth: { lookup }, ...options });
  api.get("/items/:id", { auth: true }, ({ params }) => reply(200, { id: String(params.id) }));
  api.get("/boom", {}, () => {
    throw new Error(BOOM);
  });
  return listen(createServer(traced(api.handle)));
}

/** The app on one adapter, listening on 127.0.0.1. */
export function startApp(adapter: AdapterName, options: Options = {}): Promise<Running> {
  const builders = { express: expressApp, fastify: fastifyApp, hono: honoApp, node: nodeApp };
  return builders[adapter]({ logger: false, ...options });
}
