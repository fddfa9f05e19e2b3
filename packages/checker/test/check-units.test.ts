/** The conformance checker's parts: spec fetching and loading, schemas and the plan (judging and reports: check-judge.test.ts). */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { documents } from "../src/judge.js";
import { breakers, fieldsOf, wrongType } from "../src/mutations.js";
import { BOGUS_TOKEN, type PlanOptions, planBase, planSpec, UNKNOWN_ROUTE } from "../src/probes.js";
import { parameterValue, patternSample, sample } from "../src/schema.js";
import { parseSpec, readSource, SpecError } from "../src/spec.js";
import type { Operation, Probe } from "../src/types.js";
import { validate } from "../src/validator.js";
import { fixtureSpec, NEW_ORDER } from "./fixtures.js";

const planOptions: PlanOptions = { basePath: "", host: "127.0.0.1:3000", raw: true, allowWrites: false };

describe("fetching the spec", () => {
  /** A server that drops the first `drops` connections without a byte, then answers the spec. */
  async function flakyServer(
    drops: number,
  ): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
    let seen = 0;
    const body = JSON.stringify(fixtureSpec());
    const server = createServer((socket) => {
      seen++;
      if (seen <= drops) {
        socket.resetAndDestroy();
        return;
      }
      socket.once("data", async () => {
        socket.end(
          `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/openapi.json`,
      connections: () => seen,
      close: () => new Promise((resolve) => server.close(() => resolve())),
    };
  }

  it("tries once more when the connection drops before an answer", async () => {
    const server = await flakyServer(1);
    try {
      const spec = await parseSpec(await readSource(server.url, 5000), server.url);
      expect(spec.operations.length).toBeGreaterThan(0);
      expect(server.connections()).toBe(2);
    } finally {
      await server.close();
    }
  });

  it("gives up with a SpecError after a second drop", async () => {
    const server = await flakyServer(2);
    try {
      const error = await readSource(server.url, 5000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SpecError);
      expect((error as SpecError).message).toBe(`cannot fetch the spec ${server.url}: ECONNRESET`);
      expect(server.connections()).toBe(2);
    } finally {
      await server.close();
    }
  });
});

describe("spec loading", () => {
  it("normalises the fixture document: operations, parameters, security, bodies, statuses", async () => {
    const spec = await parseSpec(JSON.stringify(fixtureSpec()), "fixture");
    expect(spec.operations.map((op) => op.label)).toStrictEqual([
      "GET /health",
      "GET /v1/orders",
      "POST /v1/orders",
      "GET /v1/orders/{id}",
      "DELETE /v1/orders/{id}",
      "POST /v1/orders/{id}/refund",
      "GET /v1/admin/users",
    ]);
    const [health, list, create, get] = spec.operations as [Operation, Operation, Operation, Operation];
    expect(health.security).toBeUndefined();
    expect(list.security).toStrictEqual({ kind: "bearer" });
    expect(list.parameters.map((p) => `${p.in}:${p.name}`)).toStrictEqual([
      "query:offset",
      "query:limit",
      "query:status",
    ]);
    // The path-level `$ref` parameter is resolved and inherited.
    expect(get.parameters).toStrictEqual([
      { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
    ]);
    expect(create.body?.required).toBe(true);
    expect(create.body?.schema).toStrictEqual(NEW_ORDER);
    expect(create.responses).toContain("415");
    expect(spec.paths.get("/v1/orders/{id}")).toStrictEqual(["GET", "DELETE"]);
    expect(spec.serverPath).toBe("");
  });

  it("resolves local references, including recursive ones, and converts 3.0 schemas", async () => {
    const spec = await parseSpec(
      JSON.stringify({
        openapi: "3.0.3",
        components: {
          schemas: {
            Node: {
              type: "object",
              required: ["name"],
              properties: {
                name: { type: "string", nullable: true },
                size: { type: "integer", minimum: 0, exclusiveMinimum: true },
                next: { $ref: "#/components/schemas/Node" },
              },
            },
          },
        },
        paths: {
          "/a/{id}": {
            post: {
              requestBody: {
                content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } },
              },
              responses: {},
            },
          },
        },
      }),
      "inline.json",
    );
    type Cyclic = { type: string; properties: { name: unknown; size: unknown; next: Cyclic } };
    const node = spec.operations[0]?.body?.schema as Cyclic;
    expect(node.properties.next).toBe(node);
    expect(node.properties.name).toStrictEqual({ type: ["string", "null"] });
    expect(node.properties.size).toStrictEqual({ type: "integer", exclusiveMinimum: 0 });
    // ajv follows the recursion: a nested member is judged by the same schema.
    expect(validate(node, { name: null, next: { name: "x", size: 0 } })).toStrictEqual([
      { keyword: "exclusiveMinimum", pointer: "/next/size" },
    ]);
    expect(validate(node, { next: { name: 1 } })).toStrictEqual([
      { keyword: "required", pointer: "/name" },
      { keyword: "type", pointer: "/next/name" },
    ]);
  });

  it("reads servers, security schemes and undeclared path parameters", async () => {
    const spec = await parseSpec(
      JSON.stringify({
        openapi: "3.0.3",
        servers: [{ url: "https://api.example.com/{version}/", variables: { version: { default: "v2" } } }],
        components: {
          securitySchemes: {
            key: { type: "apiKey", in: "header", name: "X-Api-Key" },
            basic: { type: "http", scheme: "basic" },
          },
        },
        paths: {
          "/a/{slug}": { get: { security: [{ key: [] }], responses: { "2XX": {} } } },
          "/b": { get: { security: [{ basic: [] }], responses: {} }, post: { security: [{}, { key: [] }] } },
        },
      }),
      "inline",
    );
    expect(spec.serverPath).toBe("/v2");
    const [a, b, c] = spec.operations as [Operation, Operation, Operation];
    expect(a.security).toStrictEqual({ kind: "header", header: "x-api-key" });
    expect(a.parameters).toStrictEqual([
      { name: "slug", in: "path", required: true, schema: { type: "string" } },
    ]);
    expect(documents(a, 204)).toBe(true);
    expect(documents(a, 404)).toBe(false);
    expect(b.security).toStrictEqual({ kind: "basic" });
    expect(c.security).toBeUndefined();
  });

  it.each([
    ["neither JSON nor YAML", "{", /is neither JSON nor YAML/],
    ["swagger", JSON.stringify({ swagger: "2.0", paths: {} }), /Swagger 2.0/],
    ["no version", JSON.stringify({ paths: {} }), /not an OpenAPI 3.0 or 3.1 document/],
    ["no paths", JSON.stringify({ openapi: "3.1.0" }), /no "paths"/],
    [
      "a missing external file",
      JSON.stringify({ openapi: "3.1.0", paths: { "/a": { $ref: "missing.yaml#/x" } } }),
      /cannot resolve the \$refs of the spec x.json/,
    ],
  ])("refuses %s", async (_, text, message) => {
    const error = await parseSpec(text, "x.json").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(message);
  });
});

describe("schemas", () => {
  it("validates the common keywords and names what broke", async () => {
    expect(validate(NEW_ORDER, { item: "a", quantity: 1, unit_price: 0, currency: "EUR" })).toStrictEqual([]);
    expect(validate(NEW_ORDER, { item: "", quantity: 1.5, currency: "XXX", extra: 1 })).toStrictEqual([
      { keyword: "required", pointer: "/unit_price" },
      { keyword: "additionalProperties", pointer: "/extra" },
      { keyword: "minLength", pointer: "/item" },
      { keyword: "type", pointer: "/quantity" },
      { keyword: "enum", pointer: "/currency" },
    ]);
    expect(validate({ type: "string", format: "uuid" }, "nope")).toStrictEqual([
      { keyword: "format", pointer: "" },
    ]);
    expect(validate({ type: "number", exclusiveMinimum: 0 }, 0)).toStrictEqual([
      { keyword: "exclusiveMinimum", pointer: "" },
    ]);
    // OpenAPI 3.0's `nullable` is rewritten when a spec loads (see openapi30.ts); here it is 3.1.
    expect(validate({ type: ["string", "null"] }, null)).toStrictEqual([]);
    expect(validate({ type: "array", items: { type: "integer" }, maxItems: 1 }, [1, "x"])).toStrictEqual([
      { keyword: "maxItems", pointer: "" },
      { keyword: "type", pointer: "/1" },
    ]);
  });

  it("builds valid samples, required members only", async () => {
    expect(sample(NEW_ORDER)).toStrictEqual({
      value: { item: "string", quantity: 1, unit_price: 0, currency: "EUR" },
    });
    expect(sample({ type: "string", format: "uuid" })?.value).toMatch(/^[0-9a-f-]{36}$/);
    expect(sample({ type: "integer", exclusiveMinimum: 5, multipleOf: 4 })).toStrictEqual({ value: 8 });
    expect(sample({ type: "string", minLength: 10 })).toStrictEqual({ value: "stringstri" });
    expect(
      sample({ allOf: [{ type: "object", required: ["a"], properties: { a: { const: 1 } } }] }),
    ).toStrictEqual({
      value: { a: 1 },
    });
    expect(sample({ type: "string", minLength: 5, maxLength: 2 })).toBeUndefined();
  });

  it.each([
    ["^[A-Z]{3}$", 0, "AAA"],
    ["^\\d{4}-\\d{2}$", 0, "0000-00"],
    ["^(?:EUR|USD)$", 0, "EUR"],
    ["^[^<>]*$", 0, ""],
    ["^[a-z0-9_-]+$", 2, "111"],
    ["^ord_[0-9a-f]{8}$", 0, "ord_00000000"],
  ])("generates a string matching %s", (pattern, boost, expected) => {
    expect(patternSample(pattern, boost)).toBe(expected);
    expect(new RegExp(pattern, "u").test(expected)).toBe(true);
  });

  it("breaks one value keyword at a time, never with a type or structure violation", async () => {
    expect(breakers(NEW_ORDER.properties.quantity)).toStrictEqual([
      { keyword: "minimum", value: 0 },
      { keyword: "maximum", value: 1001 },
    ]);
    expect(breakers(NEW_ORDER.properties.note).map((b) => b.keyword)).toStrictEqual(["maxLength", "pattern"]);
    expect(breakers({ type: "string", enum: ["a", "b"] })).toStrictEqual([
      { keyword: "enum", value: "api-error-codes-check-not-in-enum" },
    ]);
    expect(breakers({ type: "string", format: "email" })).toStrictEqual([
      { keyword: "format", value: "not-an-email" },
    ]);
    expect(
      breakers({ type: "array", items: { type: "string" }, minItems: 1, uniqueItems: true }),
    ).toStrictEqual([
      { keyword: "minItems", value: [] },
      { keyword: "uniqueItems", value: ["string", "string"] },
    ]);
    expect(breakers({ type: "string" })).toStrictEqual([]);
  });

  it("finds a value of another type, and walks nested fields", async () => {
    expect(wrongType({ type: "string" })).toBe(12345);
    expect(wrongType({ type: "integer" })).toBe("abc");
    expect(wrongType({})).toBeUndefined();
    expect(parameterValue("12", { type: "integer" })).toBe(12);
    expect(parameterValue("1.5", { type: "integer" })).toBe("1.5");
    const fields = fieldsOf({
      type: "object",
      required: ["address"],
      properties: {
        address: { type: "object", required: ["city"], properties: { city: { type: "string" } } },
      },
    });
    expect(fields.map((f) => [f.path.join("."), f.required])).toStrictEqual([
      ["address", true],
      ["address.city", true],
    ]);
  });
});

describe("the plan", async () => {
  const spec = await parseSpec(JSON.stringify(fixtureSpec()), "fixture");
  const probes = (options = planOptions) =>
    planSpec(spec, options).filter((item): item is Probe => !("skip" in item));

  it("starts with an unknown route and two raw requests, skipped for https", async () => {
    expect(planBase(planOptions).map((i) => i.check)).toStrictEqual([
      "unknown-route",
      "malformed-request-line",
      "header-overflow",
    ]);
    const https = planBase({ ...planOptions, basePath: "/api", raw: false });
    expect(https[0]).toMatchObject({ request: { target: `/api${UNKNOWN_ROUTE}` } });
    expect(https.slice(1)).toMatchObject([
      { skip: true, message: "raw-socket probes need an http:// base URL" },
      { skip: true, message: "raw-socket probes need an http:// base URL" },
    ]);
  });

  it("is safe by default: no write request that gets past authentication is sent", async () => {
    for (const options of [planOptions, { ...planOptions, token: "t", forbiddenToken: "m" }]) {
      for (const probe of probes(options)) {
        if (probe.request.kind !== "http" || ["GET", "OPTIONS"].includes(probe.request.method)) continue;
        const headers = probe.request.headers;
        // Written with no credentials or with a made-up or expired token only.
        expect(headers.authorization ?? "", probe.check).not.toMatch(/Bearer (t|m)$/);
        expect(probe.request.body, probe.check).toBeUndefined();
        expect(probe.authenticated, probe.check).toBeUndefined();
      }
    }
    const skipped = planSpec(spec, { ...planOptions, token: "t", forbiddenToken: "m" }).filter(
      (i) => "skip" in i && i.message.startsWith("needs --allow-writes"),
    );
    expect(new Set(skipped.map((s) => s.operation))).toStrictEqual(
      new Set(["POST /v1/orders", "DELETE /v1/orders/{id}", "POST /v1/orders/{id}/refund"]),
    );
    expect(skipped.map((s) => s.check)).toContain("body-malformed-json");
    expect(skipped.map((s) => s.check)).toContain("body-type:quantity");
  });

  it("adds writes only with allowWrites", async () => {
    const writes = probes({ ...planOptions, allowWrites: true, token: "t" }).filter(
      (p) =>
        p.request.kind === "http" &&
        p.expect.kind !== "error" &&
        !["GET", "OPTIONS"].includes(p.request.method),
    );
    expect(writes.map((p) => `${p.check || "(valid request)"} ${p.operation}`)).toStrictEqual([
      "(valid request) POST /v1/orders",
      "not-realized POST /v1/orders/{id}/refund",
    ]);
    const absent = probes({ ...planOptions, allowWrites: true, token: "t" }).filter(
      (p) => p.check === "absent-resource",
    );
    expect(absent.map((p) => p.operation)).toStrictEqual([
      "GET /v1/orders/{id}",
      "DELETE /v1/orders/{id}",
      "POST /v1/orders/{id}/refund",
    ]);
  });

  it("skips what needs a token when none is given, and sends credentials when one is", async () => {
    const items = planSpec(spec, planOptions);
    const bodyRequired = items.find((i) => i.check === "body-required:item");
    expect(bodyRequired).toMatchObject({ skip: true, message: "needs --token (the operation is secured)" });
    expect(items.find((i) => i.check === "auth-expired")).toMatchObject({
      skip: true,
      message: "needs --expired-token",
    });
    const withToken = probes({ ...planOptions, token: "t0k", allowWrites: true });
    const create = withToken.find((p) => p.check === "body-required:item");
    expect(create?.request).toMatchObject({
      method: "POST",
      target: "/v1/orders",
      headers: { authorization: "Bearer t0k", "content-type": "application/json" },
    });
    expect(JSON.parse(String(create?.request.kind === "http" ? create.request.body : ""))).toStrictEqual({
      quantity: 1,
      unit_price: 0,
      currency: "EUR",
    });
    const bogus = withToken.find((p) => p.check === "auth-bogus");
    expect(bogus?.request).toMatchObject({ headers: { authorization: `Bearer ${BOGUS_TOKEN}` } });
    expect(bogus?.request).not.toHaveProperty("body");
  });

  it("expects Allow to name the documented methods, and 501 probes come first", async () => {
    const method = probes().find((p) => p.operation === "PATCH /v1/orders");
    expect(method?.expect).toStrictEqual({ kind: "error", statuses: [405], code: 1, allow: ["GET", "POST"] });
    const refund = probes().filter((p) => p.operation === "POST /v1/orders/{id}/refund");
    expect(refund[0]?.check).toBe("not-realized");
    expect(refund.slice(1).every((p) => p.needsRealized === "POST /v1/orders/{id}/refund")).toBe(true);
  });

  it("sends required header parameters with every request of the operation", async () => {
    const withHeader = await parseSpec(
      JSON.stringify({
        openapi: "3.1.0",
        paths: {
          "/things/{n}": {
            get: {
              parameters: [
                {
                  name: "X-Tenant",
                  in: "header",
                  required: true,
                  schema: { type: "string", enum: ["acme"] },
                },
                { name: "Authorization", in: "header", required: true, schema: { type: "string" } },
                { name: "n", in: "path", required: true, schema: { type: "integer", minimum: 1 } },
              ],
              responses: { 200: {} },
            },
          },
        },
      }),
      "x",
    );
    expect(withHeader.operations[0]?.parameters.map((p) => `${p.in}:${p.name}`)).toStrictEqual([
      "header:x-tenant",
      "path:n",
    ]);
    const sent = planSpec(withHeader, planOptions).filter(
      (i): i is Probe => !("skip" in i) && i.operation === "GET /things/{n}",
    );
    expect(sent.map((p) => [p.check, p.request.kind === "http" ? p.request.target : ""])).toStrictEqual([
      ["param-type:n", "/things/abc"],
      ["param-range:n:minimum", "/things/0"],
      ["absent-resource", "/things/2147483647"],
    ]);
    for (const p of sent) expect(p.request).toMatchObject({ headers: { "x-tenant": "acme" } });
  });

  it("uses the server path of the spec when the base URL has none", async () => {
    const prefixed = await parseSpec(JSON.stringify({ ...fixtureSpec(), servers: [{ url: "/api" }] }), "x");
    const targets = planSpec(prefixed, planOptions).flatMap((i) =>
      "skip" in i || i.request.kind !== "http" ? [] : [i.request.target],
    );
    expect(targets.every((t) => t.startsWith("/api/"))).toBe(true);
    const explicit = planSpec(prefixed, { ...planOptions, basePath: "/other" });
    expect(
      explicit.some(
        (i) => !("skip" in i) && i.request.kind === "http" && i.request.target.startsWith("/api"),
      ),
    ).toBe(false);
  });
});
