/**
 * The Hono apps the adapter tests run: the shared application of app.ts, and one with what the
 * shared scenarios cannot show: Hono's own error mechanisms (`HTTPException`, `c.notFound()`, error
 * responses returned instead of thrown), other middleware (hono/body-limit, hono/cors, hand-written
 * ones), routes only Hono can match (wildcards, regexes), routes without `api.route()`, sub-apps,
 * and typed access in handlers.
 */
import { Type } from "@sinclair/typebox";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode, StatusCode } from "hono/utils/http-status";
import { expectTypeOf } from "vitest";
import { z } from "zod";
import { apiErrorCodes } from "../../src/adapters/hono/index.js";
import type { Principal } from "../../src/pipeline/auth.js";
import type { ErrorLogger } from "../../src/pipeline/port.js";
import type { PresentOptions } from "../../src/pipeline/present.js";
import { lookup, openapi, routes, type SpecContext } from "./app.js";
import type { Send } from "./harness.js";

export interface Entry {
  level: "info" | "error";
  entry: Record<string, unknown>;
  message: string;
}

/** A logger that keeps its entries. */
export function capture(): { logger: ErrorLogger; entries: Entry[] } {
  const entries: Entry[] = [];
  const logger: ErrorLogger = {
    info: (entry, message) =>
      entries.push({ level: "info", entry: entry as Record<string, unknown>, message }),
    error: (entry, message) =>
      entries.push({ level: "error", entry: entry as Record<string, unknown>, message }),
  };
  return { logger, entries };
}

/** The shared application of app.ts on Hono. */
export function buildSpecApp(logger: ErrorLogger | false = false, present: PresentOptions = {}) {
  const app = new Hono();
  const api = apiErrorCodes(app, { auth: { lookup }, openapi, logger, ...present });
  for (const route of routes) {
    app.on(route.method, route.path, api.route(route.contract), async (c) => {
      // The generic loop only knows the wide RouteContract type; typed access is tested below.
      const valid = (target: "json" | "query" | "param" | "header") =>
        (c.req as unknown as { valid(t: string): unknown }).valid(target);
      const context: SpecContext = {
        params: (valid("param") as Record<string, unknown> | undefined) ?? c.req.param(),
        query: (valid("query") as Record<string, unknown> | undefined) ?? {},
        headers: (valid("header") as Record<string, unknown> | undefined) ?? {},
        body: valid("json"),
        principal: c.get("principal") as Principal | undefined,
      };
      const answer = await route.handler(context);
      const status = answer.status as ContentfulStatusCode;
      if (answer.body === undefined) return c.body(null, answer.status as StatusCode, answer.headers);
      return c.json(answer.body as object, status, answer.headers);
    });
  }
  return { app, api };
}

/** Sends a scenario through `app.request()`: no socket, no node server. */
export function inProcess(app: Hono): Send {
  return async (scenario) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(scenario.headers ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const body = scenario.body === undefined ? undefined : new Uint8Array(Buffer.from(scenario.body));
    if (body !== undefined && !headers.has("content-length"))
      headers.set("content-length", String(body.byteLength));
    const res = await app.request(scenario.path, { method: scenario.method, headers, body: body ?? null });
    const out: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      out[name] = value;
    });
    return { status: res.status, headers: out, text: await res.text() };
  };
}

const Note = z.strictObject({ title: z.string().min(3), count: z.number().int() });
const ById = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const ByName = { type: "object", properties: { name: { type: "string", minLength: 3 } } } as const;

export function buildExtras(logger: ErrorLogger | false) {
  const app = new Hono();
  const api = apiErrorCodes(app, { auth: { lookup }, logger });
  // Registered after the adapter: preflights still reach it, and its headers reach error answers.
  app.use("*", cors({ origin: "https://ui.example" }));

  app.use("/guarded/*", async (c, next) => {
    if (c.req.header("x-key") !== "k") throw new HTTPException(401, { message: "A key is required" });
    await next();
  });
  app.get("/guarded/data", (c) => c.json({ ok: true }));

  app.get("/gone", () => {
    throw new HTTPException(404);
  });
  app.get("/custom-res", () => {
    const res = new Response("Forbidden!", { status: 403, headers: { "content-type": "text/plain" } });
    throw new HTTPException(403, { res });
  });
  app.post("/limited", bodyLimit({ maxSize: 8 }), api.route({ schema: { body: Note } }), (c) =>
    c.json(c.req.valid("json"), 201),
  );
  app.post("/limited-text", bodyLimit({ maxSize: 8, onError: (c) => c.text("too big", 413) }), (c) =>
    c.json({}),
  );
  app.get(
    "/mw-throws",
    async () => {
      throw new Error("connect to db:5432 failed at /srv/app/db.js:9");
    },
    (c) => c.json({}),
  );
  app.get(
    "/mw-throws-string",
    async () => {
      throw "not an Error";
    },
    (c) => c.json({}),
  );
  app.get("/text-error", (c) => c.text("nope", 404));
  app.get("/html-error", (c) => c.html("<h1>Oops</h1>", 500));
  app.get("/not-found-call", (c) => c.notFound());

  app.get("/files/*", (c) => c.json({ file: c.req.path }));
  app.get("/num/:id{[0-9]+}", (c) => c.json({ id: c.req.param("id") }));
  app.get("/plain/:id", (c) => c.json({ id: c.req.param("id") }));

  // Overlapping templates: Hono runs the first one registered, the table prefers the literal one.
  app.get("/over/:name", api.route({ schema: { params: ByName } }), (c) =>
    c.json({ by: "param", ...c.req.valid("param") }),
  );
  app.get("/over/all", api.route({}), (c) => c.json({ by: "literal" }));

  // The body is read by the adapter; c.req.json() still works.
  app.post("/echo", api.route({}), async (c) => c.json(await c.req.json()));

  app.post("/typed/:id", api.route({ auth: true, schema: { body: Note, params: ById } }), (c) => {
    const body = c.req.valid("json");
    const params = c.req.valid("param");
    const principal = c.get("principal");
    expectTypeOf(body).toEqualTypeOf<{ title: string; count: number }>();
    expectTypeOf(params).toEqualTypeOf<{ id: number }>();
    expectTypeOf(principal).toEqualTypeOf<Principal>();
    expectTypeOf(c.get("requestId")).toEqualTypeOf<string>();
    return c.json({ id: params.id, title: body.title, user: principal.id, requestId: c.get("requestId") });
  });
  app.get("/anonymous", api.route({}), (c) => {
    expectTypeOf(c.get("principal")).toEqualTypeOf<Principal | undefined>();
    return c.json({ user: c.get("principal") ?? null });
  });

  const sub = new Hono();
  sub.get("/ping/:n", api.route({ schema: { params: Type.Object({ n: Type.Integer() }) } }), (c) =>
    c.json(c.req.valid("param")),
  );
  sub.onError((error) => new Response(`sub-app page: ${error.message}`, { status: 500 }));
  sub.get("/sub-boom", () => {
    throw new Error("inside the sub-app");
  });
  app.route("/v1", sub);

  return { app, api };
}
