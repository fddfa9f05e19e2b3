/**
 * The runnable examples of docs/ do what the pages say: each is started on a real server on
 * 127.0.0.1 (or, for Hono, through `app.request`) and its answers are checked.
 */

import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import SwaggerParser from "@apidevtools/swagger-parser";
import { afterAll, describe, expect, it } from "vitest";
import * as auth from "../examples/docs/auth.js";
import * as languages from "../examples/docs/languages.js";
import * as logging from "../examples/docs/logging.js";
import documentedNext from "../examples/docs/next.config.js";
import * as openapiFastify from "../examples/docs/openapi-fastify.js";
import * as openapiHono from "../examples/docs/openapi-hono.js";
import { startupMistakes } from "../examples/docs/startup-mistakes.js";
import * as validation from "../examples/docs/validation.js";

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

async function serve(api: { listen(port: number): Promise<Server> }): Promise<string> {
  const server = await api.listen(0);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

async function call(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Answer> {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    ...(json === undefined
      ? {}
      : { body: JSON.stringify(json), headers: { "content-type": "application/json", ...rest.headers } }),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

const codeOf = (answer: Answer) => [answer.status, answer.json.error_code];

describe("docs/validation.md", () => {
  it("answers as the page says, the JSON block included", async () => {
    const base = await serve(validation.buildApi());
    const wrongType = await call(`${base}/orders`, { method: "POST", json: { item: "tea", quantity: "3" } });
    const page = readFileSync(new URL("../../../docs/validation.md", import.meta.url), "utf8");
    const shown = /```json\n(.*)\n```/.exec(page)?.[1];
    expect(wrongType.json).toStrictEqual(JSON.parse(shown ?? "null"));
    expect(wrongType.status).toBe(400);
    expect(codeOf(await call(`${base}/orders`, { method: "POST", json: { item: "tea" } }))).toStrictEqual([
      400, 3,
    ]);
    expect(codeOf(await call(`${base}/orders?limit=abc`))).toStrictEqual([400, 5]);
    expect(codeOf(await call(`${base}/orders?limit=500`))).toStrictEqual([400, 4]);
    expect((await call(`${base}/orders?limit=7`)).json).toStrictEqual({ limit: 7, items: [] });
    expect((await call(`${base}/orders`)).json).toStrictEqual({ limit: 20, items: [] });
    expect(
      codeOf(await call(`${base}/users`, { method: "POST", json: { email: "x", age: 30 } })),
    ).toStrictEqual([400, 4]);
    expect(
      codeOf(await call(`${base}/users`, { method: "POST", json: { email: "a@b.co", age: "30" } })),
    ).toStrictEqual([400, 5]);
    const user = await call(`${base}/users`, { method: "POST", json: { email: "a@b.co", age: 30 } });
    expect([user.status, user.json]).toStrictEqual([200, { email: "a@b.co" }]);
  });

  it("uses the app's own ajv", async () => {
    const base = await serve(validation.withOwnAjv);
    expect((await call(`${base}/items`, { method: "POST", json: { sku: "ABC-1234" } })).status).toBe(200);
    const bad = await call(`${base}/items`, { method: "POST", json: { sku: "abc" } });
    expect(codeOf(bad)).toStrictEqual([400, 4]);
    expect(bad.json.details).toMatchObject({ violations: [{ in: "body", pointer: "/sku", rule: "format" }] });
  });
});

describe("docs/auth.md", () => {
  it("answers every row of the page's table", async () => {
    const base = await serve(auth.buildApi());
    const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
    const none = await call(`${base}/me`);
    expect(codeOf(none)).toStrictEqual([401, 6]);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(codeOf(await call(`${base}/me`, { headers: { authorization: "Basic dTpw" } }))).toStrictEqual([
      401, 6,
    ]);
    const twice = await call(`${base}/me`, { headers: { authorization: "Bearer a, Bearer b" } });
    expect(codeOf(twice)).toStrictEqual([400, 3]);
    expect(twice.json.details).toMatchObject({ violations: [{ rule: "duplicate" }] });
    const unknown = await call(`${base}/me`, as("nobody"));
    expect(codeOf(unknown)).toStrictEqual([401, 7]);
    expect(unknown.headers.get("www-authenticate")).toContain('error="invalid_token"');
    const expired = await call(`${base}/me`, as("old-token"));
    expect(codeOf(expired)).toStrictEqual([401, 8]);
    expect(expired.json.details).toStrictEqual({ expired_at: "2020-01-01T00:00:00.000Z" });
    expect((await call(`${base}/me`, as("member-token"))).json).toStrictEqual({ id: "u-1" });
    const role = await call(`${base}/admin/users`, as("member-token"));
    expect([...codeOf(role), role.json.details]).toStrictEqual([403, 9, { required: "admin" }]);
    expect((await call(`${base}/admin/users`, as("admin-token"))).status).toBe(200);
    const scope = await call(`${base}/orders/1`, { method: "DELETE", ...as("member-token") });
    expect([...codeOf(scope), scope.json.details]).toStrictEqual([403, 9, { required: "orders:write" }]);
    expect((await call(`${base}/orders/1`, { method: "DELETE", ...as("admin-token") })).json).toStrictEqual({
      deleted: true,
    });
  });

  it("reads a bare token from another header", async () => {
    const base = await serve({ listen: (port) => auth.apiKeyApi.listen(port) });
    expect((await call(`${base}/me`, { headers: { "x-api-key": "admin-token" } })).json).toStrictEqual({
      id: "u-2",
    });
    expect(
      codeOf(await call(`${base}/me`, { headers: { authorization: "Bearer admin-token" } })),
    ).toStrictEqual([401, 6]);
    expect(codeOf(await call(`${base}/me`, { headers: { "x-api-key": "x".repeat(257) } }))).toStrictEqual([
      401, 7,
    ]);
  });
});

describe("docs/languages.md and docs/problem-details.md", () => {
  it("says the same error in German, in English and as Problem Details", async () => {
    const base = await serve(languages.buildApi());
    const german = await call(`${base}/orders/7/cancel`, {
      method: "POST",
      headers: { "accept-language": "de-AT, en;q=0.5" },
    });
    expect([german.status, german.headers.get("content-language"), german.json]).toStrictEqual([
      409,
      "de",
      { error_code: 4, error_message: "Die Bestellung ist schon versandt", details: { violations: [] } },
    ]);
    const english = await call(`${base}/orders/7`);
    expect([english.headers.get("content-language"), english.headers.get("vary")]).toStrictEqual([
      "en",
      "Accept, Accept-Language",
    ]);
    expect(english.json.error_message).toBe("Resource not found");
    const problem = await call(`${base}/orders/7`, {
      headers: { accept: "application/problem+json", "accept-language": "de" },
    });
    expect(problem.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(problem.json).toStrictEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "Ressource nicht gefunden",
      instance: "/orders/7",
      error_code: 10,
      details: { resource: "order", id: "7" },
    });
  });
});

describe("docs/logging.md", () => {
  it("hands the logger one entry per error answer, the stack only for 5xx", async () => {
    const base = await serve(logging.buildApi());
    const missing = await call(`${base}/orders/9`, { headers: { "x-request-id": "req-42" } });
    expect(codeOf(missing)).toStrictEqual([404, 10]);
    const failed = await call(`${base}/report`);
    expect(failed.json).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
    expect(logging.seen).toHaveLength(2);
    const [info, error] = logging.seen;
    expect(info).toMatchObject({
      level: "info",
      entry: { request_id: "req-42", method: "GET", path: "/orders/9", code: 10, status: 404 },
    });
    expect(info?.entry.err).toBeUndefined();
    expect(error).toMatchObject({
      level: "error",
      entry: { request_id: failed.headers.get("x-request-id"), path: "/report", code: 0, status: 500 },
    });
    expect(error?.entry.err).toMatchObject({ type: "Error", message: "disk full" });
    expect(String((error!.entry.err as { stack?: unknown }).stack)).toContain("logging.ts");
  });
});

describe("docs/openapi.md", () => {
  it("serves the @hono/zod-openapi app and documents its errors", async () => {
    const { app, document } = openapiHono;
    const bad = await app.request("/orders/abc");
    expect([bad.status, ((await bad.json()) as { error_code: number }).error_code]).toStrictEqual([400, 4]);
    expect((await app.request("/orders/8")).status).toBe(404);
    expect(await (await app.request("/orders/7")).json()).toStrictEqual({ id: "7", item: "tea" });
    const doc = document();
    const responses = (doc.paths!["/orders/{id}"] as { get: { responses: Record<string, unknown> } }).get
      .responses;
    expect(Object.keys(responses)).toStrictEqual(["200", "400", "404"]);
    expect(responses["404"]).toStrictEqual({ $ref: "#/components/responses/Error10NotExist" });
    expect(doc.components.responses).toHaveProperty("Error10NotExist");
    expect(doc.components.schemas).toHaveProperty("Error4InvalidValue");
  });
});

describe("docs/openapi.md with @fastify/swagger", () => {
  it("answers, and documents the x-errors of each route as error responses", async () => {
    const app = await openapiFastify.buildApp();
    try {
      expect((await app.inject({ url: "/orders/7" })).json()).toStrictEqual({ id: 7, item: "tea" });
      expect((await app.inject({ url: "/orders/8" })).json()).toMatchObject({ error_code: 10 });
      expect((await app.inject({ url: "/orders/abc" })).json()).toMatchObject({ error_code: 5 });
      const doc = (await app.inject({ url: "/openapi.json" })).json() as {
        paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
        components: { responses: Record<string, unknown> };
      };
      const operation = doc.paths["/orders/{id}"]?.["get"];
      expect(Object.keys(operation?.responses ?? {})).toStrictEqual(["200", "400", "404"]);
      expect(operation).not.toHaveProperty("x-errors");
      expect(operation?.responses["404"]).toStrictEqual({ $ref: "#/components/responses/Error10NotExist" });
      expect(doc.components.responses).toHaveProperty("Error10NotExist");
      await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    } finally {
      await app.close();
    }
  });
});

describe("docs/existing-app.md", () => {
  it("shows the messages the start-up mistakes really make", async () => {
    const shown = readFileSync(new URL("../examples/docs/startup-mistakes.txt", import.meta.url), "utf8")
      .trimEnd()
      .split("\n");
    const made = await startupMistakes();
    expect(made).toHaveLength(shown.length);
    made.forEach((message, i) => {
      const line = shown[i] as string;
      // "..." stands for the rest of a long message.
      if (line.endsWith("...")) expect(message.startsWith(line.slice(0, -3)), message).toBe(true);
      else expect(message).toBe(line);
    });
  });
});

describe("docs/fetch.md: next.config.ts", () => {
  it("is what the Next.js builds of the tests run with (examples/next), less building from outside", async () => {
    const built = (await import("../examples/next/next.config.mjs" as string)).default as {
      skipTrailingSlashRedirect: boolean;
      experimental: Record<string, unknown>;
      webpack: (config: { resolve: Record<string, unknown> }) => { resolve: Record<string, unknown> };
    };
    expect(built.skipTrailingSlashRedirect).toBe(documentedNext.skipTrailingSlashRedirect);
    expect(built.experimental).toStrictEqual({ ...documentedNext.experimental, externalDir: true });
    const webpack = documentedNext.webpack as unknown as typeof built.webpack;
    expect(built.webpack({ resolve: {} })).toStrictEqual(webpack({ resolve: {} }));
    expect(webpack({ resolve: {} }).resolve.extensionAlias).toStrictEqual({ ".js": [".ts", ".js"] });
  });
});
