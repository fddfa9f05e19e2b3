/**
 * The served OpenAPI document: valid for swagger-parser, clean for `redocly lint`, an error list
 * with examples on every operation (code 100 included), and in agreement with what the server
 * really sends (answers checked against the document's own schemas).
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import SwaggerParser from "@apidevtools/swagger-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as formatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/backends.js";
import { type Answer, call } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";
import { type Switchboard, startSwitchboard } from "./support/upstreams.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const redocly = join(appDir, "../../node_modules/.bin/redocly");
// Under NodeNext the CJS default export may arrive as the module object.
const addFormats = ((formatsModule as { default?: unknown }).default ?? formatsModule) as (
  ajv: Ajv2020,
) => void;

type Doc = {
  info: { description: string };
  paths: Record<
    string,
    Record<
      string,
      {
        responses: Record<string, Record<string, unknown>>;
        parameters?: unknown[];
        requestBody?: unknown;
        security?: unknown[];
      }
    >
  >;
  components: { schemas: Record<string, object>; responses: Record<string, Record<string, unknown>> };
};

describe("the OpenAPI document", () => {
  let api: TestApi;
  let upstream: Switchboard;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let doc: Doc;
  let text: string;

  beforeAll(async () => {
    dir = await tempDir();
    upstream = await startSwitchboard();
    api = await startApi({ databaseUrl: `sqlite:${join(dir.path, "db.sqlite")}`, ratesUrl: upstream.url });
    const answer = await call(api.base, "GET", "/openapi.json");
    expect(answer.status).toBe(200);
    expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
    text = answer.text;
    doc = answer.json as Doc;
  });
  afterAll(async () => {
    await api?.close();
    await upstream?.close();
    await dir?.remove();
  });

  it("passes swagger-parser validation", async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it("passes `redocly lint` with no error and no warning", async () => {
    const file = join(dir.path, "openapi.json");
    await writeFile(file, text);
    const { stdout } = await promisify(execFile)(
      redocly,
      ["lint", file, "--config", join(appDir, "redocly.yaml"), "--format=json"],
      {
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
        timeout: 60_000,
      },
    );
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: unknown[];
    };
    expect(report.problems).toStrictEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it("lists for every operation its error answers, each with an example", () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBe(15);
    for (const { path, method, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      const errors = Object.entries(op.responses).filter(([status]) => /^[45]\d\d$/.test(status));
      expect(errors.length, where).toBeGreaterThan(0);
      // An operation that takes input can be refused for it (the check redocly's 4XX rule would make).
      const takesInput =
        op.parameters !== undefined || op.requestBody !== undefined || (op.security ?? []).length > 0;
      if (takesInput && !path.endsWith("/refund")) {
        expect(
          errors.some(([status]) => status.startsWith("4")),
          where,
        ).toBe(true);
      }
      for (const [status, response] of errors) {
        const resolved = (
          typeof response.$ref === "string"
            ? doc.components.responses[String(response.$ref).split("/").pop() as string]
            : response
        ) as { content: Record<string, { example?: unknown; examples?: object }> };
        const media = resolved.content["application/json"];
        expect(media?.example ?? media?.examples, `${where} ${status}`).toBeDefined();
      }
    }
  });

  it("documents each endpoint's codes, the custom 100 and the catalogue", () => {
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[path]?.[method]?.responses ?? {});
    expect(statuses("/v1/auth/token", "post")).toEqual(
      expect.arrayContaining(["201", "400", "401", "429", "503"]),
    );
    expect(statuses("/v1/orders/{id}/quote", "get")).toEqual(
      expect.arrayContaining(["200", "400", "401", "404", "422", "502", "503", "504"]),
    );
    expect(statuses("/v1/orders/{id}/refund", "post")).toContain("501");
    expect(statuses("/v1/admin/users", "get")).toContain("403");
    expect(statuses("/ready", "get")).toContain("503");
    const custom = doc.components.schemas.Error100TooManyAttempts as { properties: Record<string, unknown> };
    expect(custom.properties.details).toMatchObject({ required: ["retry_after_seconds"] });
    expect(doc.components.responses.Error100TooManyAttempts?.headers).toHaveProperty("Retry-After");
    for (const name of ["AUTH_EXPIRED", "NOT_EXIST", "TOO_MANY_ATTEMPTS", "DATABASE"]) {
      expect(doc.info.description).toContain(`| ${name} |`);
    }
  });

  it("agrees with what the server sends", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "doc", components: doc.components } as object);
    const check = (answer: Answer, schema: string) => {
      const valid = ajv.validate({ $ref: `doc#/components/schemas/${schema}` }, answer.json);
      expect(valid, `${schema}: ${ajv.errorsText()} in ${answer.text}`).toBe(true);
    };
    const login = await call(api.base, "POST", "/v1/auth/token", {
      body: { email: "member@example.com", password: "member-password" },
    });
    check(login, "TokenPair");
    const token = (login.json as { access_token: string }).access_token;
    const order = await call(api.base, "POST", "/v1/orders", {
      token,
      body: { item: "x", quantity: 1, unit_price: 2.5, currency: "EUR" },
    });
    check(order, "Order");
    const id = (order.json as { id: string }).id;
    check(await call(api.base, "GET", "/v1/orders", { token }), "OrderPage");
    check(await call(api.base, "GET", `/v1/orders/${id}/quote?currency=USD`, { token }), "Quote");
    check(await call(api.base, "GET", "/v1/me", { token }), "User");
    check(await call(api.base, "GET", "/health"), "Status");
    check(await call(api.base, "GET", "/v1/orders/42", { token }), "Error4InvalidValue");
    check(await call(api.base, "GET", `/v1/orders/${crypto.randomUUID()}`, { token }), "Error10NotExist");
    check(await call(api.base, "GET", "/v1/orders"), "Error6AuthNotProvided");
    upstream.mode = "hang";
    check(
      await call(api.base, "GET", `/v1/orders/${id}/quote?currency=USD`, { token }),
      "Error11ExternalService",
    );
    for (let i = 0; i < 5; i++) {
      await call(api.base, "POST", "/v1/auth/token", {
        body: { email: "admin@example.com", password: "nope" },
      });
    }
    const throttled = await call(api.base, "POST", "/v1/auth/token", {
      body: { email: "admin@example.com", password: "nope" },
    });
    expect(throttled.status).toBe(429);
    check(throttled, "Error100TooManyAttempts");
  });
});
