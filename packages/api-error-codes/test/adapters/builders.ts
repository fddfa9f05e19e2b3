/**
 * The shared application of app.ts on each adapter, ready to be driven: one `Target`
 * per adapter with a uniform `send(scenario)`. node and Express always run on a real socket; Fastify
 * and Hono run in-process (`inject`, `app.request`) unless a socket is asked for. The adapter tests,
 * the reliability properties and the bad-input corpus all build their apps here.
 */
import { once } from "node:events";
import { Agent, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import Router from "@koa/router";
import express, { type Request, type Response } from "express";
import express4Module from "express-4";
import { getRequestListener as oldRequestListener } from "hono-node-server-1";
import Koa from "koa";
import { type ExpressApiOptions, apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { createApi as createFetchApi, reply as fetchReply } from "../../src/adapters/fetch/index.js";
import { type KoaApiOptions, apiErrorCodes as koaAdapter } from "../../src/adapters/koa/index.js";
import { createApi, type NodeApi, type NodeApiOptions, reply } from "../../src/adapters/node/index.js";
import { type ProtectOptions, protectServer } from "../../src/pipeline/node/protect.js";
import type { ErrorLogger } from "../../src/pipeline/port.js";
import type { PresentOptions } from "../../src/pipeline/present.js";
import { lookup, openapi, routes } from "./app.js";
import { buildSpecApp as fastifySpecApp, viaInject } from "./fastify-support.js";
import { overHttp, type Send } from "./harness.js";
import { buildSpecApp as honoSpecApp, inProcess } from "./hono-apps.js";
import { nestSpecApp } from "./nest-app.js";

export { buildSpecApp as fastifySpecApp } from "./fastify-support.js";
export { buildSpecApp as honoSpecApp } from "./hono-apps.js";

export type AdapterName = "node" | "express" | "fastify" | "hono";
export const ADAPTERS: readonly AdapterName[] = ["node", "express", "fastify", "hono"];
/**
 * Every adapter the bad-input corpus runs on a real socket: the four, Koa, NestJS (Express and
 * Fastify platforms) and fetch (through @hono/node-server's Request bridge). What a `Request` cannot
 * carry as sent (`..` resolved by the URL parser, `\` and `*` refused by the bridge, no body on GET)
 * is marked in the corpus rows' `except`, with fetch's exact answer.
 */
export type TargetName = AdapterName | "koa" | "nest" | "nest-fastify" | "fetch";
export const TARGETS: readonly TargetName[] = [...ADAPTERS, "koa", "nest", "nest-fastify", "fetch"];

/** One adapter running the shared app. */
export interface Target {
  name: TargetName;
  /** How requests reach it: a real socket, or the framework's in-process entry point. */
  transport: "socket" | "in-process";
  send: Send;
  /** The listening port (socket transport only). */
  port: number | undefined;
  close(): Promise<void>;
}

export interface BuildOptions {
  /** Run on a real socket even when the framework can be driven in-process (Fastify, Hono). */
  socket?: boolean;
  /** Error log entries; off by default. */
  logger?: ErrorLogger | false;
  /** Reuse connections (one keep-alive agent per target) instead of one connection per request. */
  keepAlive?: boolean;
  /** Hono on the oldest @hono/node-server the package supports (1.19.10) instead of 2.x. */
  honoNodeServer?: "1.19" | "2";
  /** Short header and request timeouts (slow-client tests), checked every 200 ms. */
  timeouts?: ProtectOptions;
  /** Languages, Problem Details, documentation links. */
  present?: PresentOptions;
}

/** The adapter options a build passes on. */
function adapterOptions(options: BuildOptions): { logger?: ErrorLogger | false } & PresentOptions {
  return { ...options.present, ...(options.logger === undefined ? {} : { logger: options.logger }) };
}

/** How often node looks for requests past their timeouts when `timeouts` are given (default 30 s). */
const CHECK_EVERY_MS = 200;

/** Node reads the interval when the server starts listening: set it before that. */
function checkOften(server: Server, options: BuildOptions): Server {
  if (options.timeouts !== undefined)
    (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = CHECK_EVERY_MS;
  return server;
}

/** The shared application of app.ts on node:http's router. */
export function nodeSpecApi(options: NodeApiOptions = {}): NodeApi {
  const api = createApi({ auth: { lookup }, openapi, logger: false, ...options });
  for (const route of routes) {
    api.route(route.method, route.path, route.contract, async (context) => {
      const answer = await route.handler(context);
      return reply(answer.status, answer.body as never, answer.headers);
    });
  }
  return api;
}

/** Express 4 (still the most installed major), typed as Express 5: the adapter takes either. */
export const express4 = express4Module as unknown as typeof express;

/** The shared application of app.ts on Express (5 unless the factory of another major is given). */
export function expressSpecApp(options: ExpressApiOptions = {}, factory: typeof express = express) {
  const app = factory();
  const api = expressAdapter(app, { auth: { lookup }, openapi, logger: false, ...options });
  for (const route of routes) {
    const method = route.method.toLowerCase() as "get" | "post" | "put" | "delete" | "patch";
    app[method](route.path, api.route(route.contract), async (req: Request, res: Response) => {
      const answer = await route.handler(api.context(req));
      if (answer.headers !== undefined) res.set(answer.headers);
      res.status(answer.status);
      if (answer.body === undefined) res.end();
      else res.json(answer.body);
    });
  }
  return { app, api };
}

/** The shared application of app.ts on Koa (3 unless another major's constructor is given) with @koa/router. */
export function koaSpecApp(options: KoaApiOptions = {}, KoaApp: typeof Koa = Koa) {
  const app = new KoaApp();
  const api = koaAdapter(app, { auth: { lookup }, openapi, logger: false, ...options });
  const router = new Router();
  for (const route of routes) {
    router.register(
      route.path,
      [route.method],
      [
        api.route(route.contract),
        async (ctx) => {
          const answer = await route.handler(api.context(ctx));
          ctx.status = answer.status;
          for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
          if (answer.body !== undefined) ctx.body = answer.body;
        },
      ],
    );
  }
  return { app, api, router };
}

async function listening(server: Server): Promise<number> {
  if (!server.listening) {
    if (server.address() === null) server.listen(0, "127.0.0.1");
    await once(server, "listening");
  }
  return (server.address() as AddressInfo).port;
}

function closing(server: Server, agent: Agent | undefined): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      agent?.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function socketTarget(name: TargetName, server: Server, port: number, options: BuildOptions): Target {
  const agent = options.keepAlive ? new Agent({ keepAlive: true, maxSockets: 8 }) : undefined;
  return { name, transport: "socket", send: overHttp(port, agent), port, close: closing(server, agent) };
}

export async function buildNode(options: BuildOptions = {}): Promise<Target> {
  const api = nodeSpecApi(adapterOptions(options));
  const timeouts =
    options.timeouts === undefined
      ? {}
      : { ...options.timeouts, connectionsCheckingInterval: CHECK_EVERY_MS };
  const server = api.createServer(timeouts);
  const port = await listening(server);
  return socketTarget("node", server, port, options);
}

export async function buildExpress(options: BuildOptions = {}): Promise<Target> {
  const { app } = expressSpecApp(adapterOptions(options));
  const server = protectServer(checkOften(app.listen(0, "127.0.0.1"), options), options.timeouts);
  const port = await listening(server);
  return socketTarget("express", server, port, options);
}

export async function buildFastify(options: BuildOptions = {}): Promise<Target> {
  const app = await fastifySpecApp(
    {},
    {
      logger: options.logger ?? false,
      ...options.present,
      ...(options.timeouts === undefined ? {} : { protect: options.timeouts }),
    },
  );
  if (options.socket !== true) {
    await app.ready();
    return {
      name: "fastify",
      transport: "in-process",
      send: viaInject(app),
      port: undefined,
      close: () => app.close(),
    };
  }
  checkOften(app.server, options);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const port = (app.server.address() as AddressInfo).port;
  const target = socketTarget("fastify", app.server, port, options);
  return { ...target, close: () => target.close().then(() => app.close()) };
}

export async function buildHono(options: BuildOptions = {}): Promise<Target> {
  const { app, api } = honoSpecApp(options.logger ?? false, options.present);
  if (options.socket !== true) {
    return {
      name: "hono",
      transport: "in-process",
      send: inProcess(app),
      port: undefined,
      close: async () => {},
    };
  }
  // The documented setup: @hono/node-server's own request errors through the contract, and the
  // server protected against malformed HTTP.
  const requestListener = options.honoNodeServer === "1.19" ? oldRequestListener : getRequestListener;
  const listener = requestListener(app.fetch, { hostname: "127.0.0.1", errorHandler: api.requestError });
  const server = protectServer(checkOften(createServer(listener), options), options.timeouts);
  const port = await listening(server);
  return socketTarget("hono", server, port, options);
}

export async function buildKoa(options: BuildOptions = {}): Promise<Target> {
  const { app, router } = koaSpecApp(adapterOptions(options));
  app.use(router.routes());
  const server = protectServer(checkOften(app.listen(0, "127.0.0.1"), options), options.timeouts);
  const port = await listening(server);
  return socketTarget("koa", server, port, options);
}

/** The shared app on NestJS 12 (Express platform unless told), on the server Nest makes. */
export async function buildNest(
  options: BuildOptions = {},
  platform: "express" | "fastify" = "express",
): Promise<Target> {
  const protect = options.timeouts === undefined ? {} : { protect: options.timeouts };
  const { app } = await nestSpecApp({ ...adapterOptions(options), ...protect }, {}, platform);
  const server = checkOften(app.getHttpServer() as Server, options);
  await app.listen(0, "127.0.0.1");
  const port = (server.address() as AddressInfo).port;
  const agent = options.keepAlive ? new Agent({ keepAlive: true, maxSockets: 8 }) : undefined;
  const close = async () => {
    agent?.destroy();
    server.closeAllConnections();
    await app.close();
  };
  const name = platform === "express" ? "nest" : "nest-fastify";
  return { name, transport: "socket", send: overHttp(port, agent), port, close };
}

/** The shared app as a fetch handler, served by node through @hono/node-server's Request bridge. */
export async function buildFetch(options: BuildOptions = {}): Promise<Target> {
  const api = createFetchApi({
    auth: { lookup },
    openapi,
    logger: options.logger ?? false,
    ...options.present,
  });
  for (const route of routes) {
    api.route(route.method, route.path, route.contract, async (context) => {
      const answer = await route.handler(context);
      return fetchReply(answer.status, answer.body as never, answer.headers);
    });
  }
  // The documented setup on node: the bridge's own request errors through the contract.
  const listener = getRequestListener(api.fetch, { hostname: "127.0.0.1", errorHandler: api.requestError });
  const server = protectServer(checkOften(createServer(listener), options), options.timeouts);
  const port = await listening(server);
  return socketTarget("fetch", server, port, options);
}

const BUILDERS: Record<TargetName, (options?: BuildOptions) => Promise<Target>> = {
  node: buildNode,
  express: buildExpress,
  fastify: buildFastify,
  hono: buildHono,
  koa: buildKoa,
  nest: buildNest,
  "nest-fastify": (options) => buildNest(options, "fastify"),
  fetch: buildFetch,
};

/** The shared app on one adapter. */
export function build(name: TargetName, options: BuildOptions = {}): Promise<Target> {
  return BUILDERS[name](options);
}

/** The shared app on every adapter. */
export function buildAll(options: BuildOptions = {}): Promise<Target[]> {
  return Promise.all(ADAPTERS.map((name) => build(name, options)));
}
