/** The conformance checker's parts: spec fetching and loading, schemas, the plan, judging and the reports. */

import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { describe as describeAnswer, documents, judge, judgeAnswer, methodSet } from "../src/judge.js";
import { BOGUS_TOKEN, type PlanOptions, planBase, planSpec, UNKNOWN_ROUTE } from "../src/probes.js";
import { reportJson, reportJunit, reportTable } from "../src/report.js";
import { breakers, fieldsOf, parameterValue, patternSample, sample, wrongType } from "../src/schema.js";
import { parseSpec, readSource, SpecError } from "../src/spec.js";
import type { Answer, Operation, Probe, Report } from "../src/types.js";
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

describe("judging", () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": "api-error-codes-check-1",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const probe: Probe = {
    check: "method-not-allowed",
    operation: "PATCH /v1/orders",
    group: "* /v1/orders",
    documented: undefined,
    request: {
      kind: "http",
      method: "PATCH",
      target: "/v1/orders",
      headers: { "x-request-id": "api-error-codes-check-1" },
    },
    expect: { kind: "error", statuses: [405], code: 1, allow: ["GET", "POST"] },
  };
  const notAllowed = {
    error_code: 1,
    error_message: "Method not allowed",
    details: { method: "PATCH", allowed: ["GET", "HEAD", "OPTIONS", "POST"] },
  };

  it("passes a 405 whose Allow names the documented methods", async () => {
    expect(
      judge(probe, { answer: answer(405, notAllowed, { allow: "GET, HEAD, OPTIONS, POST" }) }),
    ).toStrictEqual({
      passed: true,
      message: "405/1, Allow: GET, HEAD, OPTIONS, POST",
    });
    expect(methodSet(["GET", "HEAD", "OPTIONS"])).toStrictEqual(new Set(["GET"]));
  });

  it.each([
    [answer(405, notAllowed), "405/1, but no Allow header (PATCH /v1/orders)"],
    [
      answer(405, notAllowed, { allow: "GET" }),
      '405/1, but Allow is "GET", the spec documents GET, POST (PATCH /v1/orders)',
    ],
    [
      answer(404, "<h1>nope</h1>", { "content-type": "text/html" }),
      "expected 405/1, got 404 (text/html) (PATCH /v1/orders)",
    ],
    [answer(500, ""), "expected 405/1, got 500 (empty body) (PATCH /v1/orders)"],
  ])("fails %#", (got, message) => {
    expect(judge(probe, { answer: got })).toStrictEqual({ passed: false, message });
  });

  it("reports a missing answer", async () => {
    expect(judge(probe, { error: "ECONNRESET", code: "ECONNRESET" })).toStrictEqual({
      passed: false,
      message: "no answer: ECONNRESET (PATCH /v1/orders)",
    });
  });

  it("requires WWW-Authenticate on 401 answers", async () => {
    const auth: Probe = {
      ...probe,
      expect: { kind: "error", statuses: [401], code: 7, wwwAuthenticate: "invalid_token" },
    };
    const body = { error_code: 7, error_message: "no", details: null };
    expect(
      judge(auth, { answer: answer(401, body, { "www-authenticate": 'Bearer error="invalid_token"' }) })
        .passed,
    ).toBe(true);
    expect(judge(auth, { answer: answer(401, body, { "www-authenticate": "Bearer" }) }).message).toBe(
      '401/7, but WWW-Authenticate lacks error="invalid_token" (PATCH /v1/orders)',
    );
    expect(judge(auth, { answer: answer(401, body) }).message).toBe(
      "401/7, but no WWW-Authenticate header (PATCH /v1/orders)",
    );
  });

  it("tells realized from unrealized operations", async () => {
    const p: Probe = { ...probe, expect: { kind: "not-realized" } };
    const body = { error_code: 2, error_message: "x", details: { method: "POST", path: "/x" } };
    expect(judge(p, { answer: answer(501, body) })).toMatchObject({ passed: true, realized: false });
    expect(
      judge(p, { answer: answer(401, { error_code: 6, error_message: "x", details: null }) }),
    ).toMatchObject({
      passed: true,
      skipped: true,
      realized: true,
    });
    expect(
      judge(p, { answer: answer(404, { error_code: 10, error_message: "x", details: null }) }),
    ).toMatchObject({
      passed: false,
      realized: false,
    });
  });

  it("checks every error answer for shape, request id and leaks", async () => {
    const problems = judgeAnswer(
      probe,
      answer(405, { error_code: 1, message: "x" }, { "x-request-id": "other" }),
    );
    expect(problems.get("conforms")).toBe(
      '405 body: missing key "error_message"; missing key "details"; unexpected key "message"',
    );
    expect(problems.get("request-id")).toBe(
      'X-Request-Id "api-error-codes-check-1" was sent, "other" came back',
    );
    expect(problems.has("documented-status")).toBe(false);
    const ok = judgeAnswer(probe, answer(405, notAllowed));
    expect([...ok.values()]).toStrictEqual([undefined, undefined, undefined]);
    expect(judgeAnswer(probe, answer(200, "{}")).has("conforms")).toBe(false);
  });

  it.each([
    [
      '{"error_code":0,"error_message":"TypeError: x\\n    at f (/srv/app/index.js:1:2)","details":null}',
      "a stack trace",
    ],
    [
      '{"error_code":0,"error_message":"failed at handler (/srv/app/index.js:1:2)","details":null}',
      "a stack frame",
    ],
    ['{"error_code":0,"error_message":"failed in /srv/app/orders.py","details":null}', "a file path"],
    ['{"error_code":0,"error_message":"SELECT * FROM orders WHERE id = 1","details":null}', "SQL"],
    [
      '{"error_code":12,"error_message":"SQLITE_BUSY: database is locked","details":{"reason":"unavailable"}}',
      "a database message",
    ],
    ['Traceback (most recent call last):\n  File "app.py", line 3', "a Python traceback"],
    [
      '{"error_code":11,"error_message":"connect ECONNREFUSED 10.0.0.5:5432","details":null}',
      "a network error code",
    ],
    ['{"error_code":0,"error_message":"Something broke","details":null}', "code 0 with a message other than"],
  ])("finds a leak in %s", (body, what) => {
    expect(judgeAnswer(probe, answer(500, body)).get("no-leak")).toContain(what);
  });

  it("does not take pointers, paths of the API or validation messages for leaks", async () => {
    const body = {
      error_code: 4,
      error_message: "Invalid request: body /items/0/qty: must be >= 1",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/app/src/items",
            rule: "pattern",
            message: 'must match pattern "^[a-z]+$"',
          },
        ],
      },
    };
    expect(judgeAnswer(probe, answer(400, body)).get("no-leak")).toBeUndefined();
    const route = {
      error_code: 10,
      error_message: "Resource not found",
      details: { method: "GET", path: "/app/users" },
    };
    expect(judgeAnswer(probe, answer(404, route)).get("no-leak")).toBeUndefined();
  });

  it("describes answers briefly", async () => {
    expect(describeAnswer(answer(201, "{}"))).toBe("201");
    expect(describeAnswer(answer(400, { error_code: 3 }))).toBe("400/3");
  });
});

describe("reports", () => {
  const report: Report = {
    target: "http://127.0.0.1:3000/",
    spec: "openapi.json",
    summary: { passed: 1, failed: 1, skipped: 1 },
    results: [
      { check: "unknown-route", operation: "GET /x", passed: true, message: "404/10" },
      { check: "conforms", operation: "GET /x", passed: false, message: 'a <b> & "c"' },
      {
        check: "auth-expired",
        operation: "GET /v1/me",
        passed: true,
        skipped: true,
        message: "needs --expired-token",
      },
    ],
  };

  it("prints JSON of the documented shape", async () => {
    expect(JSON.parse(reportJson(report))).toStrictEqual({
      summary: { passed: 1, failed: 1, skipped: 1 },
      results: [
        { check: "unknown-route", operation: "GET /x", passed: true, message: "404/10" },
        { check: "conforms", operation: "GET /x", passed: false, message: 'a <b> & "c"' },
        {
          check: "auth-expired",
          operation: "GET /v1/me",
          passed: true,
          message: "needs --expired-token",
          skipped: true,
        },
      ],
    });
  });

  it("prints JUnit XML with escaped text", async () => {
    expect(reportJunit(report)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="api-error-codes-check" tests="3" failures="1" errors="0" skipped="1">',
        '  <testsuite name="GET /x" tests="2" failures="1" errors="0" skipped="0">',
        '    <testcase classname="GET /x" name="unknown-route"/>',
        '    <testcase classname="GET /x" name="conforms">',
        '      <failure message="a &lt;b&gt; &amp; &quot;c&quot;" type="conforms">a &lt;b&gt; &amp; &quot;c&quot;</failure>',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="GET /v1/me" tests="1" failures="0" errors="0" skipped="1">',
        '    <testcase classname="GET /v1/me" name="auth-expired">',
        '      <skipped message="needs --expired-token"/>',
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });

  it("prints an aligned table, coloured only on request", async () => {
    expect(reportTable(report)).toBe(
      [
        "api-error-codes-check http://127.0.0.1:3000/ (spec: openapi.json)",
        "",
        "result  check          operation   message",
        "PASS    unknown-route  GET /x      404/10",
        'FAIL    conforms       GET /x      a <b> & "c"',
        "SKIP    auth-expired   GET /v1/me  needs --expired-token",
        "",
        "3 checks: 1 passed, 1 failed, 1 skipped",
        "",
      ].join("\n"),
    );
    const coloured = reportTable(report, { colour: true });
    expect(coloured).toContain(`${String.fromCharCode(27)}[31mFAIL${String.fromCharCode(27)}[0m`);
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "")).toBe(
      reportTable(report),
    );
  });
});
