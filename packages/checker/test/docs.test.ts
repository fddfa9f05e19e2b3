/**
 * What the docs tell users about the checker holds: the config file in docs/checker.md loads as it
 * is, and an API documented the way the README and docs/openapi.md show (plain codes in
 * `errorResponses`, `errorComponents()` in the document) passes every check, the body probes
 * (413 and 415 of code 3) included; the sample outputs it shows are what the checker prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ApiError } from "api-error-codes";
import { createApi, reply } from "api-error-codes/node";
import { errorComponents, errorResponses } from "api-error-codes/openapi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCommand } from "../src/command.js";
import { loadConfig } from "../src/config.js";
import { startPetstore } from "./servers/petstore.js";
import { VALID_TOKEN } from "./servers/serve.js";

const DOC = new URL("../../../docs/checker.md", import.meta.url);

const NewOrder = {
  type: "object",
  required: ["item", "quantity"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1, maxLength: 100 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
  },
} as const;
const OrderId = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "integer", minimum: 1 } },
} as const;

/** The quickstarts' orders API on the node adapter. */
function ordersApi() {
  const orders = new Map<number, { id: number; item: string; quantity: number }>();
  return createApi({
    auth: { lookup: (token) => (token === "demo-token" ? { id: "u-demo" } : undefined) },
    logger: false,
  })
    .post("/orders", { auth: true, schema: { body: NewOrder } }, ({ body }) => {
      const order = { id: orders.size + 1, ...body };
      orders.set(order.id, order);
      return reply(201, order, { Location: `/orders/${order.id}` });
    })
    .get("/orders/:id", { schema: { params: OrderId } }, ({ params }) => {
      const order = orders.get(params.id);
      if (order === undefined) throw ApiError.notExist({ resource: "order", id: String(params.id) });
      return order;
    });
}

/** Its document, written the README's way: plain codes, the components merged in. */
function ordersDocument(version: "3.0" | "3.1") {
  const options = { openapi: version };
  const components = errorComponents(options);
  return {
    openapi: `${version}.0`,
    info: { title: "Orders", version: "1.0.0" },
    paths: {
      "/orders": {
        post: {
          security: [{ bearer: [] }],
          requestBody: { required: true, content: { "application/json": { schema: NewOrder } } },
          responses: { 201: { description: "Created" }, ...errorResponses([3, 4, 5, 6, 7, 8], options) },
        },
      },
      "/orders/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: OrderId.properties.id }],
          responses: { 200: { description: "The order" }, ...errorResponses([4, 5, 10], options) },
        },
      },
    },
    components: {
      ...components,
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}

describe("the docs' promises about the checker", () => {
  let dir: string;
  let server: Server;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "aec-docs-"));
    server = await ordersApi().listen(0);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("loads the config file docs/checker.md shows", async () => {
    const yaml = [...readFileSync(DOC, "utf8").matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] as string)
      .filter((block) => block.startsWith("target:"));
    expect(yaml).toHaveLength(1);
    const file = join(dir, "checker.yaml");
    writeFileSync(file, yaml[0] as string);
    const config = await loadConfig(file);
    expect(config).toMatchObject({ target: "http://localhost:3000", allowWrites: true, format: "sarif" });
  });

  it.each(["3.1", "3.0"] as const)(
    "passes an API documented the README's way in OpenAPI %s, the 413 and 415 answers of code 3 included",
    async (version) => {
      const spec = join(dir, `openapi-${version}.json`);
      writeFileSync(spec, JSON.stringify(ordersDocument(version)));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await checkCommand([
        url,
        "--spec",
        spec,
        "--token=demo-token",
        "--allow-writes",
        "--format",
        "json",
      ]);
      const report = JSON.parse(result.stdout) as {
        summary: { passed: number; failed: number };
        results: { check: string; operation: string; passed: boolean; message: string; skipped?: true }[];
      };
      expect(
        report.results.filter((r) => !r.passed && r.skipped !== true),
        result.stdout,
      ).toStrictEqual([]);
      expect(result.exitCode).toBe(0);
      const ran = (check: string) =>
        report.results.find((r) => r.check === check && r.operation === "POST /orders" && r.skipped !== true);
      expect(ran("body-oversize")?.passed).toBe(true);
      expect(ran("body-media-type")?.passed).toBe(true);
      expect(report.summary.passed).toBeGreaterThan(20);
    },
  );

  it.each([
    ["The table", undefined, []],
    ["`--format github`", "inventory-open", ["--format", "github"]],
  ] as const)("prints the sample docs/checker.md shows after %s", async (heading, defect, extra) => {
    const page = readFileSync(DOC, "utf8");
    const at = page.indexOf(heading);
    const sample = /```text\n([\s\S]*?)```/.exec(page.slice(at))?.[1]?.trimEnd().split("\n") ?? [];
    const petstore = await startPetstore(defect);
    try {
      const spec = "test/specs/petstore/openapi.yaml";
      const specPath = fileURLToPath(new URL(`../${spec}`, import.meta.url));
      const result = await checkCommand([petstore.url, "--spec", specPath, "--token", VALID_TOKEN, ...extra]);
      const printed = result.stdout
        .replaceAll(petstore.url, "http://127.0.0.1:8080")
        .replaceAll(specPath, spec)
        // GitHub annotations name the file relative to the working directory (the repository root here).
        .replaceAll(`packages/checker/${spec}`, spec)
        .trimEnd()
        .split("\n");
      // "..." stands for lines left out; every other line is printed as it is, the summary last.
      const shown = sample.filter((line) => line !== "...");
      expect(shown.length).toBeGreaterThan(2);
      for (const line of shown) expect(printed, line).toContain(line);
      expect(printed.at(-1)).toBe(sample.at(-1));
    } finally {
      await petstore.close();
    }
  });
});
