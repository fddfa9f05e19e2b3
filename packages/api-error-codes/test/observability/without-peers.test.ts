/**
 * The built package in a project that has neither `@opentelemetry/api` nor `prom-client` (a copy of
 * dist/ with its dependencies beside it, outside the workspace): it imports from ESM and CommonJS, answers
 * errors, logs the `traceparent`'s trace id, and only the `prometheus` option asks for prom-client.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), "../..");
const workspaceModules = join(packageRoot, "../../node_modules");
// The package's dependencies and theirs, as npm would install them.
const DEPENDENCIES = [
  "ajv",
  "ajv-formats",
  "fast-deep-equal",
  "fast-uri",
  "json-schema-traverse",
  "require-from-string",
  "negotiator",
  "content-type",
];
const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

/** The script, in either module syntax: an unknown path with a traceparent, a 500 without, then the option. */
function script(kind: "esm" | "cjs"): string {
  const load =
    kind === "esm"
      ? 'import { createApi, reply } from "api-error-codes/node";'
      : 'const { createApi, reply } = require("api-error-codes/node");';
  return `${load}
const lines = [];
const logger = { info: (e) => lines.push(e), error: (e) => lines.push(e) };
const api = createApi({ logger });
api.get("/boom", {}, () => { throw new Error("hidden"); });
const server = api.createServer();
server.listen(0, "127.0.0.1", async () => {
  const base = "http://127.0.0.1:" + server.address().port;
  const traced = await fetch(base + "/nope", { headers: { traceparent: "00-${TRACE}-00f067aa0ba902b7-01" } });
  const boom = await fetch(base + "/boom");
  let refused = "";
  try {
    createApi({ logger: false, prometheus: { registerMetric() {}, getSingleMetric() {}, metrics() { return ""; } } });
  } catch (error) {
    refused = error.constructor.name + ": " + error.message;
  }
  let otel = "installed";
  try { require.resolve("@opentelemetry/api"); } catch { otel = "absent"; }
  console.log(JSON.stringify({ statuses: [traced.status, boom.status], boom: await boom.json(), lines, refused, otel }));
  server.close();
});
`.replace(
    'let otel = "installed";',
    kind === "esm"
      ? 'let otel = "installed"; const { createRequire } = await import("node:module"); const require = createRequire(import.meta.url);'
      : 'let otel = "installed";',
  );
}

let project: string;
beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "aec-without-peers-"));
  const target = join(project, "node_modules/api-error-codes");
  cpSync(join(packageRoot, "dist"), join(target, "dist"), { recursive: true });
  cpSync(join(packageRoot, "package.json"), join(target, "package.json"));
  for (const name of DEPENDENCIES) {
    cpSync(join(workspaceModules, name), join(project, "node_modules", name), {
      recursive: true,
      dereference: true,
    });
  }
  writeFileSync(join(project, "run.mjs"), script("esm"));
  writeFileSync(join(project, "run.cjs"), script("cjs"));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe.each(["run.mjs", "run.cjs"])("without @opentelemetry/api and prom-client (%s)", (file) => {
  it("answers, logs the trace id, and names prom-client only when the option asks for it", () => {
    const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: project, encoding: "utf8" }));
    expect(out.otel).toBe("absent");
    expect(out.statuses).toEqual([404, 500]);
    expect(out.boom).toEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
    expect(out.lines.map((l: Record<string, unknown>) => [l.code, l.status, l.trace_id])).toEqual([
      [10, 404, TRACE],
      [0, 500, undefined],
    ]);
    expect(Object.keys(out.lines[0]).slice(0, 2)).toEqual(["request_id", "trace_id"]);
    expect(out.refused).toBe(
      'TypeError: api-error-codes/node: option "prometheus" needs the prom-client package installed',
    );
  });
});
