/**
 * What CI and real APIs need beyond bearer tokens: http basic and apiKey in query or cookie, a
 * config file (tokens from the environment or a login request, checks to skip), a baseline of
 * accepted failures, SARIF and GitHub annotations, and the exit codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkCommand } from "../src/command.js";
import { matchesSkip } from "../src/config.js";
import { openapi30ToJsonSchema } from "../src/openapi30.js";
import type { Report } from "../src/types.js";
import { fail, type Seen, startTiny, type Tiny, type TinyAnswer } from "./servers/tiny.js";

let dir: string;
let server: Tiny | undefined;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "aec-checker-ci-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const writeSpec = (name: string, doc: unknown): string => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

const ok = (): TinyAnswer => ({ status: 200, body: { ok: true } });
const notFound = (seen: Seen) => fail(404, 10, { method: seen.method, path: seen.url });

describe("credentials outside the bearer header", () => {
  const spec = {
    openapi: "3.0.3",
    info: { title: "schemes", version: "1" },
    components: {
      securitySchemes: {
        basic: { type: "http", scheme: "basic" },
        query: { type: "apiKey", in: "query", name: "key" },
        cookie: { type: "apiKey", in: "cookie", name: "session" },
      },
    },
    paths: Object.fromEntries(
      ["basic", "query", "cookie"].map((name) => [
        `/${name}`,
        { get: { security: [{ [name]: [] }], responses: { 200: {}, 401: {} } } },
      ]),
    ),
  };
  const valid = "ci:secret";
  const handler = (seen: Seen): TinyAnswer => {
    const [path, query = ""] = seen.url.split("?");
    const given =
      path === "/basic"
        ? seen.headers.authorization
        : path === "/query"
          ? (new URLSearchParams(query).get("key") ?? undefined)
          : path === "/cookie"
            ? /(?:^|; )session=([^;]*)/.exec(seen.headers.cookie ?? "")?.[1]
            : undefined;
    if (!["/basic", "/query", "/cookie"].includes(path ?? "")) return notFound(seen);
    if (seen.method === "OPTIONS") return { status: 204, headers: { Allow: "GET, HEAD, OPTIONS" } };
    if (seen.method !== "GET")
      return fail(405, 1, { method: seen.method, allowed: ["GET", "HEAD"] }, { Allow: "GET, HEAD" });
    const expected =
      path === "/basic"
        ? `Basic ${Buffer.from(valid).toString("base64")}`
        : path === "/query"
          ? valid
          : encodeURIComponent(valid);
    if (given === undefined) return fail(401, 6);
    return given === expected ? ok() : fail(401, 7);
  };

  it("drives http basic, apiKey in query and apiKey in cookie", async () => {
    server = await startTiny(handler);
    const result = await checkCommand([
      server.url,
      "--spec",
      writeSpec("schemes.json", spec),
      "--token",
      valid,
      "-f",
      "json",
    ]);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.results.filter((r) => !r.passed)).toStrictEqual([]);
    expect(result.exitCode).toBe(0);
    for (const op of ["GET /basic", "GET /query", "GET /cookie"]) {
      for (const check of ["auth-missing", "auth-bogus"]) {
        expect(
          report.results.find((r) => r.check === check && r.operation === op),
          `${check} ${op}`,
        ).toMatchObject({ passed: true });
      }
    }
    expect(
      report.results.find((r) => r.check === "auth-expired" && r.operation === "GET /basic"),
    ).toMatchObject({
      skipped: true,
      message: "http basic credentials do not expire",
    });
    const valids = server.seen.filter((s) => handler(s).status === 200).map((s) => s.url.split("?")[0]);
    expect(valids.sort()).toStrictEqual(["/basic", "/cookie", "/query"]);
  });
});

describe("a config file, a baseline and the CI formats", () => {
  const spec = {
    openapi: "3.1.0",
    info: { title: "things", version: "1" },
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    paths: {
      "/things/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
          responses: { 200: {}, 400: {}, 401: {}, 404: {} },
        },
      },
    },
  };
  /** A things API whose absent things answer 500 (a defect), and a login that hands out "tok". */
  const things =
    (absent: TinyAnswer) =>
    (seen: Seen): TinyAnswer => {
      if (seen.url === "/login" && seen.method === "POST") {
        const body = JSON.parse(seen.body || "{}") as { password?: string };
        return body.password === "from-env"
          ? { status: 201, body: { data: { access_token: "tok" } } }
          : fail(401, 7);
      }
      const match = /^\/things\/([^/?]+)$/.exec(seen.url);
      if (match === null) return notFound(seen);
      if (seen.method === "OPTIONS") return { status: 204, headers: { Allow: "GET, HEAD, OPTIONS" } };
      if (seen.method !== "GET")
        return fail(405, 1, { method: seen.method, allowed: ["GET", "HEAD"] }, { Allow: "GET, HEAD" });
      if (seen.headers.authorization === undefined)
        return fail(401, 6, null, { "WWW-Authenticate": "Bearer" });
      if (seen.headers.authorization !== "Bearer tok")
        return fail(401, 7, null, { "WWW-Authenticate": 'Bearer error="invalid_token"' });
      const id = match[1] ?? "";
      if (!/^-?\d+$/.test(id))
        return fail(400, 5, { violations: [{ in: "path", pointer: "/id", rule: "type", message: "m" }] });
      if (Number(id) < 1)
        return fail(400, 4, { violations: [{ in: "path", pointer: "/id", rule: "minimum", message: "m" }] });
      return Number(id) === 1 ? ok() : absent;
    };

  const config = (extra: string) => {
    const file = join(dir, "checker.yaml");
    writeFileSync(
      file,
      `target: ${server?.url}
spec: ./things.json
tokens:
  valid:
    login:
      method: POST
      path: /login
      body: { email: ci@example.com, password: { env: CI_PASSWORD } }
      token: /data/access_token
${extra}`,
    );
    writeSpec("things.json", spec);
    return file;
  };

  it("logs in with a password from the environment, skips what it lists, writes SARIF", async () => {
    server = await startTiny(things(fail(500, 0)));
    const file = config(
      `skip: ["param-range:*", "GET /things/{id} param-type:id"]\nformat: sarif\nout: report.sarif\n`,
    );
    const result = await checkCommand(["--config", file], { env: { CI_PASSWORD: "from-env" } });
    expect(result).toStrictEqual({
      exitCode: 1,
      stdout: `27 checks: 21 passed, 3 failed, 3 skipped (report written to ${join(dir, "report.sarif")})\n`,
      stderr: "",
    });
    expect(JSON.parse(server.seen[0]?.body ?? "")).toStrictEqual({
      email: "ci@example.com",
      password: "from-env",
    });
    const sarif = JSON.parse(readFileSync(join(dir, "report.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("api-error-codes-checker");
    expect(run.results.map((r: { ruleId: string; level: string }) => `${r.level} ${r.ruleId}`)).toStrictEqual(
      ["error absent-resource", "error no-leak", "error documented-status"],
    );
    expect(run.results[0].locations[0]).toStrictEqual({
      physicalLocation: { artifactLocation: { uri: join(dir, "things.json") }, region: { startLine: 1 } },
      logicalLocations: [{ name: "GET /things/{id}", kind: "function" }],
    });
    expect(run.results[0].message.text).toBe(
      "GET /things/{id}: absent-resource: expected 404/10, got 500/0 (GET /things/2147483647)",
    );
  });

  it("fails only on failures the baseline does not accept", async () => {
    server = await startTiny(things(fail(500, 0)));
    const file = config("");
    const env = { CI_PASSWORD: "from-env" };
    const baseline = join(dir, "baseline.json");
    const first = await checkCommand(["--config", file, "--write-baseline", baseline, "-f", "json"], { env });
    expect(first.exitCode).toBe(1);
    expect(JSON.parse(readFileSync(baseline, "utf8"))).toStrictEqual({
      version: 1,
      accepted: [
        { operation: "GET /things/{id}", check: "absent-resource" },
        { operation: "GET /things/{id}", check: "no-leak" },
        { operation: "GET /things/{id}", check: "documented-status" },
      ],
    });
    const again = await checkCommand(["--config", file, "--baseline", baseline, "-f", "github"], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout.split("\n").slice(0, 1)).toStrictEqual([
      `::notice file=${join(dir, "things.json").replace(/:/g, "%3A")},title=GET /things/{id} absent-resource::expected 404/10, got 500/0 (GET /things/2147483647)`,
    ]);
    expect(again.stdout).toMatch(
      /\n24 checks: 23 passed \(3 accepted by the baseline\), 0 failed, 1 skipped\n$/,
    );
    await server.close();
    // A new defect (a 404 with details of its own shape) fails the run again; its leak is known.
    server = await startTiny(things(fail(404, 10, { trace: "at f (/srv/app/index.js:1:2)" })));
    const table = await checkCommand(["--config", config(""), "--baseline", baseline], { env });
    expect(table.exitCode).toBe(1);
    expect(table.stdout).toMatch(
      /\nFAIL {4}conforms {16}GET \/things\/\{id\} +404 body: details of code 10 must be null/,
    );
    expect(table.stdout).toMatch(
      /\nKNOWN {3}no-leak {17}GET \/things\/\{id\} +404 body reveals a stack trace/,
    );
  });

  it.each([
    ["an unknown key", "colour: true\n", {}, 2, /unknown key "colour" in the config/],
    ["a missing variable", "", {}, 2, /environment variable CI_PASSWORD is not set/],
    ["a refused login", "", { CI_PASSWORD: "wrong" }, 3, /login POST \/login answered 401/],
  ])("exits with the documented code for %s", async (_, extra, env, code, message) => {
    server = await startTiny(things(fail(500, 0)));
    const result = await checkCommand(["--config", config(extra)], { env });
    expect(result.exitCode).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });
});

describe("skip patterns and the 3.0 conversion", () => {
  it.each([
    ["body-oversize", "body-oversize", "POST /a", true],
    ["body-constraint:*", "body-constraint:n:maxLength", "POST /a", true],
    ["body-constraint:*", "body-type:n", "POST /a", false],
    ["POST /a body-*", "body-type:n", "POST /a", true],
    ["POST /a body-*", "body-type:n", "PATCH /a", false],
    ["* /v1/* auth-*", "auth-missing", "GET /v1/x", true],
    ["raw socket *", "header-overflow", "raw socket", true],
  ])("%s on %s of %s: %s", (pattern, check, operation, expected) => {
    expect(matchesSkip(pattern, check, operation)).toBe(expected);
  });

  it("rewrites nullable and the boolean exclusive bounds, and nothing that only looks like them", () => {
    const doc = {
      a: {
        type: "integer",
        nullable: true,
        minimum: 1,
        exclusiveMinimum: true,
        maximum: 9,
        exclusiveMaximum: false,
      },
      b: { enum: ["x"], type: "string", nullable: true },
      c: {
        type: "object",
        properties: { nullable: { type: "boolean" }, exclusiveMinimum: { type: "number" } },
      },
    };
    openapi30ToJsonSchema(doc);
    expect(doc).toStrictEqual({
      a: { type: ["integer", "null"], exclusiveMinimum: 1, maximum: 9 },
      b: { enum: ["x", null], type: ["string", "null"] },
      c: {
        type: "object",
        properties: { nullable: { type: "boolean" }, exclusiveMinimum: { type: "number" } },
      },
    });
  });
});
