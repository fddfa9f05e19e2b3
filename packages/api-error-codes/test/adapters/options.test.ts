/**
 * Mistakes caught at start-up, on every adapter: options and route contracts are checked when they
 * are given, as a JavaScript caller would pass them (no type check), and each mistake is a
 * TypeError naming the key and the adapter, never a check that is silently off.
 */
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { afterEach, describe, expect, it } from "vitest";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { apiErrorCodes as fastifyPlugin } from "../../src/adapters/fastify/index.js";
import { apiErrorCodes as honoAdapter } from "../../src/adapters/hono/index.js";
import { createApi } from "../../src/adapters/node/index.js";
import { Pipeline } from "../../src/pipeline/pipeline.js";
import { lookup } from "./app.js";
import { ADAPTERS, type AdapterName } from "./builders.js";
import { type Built, oneRoute } from "./one-route.js";

const open: Built[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((built) => built.close()));
});

async function build(adapter: AdapterName, spec: Parameters<typeof oneRoute>[1]): Promise<Built> {
  const built = await oneRoute(adapter, spec);
  open.push(built);
  return built;
}

/** The error building the app throws (or `undefined`). */
async function startupError(adapter: AdapterName, spec: Parameters<typeof oneRoute>[1]): Promise<unknown> {
  try {
    await build(adapter, spec);
  } catch (error) {
    return error;
  }
  return undefined;
}

const OPTION_MISTAKES: [string, Record<string, unknown>, string][] = [
  ["an unknown option", { bodylimit: 10 }, 'option "bodylimit" is unknown; did you mean "bodyLimit"?'],
  [
    "a body limit that is no size",
    { bodyLimit: "lots" },
    'option "bodyLimit" must be a positive integer number of bytes or a size such as "512kb" or "1mb"',
  ],
  [
    "a negative body limit",
    { bodyLimit: -1 },
    'option "bodyLimit" must be a positive integer number of bytes or a size such as "512kb" or "1mb"',
  ],
  [
    "a fractional body limit",
    { bodyLimit: 1.5 },
    'option "bodyLimit" must be a positive integer number of bytes or a size such as "512kb" or "1mb"',
  ],
  [
    "a lookup that is no function",
    { auth: { lookup: "sessions" } },
    'option "auth.lookup" must be a function',
  ],
  ["auth without a lookup", { auth: {} }, 'option "auth.lookup" is required'],
  [
    "roles among the auth options",
    { auth: { lookup, roles: ["admin"] } },
    'option "auth.roles" is unknown: roles and scopes belong to a route\'s contract: api.route({ auth: { roles: [...] } })',
  ],
  ["a negative depth limit", { json: { maxDepth: -3 } }, 'option "json.maxDepth" must be a positive integer'],
  [
    "the body limit under json",
    { json: { limit: 10 } },
    'option "json.limit" is unknown: the body limit is the top-level option "bodyLimit"',
  ],
  [
    "logger: true",
    { logger: true },
    'option "logger" must be a logger with info() and error() (pino\'s, console), or false',
  ],
  ["dev as a string", { dev: "yes" }, 'option "dev" must be true or false'],
  [
    "a Prometheus registry that is no registry",
    { prometheus: { register: true } },
    'option "prometheus" must be a prom-client Registry (new Registry(), or prom-client\'s default register)',
  ],
  ["opentelemetry as a string", { opentelemetry: "off" }, 'option "opentelemetry" must be true or false'],
  ["otel for opentelemetry", { otel: false }, 'option "otel" is unknown; did you mean "opentelemetry"?'],
  [
    "a registry under its own name",
    { registry: {} },
    'option "registry" is unknown; did you mean "prometheus"?',
  ],
];

describe.each(ADAPTERS)("options on %s", (adapter) => {
  const name = `api-error-codes/${adapter}`;

  it.each(OPTION_MISTAKES)(
    "%s is a TypeError naming the key and the adapter",
    async (_, options, message) => {
      const error = await startupError(adapter, { options: { logger: false, ...options } });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(`${name}: ${message}`);
    },
  );

  it('takes bodyLimit as a size such as "1kb" (1024 bytes) and answers 413 past it', async () => {
    const built = await build(adapter, {
      options: { logger: false, bodyLimit: "1kb" },
      method: "POST",
      contract: { schema: { body: { type: "object" } } },
    });
    const headers = { "content-type": "application/json" };
    const over = await built.request({ headers, body: JSON.stringify({ pad: "x".repeat(1100) }) });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).details.violations[0]).toStrictEqual({
      in: "header",
      pointer: "/content-length",
      rule: "size",
      message: "Request body is larger than 1024 bytes",
      expected: 1024,
    });
    const under = await built.request({ headers, body: JSON.stringify({ pad: "x".repeat(900) }) });
    expect(under.status).toBe(200);
  });
});

describe("options only some adapters have", () => {
  it("protect is accepted by Express and Fastify and checked there", async () => {
    for (const adapter of ["express", "fastify"] as const) {
      await build(adapter, { options: { logger: false, protect: false } });
      const error = await startupError(adapter, {
        options: { logger: false, protect: { requestTimeout: -1 } },
      });
      expect((error as Error).message).toBe(
        `api-error-codes/${adapter}: option "protect.requestTimeout" must be a non-negative number of milliseconds`,
      );
    }
  });

  it("protect on Hono and node says where protection goes instead", async () => {
    for (const adapter of ["hono", "node"] as const) {
      const error = await startupError(adapter, { options: { protect: {} } });
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toBe(
        `api-error-codes/${adapter}: option "protect" is unknown: only the Express, Fastify and NestJS adapters take it; call protectServer(server) on the server you start`,
      );
    }
  });
});

const CONTRACT_MISTAKES: [string, Record<string, unknown>, string, readonly AdapterName[]][] = [
  [
    "auth.role (the role check was silently off)",
    { auth: { role: ["admin"] } },
    '"auth.role" is unknown; did you mean "roles"?',
    ADAPTERS,
  ],
  [
    "roles as a string",
    { auth: { roles: "admin" } },
    '"auth.roles" must be a non-empty array of strings',
    ADAPTERS,
  ],
  [
    "an empty list of scopes",
    { auth: { scopes: [] } },
    '"auth.scopes" must be a non-empty array of strings',
    ADAPTERS,
  ],
  ["auth as a string", { auth: "admin" }, '"auth" must be true, false or { roles, scopes }', ADAPTERS],
  [
    "a schema that is no schema",
    { schema: { body: "Order" } },
    '"schema.body" must be a Standard Schema (valibot, arktype, zod) or a JSON Schema object',
    ADAPTERS,
  ],
  [
    "a map of fields instead of a schema",
    { schema: { body: { item: "string", quantity: "integer" } } },
    '"schema.body" is not a schema: no JSON Schema keyword among item, quantity (write { type: "object", properties: {...} } or a zod object)',
    ADAPTERS,
  ],
  [
    "an invalid JSON Schema",
    { schema: { body: { type: "strng" } } },
    '"schema.body" is not a valid JSON Schema: data/type must be equal to one of the allowed values, data/type must be array, data/type must match a schema in anyOf',
    ADAPTERS,
  ],
  // Fastify's route options have no place for keys of ours beyond config.auth and schema parts.
  [
    "an unknown contract key",
    { auths: true },
    '"auths" is unknown; did you mean "auth"?',
    ["express", "hono", "node"],
  ],
  [
    "Fastify's querystring in a contract",
    { schema: { querystring: { type: "object" } } },
    '"schema.querystring" is unknown; did you mean "query"?',
    ["express", "hono", "node"],
  ],
];

const ROUTE_NAME: Record<AdapterName, string> = {
  express: "api-error-codes/express: api.route()",
  fastify: "api-error-codes/fastify: POST /x",
  hono: "api-error-codes/hono: api.route()",
  node: "api-error-codes/node: POST /x",
};

describe.each(ADAPTERS)("route contracts on %s", (adapter) => {
  const cases = CONTRACT_MISTAKES.filter(([, , , on]) => on.includes(adapter));
  it.each(cases)("%s is a TypeError naming the key and the route", async (_, contract, message) => {
    const error = await startupError(adapter, {
      options: { auth: { lookup }, logger: false },
      method: "POST",
      contract,
    });
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe(`${ROUTE_NAME[adapter]}: ${message}`);
  });

  it("auth.roles is enforced (9 for a member on an admin route)", async () => {
    const built = await build(adapter, {
      options: { auth: { lookup }, logger: false },
      contract: { auth: { roles: ["admin"] } },
    });
    const answer = await built.request({ headers: { authorization: "Bearer member-token" } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toStrictEqual({
      error_code: 9,
      error_message: "Access to this operation is forbidden",
      details: { required: "admin" },
    });
  });
});

describe("the adapter applied twice: the same TypeError on every adapter", () => {
  const message = (adapter: string) =>
    `api-error-codes/${adapter}: this app is already adapted; apply apiErrorCodes once, right after creating the app`;

  it("Express", () => {
    const app = express();
    expressAdapter(app, { logger: false });
    expect(() => expressAdapter(app, { logger: false })).toThrow(new TypeError(message("express")));
  });

  it("Hono", () => {
    const app = new Hono();
    honoAdapter(app, { logger: false });
    expect(() => honoAdapter(app, { logger: false })).toThrow(new TypeError(message("hono")));
  });

  it("Fastify, twice at the root or again in a child context", async () => {
    const app = Fastify();
    await app.register(fastifyPlugin, { logger: false });
    await expect(app.register(fastifyPlugin, { logger: false })).rejects.toThrow(
      new TypeError(message("fastify")),
    );
    await app.close();
    const nested = Fastify();
    await nested.register(fastifyPlugin, { logger: false });
    nested.register(async (child) => {
      await child.register(fastifyPlugin, { logger: false });
    });
    await expect(nested.ready()).rejects.toThrow(new TypeError(message("fastify")));
    await nested.close();
  });
});

describe("a route registered twice", () => {
  it("node: the same message whichever syntax the template uses", () => {
    const api = createApi({ logger: false });
    api.get("/orders/:id", {}, () => ({}));
    expect(() => api.get("/orders/{orderId}", {}, () => ({}))).toThrow(
      new TypeError("api-error-codes/node: GET /orders/{orderId} is registered twice"),
    );
    expect(() => api.get("orders", {}, () => ({}))).toThrow(
      new TypeError('api-error-codes/node: route template "orders" must start with "/"'),
    );
  });

  it("the pipeline of an adapter written outside names that adapter", () => {
    const pipeline = new Pipeline({ logger: false }, "tiny-adapter");
    pipeline.route("POST", "/items", {});
    expect(() => pipeline.route("post", "/items", {})).toThrow(
      new TypeError("tiny-adapter: POST /items is registered twice"),
    );
    expect(() => new Pipeline({ bodyLimit: "1 MB" } as never, "tiny-adapter")).not.toThrow();
    expect(new Pipeline({ bodyLimit: "1.5mb" }).bodyLimit).toBe(1_572_864);
    expect(() => new Pipeline({ realm: 7 } as never)).toThrow(
      new TypeError('api-error-codes: option "realm" must be a string'),
    );
  });
});
