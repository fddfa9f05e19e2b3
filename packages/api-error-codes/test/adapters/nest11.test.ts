/**
 * The NestJS adapter on NestJS 11, from the built package, on both platforms, as an ES module and as
 * CommonJS (Nest 11 apps are mostly CommonJS): the shared scenario table over HTTP must get the same
 * answers as on Nest 12 (nest.test.ts) and every other adapter.
 *
 * Nest 11 cannot sit beside 12 in the root node_modules (its packages' peer ranges conflict, and
 * the adapter's own `@nestjs/*` imports would still find 12), so the private workspace
 * packages/nest11-fixture installs it under its real names, nested in its own node_modules. Here a
 * directory is made inside that node_modules (ignored by git, biome and tsc) holding a copy of the
 * built package as `node_modules/api-error-codes` and nest11-server.ts bundled with the shared app
 * (the app's imports of src/ rewritten to the package's, every package external). Plain Node
 * resolution from there finds api-error-codes in the copy, `@nestjs/*` (also from the copied
 * dist/nest.js) in the fixture, and everything else in the root node_modules. `npm test` builds
 * dist/ first.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, overHttp, type Send } from "./harness.js";
import type { Nest11Report } from "./nest11-server.js";
import { scenarios } from "./scenarios.js";

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, "../..");
const fixture = resolve(pkg, "../nest11-fixture");
const pinned = (
  JSON.parse(readFileSync(join(fixture, "package.json"), "utf8")) as { dependencies: Record<string, string> }
).dependencies;

/** The app's imports of the library's sources, as a user of the built package writes them. */
const PUBLIC: Readonly<Record<string, string>> = {
  "src/index.ts": "api-error-codes",
  "src/adapters/nest/index.ts": "api-error-codes/nest",
};

const toPackage: Plugin = {
  name: "src-to-package",
  setup(bundle) {
    bundle.onResolve({ filter: /^\.\.?\/.*\/src\// }, ({ path, resolveDir }) => {
      const file = relative(pkg, resolve(resolveDir, path.replace(/\.js$/, ".ts")))
        .split(sep)
        .join("/");
      const specifier = PUBLIC[file];
      if (specifier === undefined) return { errors: [{ text: `${file} is not a public entry point` }] };
      return { path: specifier, external: true };
    });
  },
};

let run: string;

beforeAll(async () => {
  const dist = join(pkg, "dist");
  for (const file of ["nest.js", "nest.cjs", "index.js", "index.cjs"]) {
    if (!existsSync(join(dist, file))) throw new Error(`dist/${file} is missing: run npm run build first`);
  }
  if (!existsSync(join(fixture, "node_modules/@nestjs/core")))
    throw new Error("packages/nest11-fixture has no node_modules/@nestjs/core: run npm ci");
  run = mkdtempSync(join(fixture, "node_modules", ".run-"));
  const copy = join(run, "node_modules", "api-error-codes");
  mkdirSync(copy, { recursive: true });
  cpSync(join(pkg, "package.json"), join(copy, "package.json"));
  cpSync(dist, join(copy, "dist"), { recursive: true });
  for (const format of ["esm", "cjs"] as const) {
    await build({
      entryPoints: [join(here, "nest11-server.ts")],
      outfile: join(run, format === "esm" ? "server.mjs" : "server.cjs"),
      bundle: true,
      format,
      platform: "node",
      target: "node20",
      packages: "external",
      plugins: [toPackage],
      logLevel: "silent",
    });
  }
});

afterAll(() => {
  if (run !== undefined) rmSync(run, { recursive: true, force: true });
});

/** Starts the bundled server; resolves with what it printed once it listens. */
async function start(file: string, platform: string): Promise<{ child: ChildProcess; report: Nest11Report }> {
  const child = spawn(process.execPath, [join(run, file), platform], {
    cwd: run,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const line = new Promise<string>((resolveLine, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const end = stdout.indexOf("\n");
      if (end >= 0) resolveLine(stdout.slice(0, end));
    });
    child.on("exit", (code) => reject(new Error(`${file} ${platform} exited with ${code}:\n${stderr}`)));
  });
  return { child, report: JSON.parse(await line) as Nest11Report };
}

describe.each([
  ["express", "server.mjs"],
  ["express", "server.cjs"],
  ["fastify", "server.mjs"],
  ["fastify", "server.cjs"],
] as const)("nest 11, %s platform, the built package loaded by %s", (platform, file) => {
  let child: ChildProcess;
  let report: Nest11Report;
  let send: Send;

  beforeAll(async () => {
    ({ child, report } = await start(file, platform));
    send = overHttp(report.port);
  });
  afterAll(async () => {
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
  });

  it("runs the copied dist/ on the NestJS 11 of packages/nest11-fixture", () => {
    expect(report.adapter).toBe(join(run, "node_modules/api-error-codes/dist/nest.cjs"));
    expect(report.core).toBe(join(fixture, "node_modules/@nestjs/core"));
    expect(report.versions).toStrictEqual({
      common: pinned["@nestjs/common"],
      core: pinned["@nestjs/core"],
      platformExpress: pinned["@nestjs/platform-express"],
      platformFastify: pinned["@nestjs/platform-fastify"],
    });
    expect(report.versions.core).toMatch(/^11\./);
    // Nest 11's platform-fastify brings its own Fastify, not the root's.
    if (platform === "fastify") {
      const own = join(fixture, "node_modules/fastify/package.json");
      expect(report.fastify).toBe((JSON.parse(readFileSync(own, "utf8")) as { version: string }).version);
    } else expect(report.fastify).toBeUndefined();
    // The bundle imports the package by name; the adapter's code is not in it.
    const bundled = readFileSync(join(run, file), "utf8");
    const by = file === "server.mjs" ? (s: string) => `from "${s}"` : (s: string) => `require("${s}")`;
    expect([
      bundled.includes(by("api-error-codes")),
      bundled.includes(by("api-error-codes/nest")),
    ]).toStrictEqual([true, true]);
    expect(bundled).not.toContain("api-error-codes:contract");
  });

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });

  it("answers Nest 11's HttpExceptions by their status", async () => {
    const scenario = {
      name: "forbidden",
      method: "GET",
      path: "/nest/forbidden",
      expect: {
        status: 403,
        body: { error_code: 9, error_message: "Forbidden", details: null },
      },
    };
    check(scenario, await send(scenario));
  });

  it("answers a ConflictException by its status: Nest 11 drops the errorCode option that 12 keeps", async () => {
    // nest11-server.ts registers ORDER_SHIPPED (160, 409): on Nest 12 the same throw is 409 / 160.
    const scenario = {
      name: "conflict",
      method: "GET",
      path: "/nest/conflict",
      expect: {
        status: 409,
        body: { error_code: 4, error_message: "Order already shipped", details: { violations: [] } },
      },
    };
    check(scenario, await send(scenario));
  });
});
