/**
 * One route on each adapter, built from the same description: the adapter's options, the route's
 * contract (declared each framework's way: `api.route()`, Fastify's `config.auth` and `schema`,
 * node's router), and what its handler does. Building throws what the adapter throws at start-up.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify, { type FastifyInstance } from "fastify";
import { Hono } from "hono";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { apiErrorCodes as fastifyPlugin, serverOptions } from "../../src/adapters/fastify/index.js";
import { apiErrorCodes as honoAdapter } from "../../src/adapters/hono/index.js";
import { createApi } from "../../src/adapters/node/index.js";
import type { AdapterName } from "./builders.js";
import { viaInject } from "./fastify-support.js";
import { overHttp, type Send } from "./harness.js";
import { inProcess } from "./hono-apps.js";

export interface OneRoute {
  /** The adapter's options, passed as they are (JavaScript callers get no type check). */
  options?: unknown;
  /** The route's contract, passed as it is. */
  contract?: unknown;
  method?: "GET" | "POST";
  /** What the handler throws; without it the handler answers 200 `{"ok":true}`. */
  thrown?: () => unknown;
}

export interface Built {
  /** Sends a request to the route's path (`/x`) or any other. */
  request(init: {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }): ReturnType<Send>;
  close(): Promise<void>;
}

type Handler = () => { ok: true };

function handlerOf(spec: OneRoute): Handler {
  return () => {
    if (spec.thrown !== undefined) throw spec.thrown();
    return { ok: true };
  };
}

function wrap(send: Send, close: () => Promise<void>, method: string): Built {
  return {
    request: (init) => send({ method: init.method ?? method, path: init.path ?? "/x", ...init } as never),
    close,
  };
}

async function expressRoute(spec: OneRoute, method: string, handle: Handler): Promise<Built> {
  const app = express();
  const api = expressAdapter(app, spec.options as never);
  const verb = method === "GET" ? "get" : "post";
  app[verb]("/x", api.route(spec.contract as never), (_req, res) => {
    res.json(handle());
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return wrap(overHttp((server.address() as AddressInfo).port), close, method);
}

async function fastifyRoute(spec: OneRoute, method: string, handle: Handler): Promise<Built> {
  const app: FastifyInstance = Fastify({ ...serverOptions });
  try {
    await app.register(fastifyPlugin, spec.options as never);
    const contract = (spec.contract ?? {}) as { auth?: unknown; schema?: Record<string, unknown> };
    const { query, ...parts } = contract.schema ?? {};
    const schema = query === undefined ? parts : { ...parts, querystring: query };
    app.route({
      method: method as "GET",
      url: "/x",
      schema,
      config: contract.auth === undefined ? {} : { auth: contract.auth as never },
      handler: async () => handle(),
    });
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return wrap(viaInject(app), () => app.close(), method);
}

async function honoRoute(spec: OneRoute, method: string, handle: Handler): Promise<Built> {
  const app = new Hono();
  const api = honoAdapter(app, spec.options as never);
  app.on(method, "/x", api.route(spec.contract as never), (c) => c.json(handle()));
  api.sync();
  return wrap(inProcess(app), async () => {}, method);
}

async function nodeRoute(spec: OneRoute, method: string, handle: Handler): Promise<Built> {
  const api = createApi(spec.options as never);
  api.route(method, "/x", spec.contract as never, () => handle());
  const server = await api.listen(0);
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return wrap(overHttp((server.address() as AddressInfo).port), close, method);
}

/**
 * The app of `spec` on one adapter.
 * @example
 * const built = await oneRoute("hono", { options: { bodyLimit: "1kb" }, method: "POST" });
 * const answer = await built.request({ body: "{}", headers: { "content-type": "application/json" } });
 */
export function oneRoute(adapter: AdapterName, spec: OneRoute = {}): Promise<Built> {
  const method = spec.method ?? "GET";
  const handle = handlerOf(spec);
  switch (adapter) {
    case "express":
      return expressRoute(spec, method, handle);
    case "fastify":
      return fastifyRoute(spec, method, handle);
    case "hono":
      return honoRoute(spec, method, handle);
    default:
      return nodeRoute(spec, method, handle);
  }
}
