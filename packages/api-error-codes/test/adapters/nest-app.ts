/**
 * The shared application of app.ts as a NestJS app: one controller whose methods are the routes,
 * each with `@Contract()` and `@Checked()`. Decorators are applied as functions, so the file needs
 * no decorator syntax (and no emitted metadata).
 */
import "reflect-metadata";
import { Controller, Delete, Get, Module, Patch, Post, Put, Res } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { FastifyAdapter, type NestFastifyApplication } from "@nestjs/platform-fastify";
import type { Response } from "express";
import type { FastifyReply } from "fastify";
import {
  apiErrorCodes,
  Checked,
  Contract,
  frameworkErrors,
  type NestApiOptions,
} from "../../src/adapters/nest/index.js";
import { lookup, openapi, routes, type SpecContext } from "./app.js";

const VERBS = { GET: Get, POST: Post, PUT: Put, DELETE: Delete, PATCH: Patch } as const;

/** A controller with one method per route of app.ts, plus `extra` routes. */
function specController(extra: Record<string, (res: Response) => unknown> = {}) {
  class SpecController {}
  const prototype = SpecController.prototype as unknown as Record<string, unknown>;
  const define = (name: string, value: (...args: never[]) => unknown, decorators: MethodDecorator[]) => {
    prototype[name] = value;
    const descriptor = Object.getOwnPropertyDescriptor(prototype, name) as PropertyDescriptor;
    for (const decorate of decorators) decorate(prototype, name, descriptor);
  };
  routes.forEach((route, i) => {
    const name = `route${i}`;
    define(
      name,
      async (passed: SpecContext, res: Response | FastifyReply) => {
        const answer = await route.handler(passed);
        if ("json" in res) {
          if (answer.headers !== undefined) res.set(answer.headers);
          res.status(answer.status);
          if (answer.body === undefined) res.end();
          else res.json(answer.body);
          return;
        }
        res.status(answer.status).headers(answer.headers ?? {});
        if (answer.body === undefined) res.send();
        else res.type("application/json; charset=utf-8").send(JSON.stringify(answer.body));
      },
      [VERBS[route.method](route.path), Contract(route.contract)],
    );
    Checked()(prototype, name, 0);
    Res()(prototype, name, 1);
  });
  for (const [path, handler] of Object.entries(extra)) {
    define(`extra${path}`, (res: Response) => handler(res), [Get(path)]);
    Res()(prototype, `extra${path}`, 0);
  }
  Controller()(SpecController);
  return SpecController;
}

/** The shared app on Nest's Express (default) or Fastify platform, adapted; not yet listening. */
export async function nestSpecApp(
  options: NestApiOptions = {},
  extra: Record<string, (res: Response) => unknown> = {},
  platform: "express" | "fastify" = "express",
  /** Nest's own body parser, which the adapter asks to be off: on to test that it says so. */
  bodyParser = false,
) {
  class AppModule {}
  Module({ controllers: [specController(extra)] })(AppModule);
  const app =
    platform === "express"
      ? await NestFactory.create(AppModule, { bodyParser, logger: false })
      : await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter({ frameworkErrors }), {
          bodyParser,
          logger: false,
        });
  const api = apiErrorCodes(app, { auth: { lookup }, openapi, logger: false, ...options });
  return { app, api };
}
