/**
 * Before/after figures for a performance change: the adapter servers of bench/servers built twice,
 * once against the library's sources at a git ref (default HEAD) and once against the working tree,
 * measured in one run: interleaved rounds, each "before" cell right next to its "after" cell, server
 * CPU per request and req/s, medians. Prints a Markdown table (for bench/history.md) and writes
 * bench/results/before-after.json.
 *
 * `--keep pipeline/pipeline.ts` takes the listed files (under the library's src) from the working tree
 * on both sides, to leave out another change in progress; `--overlay dir` lays the files of `dir`
 * over the "before" sources (a change in progress as it was before this one).
 *
 * `node --import tsx bench/before-after.ts [--ref HEAD] [--frameworks fastify,hono] [--routes 200,404]
 *  [--rounds 5] [--duration 2] [--keep file,...]`
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Plugin } from "esbuild";
import {
  BENCH_DIR,
  BUILD_DIR,
  cpuMicros,
  ensureLoadGenerator,
  loadAverage,
  median,
  ROOT,
  ROUTES,
  type RunningServer,
  runLoad,
  startServer,
} from "./lib.js";

const { values: flags } = parseArgs({
  options: {
    ref: { type: "string", default: "HEAD" },
    frameworks: { type: "string", default: "fastify,express,hono" },
    routes: { type: "string", default: "200,404,405,400,401,500" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "2" },
    keep: { type: "string" },
    overlay: { type: "string" },
  },
});

const LIBRARY = "packages/api-error-codes/src";
/** Each subpath's entry: an adapter's folder since the pipeline rewrite, a single file before it. */
const ENTRIES: Record<string, readonly string[]> = {
  "api-error-codes": ["index.ts"],
  "api-error-codes/fastify": ["adapters/fastify/index.ts", "adapters/fastify.ts"],
  "api-error-codes/express": ["adapters/express/index.ts", "adapters/express.ts"],
  "api-error-codes/hono": ["adapters/hono/index.ts", "adapters/hono.ts"],
  "api-error-codes/node": ["adapters/node/index.ts", "adapters/node.ts"],
};

/** Resolves the library to the sources in `src`; every other package stays external. */
function library(src: string): Plugin {
  return {
    name: "library-sources",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const entry = ENTRIES[args.path]?.find((file) => existsSync(join(src, file)));
        if (entry !== undefined) return { path: join(src, entry) };
        return { path: args.path, external: true };
      });
    },
  };
}

async function buildAgainst(src: string, outdir: string, names: string[]): Promise<void> {
  const { build } = await import("esbuild");
  await build({
    entryPoints: names.map((name) => join(BENCH_DIR, "servers", `${name}.ts`)),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outdir,
    outExtension: { ".js": ".mjs" },
    tsconfigRaw: {},
    plugins: [library(src)],
    logLevel: "warning",
  });
}

interface Cell {
  cpu: number[];
  rps: number[];
}

async function main(): Promise<void> {
  const ref = flags.ref as string;
  const frameworks = (flags.frameworks as string).split(",");
  const routes = ROUTES.filter((r) => (flags.routes as string).split(",").includes(r.name));
  const rounds = Number(flags.rounds);
  const seconds = Number(flags.duration);
  const generator = ensureLoadGenerator(console.log);
  const names = frameworks.map((f) => `${f}-contract`);

  const work = join(BUILD_DIR, "before-after");
  rmSync(work, { recursive: true, force: true });
  mkdirSync(join(work, "ref"), { recursive: true });
  const commit = execFileSync("git", ["rev-parse", "--short", ref], { cwd: ROOT, encoding: "utf8" }).trim();
  const archive = execFileSync("git", ["archive", ref, LIBRARY], { cwd: ROOT, maxBuffer: 1 << 28 });
  execFileSync("tar", ["-x", "-C", join(work, "ref")], { input: archive });
  const kept = flags.keep === undefined ? [] : flags.keep.split(",");
  for (const file of kept) copyFileSync(join(ROOT, LIBRARY, file), join(work, "ref", LIBRARY, file));
  if (flags.overlay !== undefined) cpSync(flags.overlay, join(work, "ref", LIBRARY), { recursive: true });
  await buildAgainst(join(work, "ref", LIBRARY), join(work, "before"), names);
  await buildAgainst(join(ROOT, LIBRARY), join(work, "after"), names);

  const servers = new Map<string, RunningServer>();
  try {
    for (const name of names) {
      for (const side of ["before", "after"]) {
        servers.set(`${name}|${side}`, await startServer(join(work, side, `${name}.mjs`), `${name} ${side}`));
      }
    }
    for (const server of servers.values()) {
      const warm = { method: "GET", script: "mixed.lua" };
      await runLoad({
        url: `http://127.0.0.1:${server.port}/`,
        route: warm,
        seconds: 2,
        connections: 32,
        generator,
      });
    }
    const cells = new Map<string, Cell>();
    for (let round = 0; round < rounds; round++) {
      for (const route of routes) {
        for (const name of names) {
          // Which side goes first alternates, so that neither always runs on a fresher machine.
          const sides = round % 2 === 0 ? ["before", "after"] : ["after", "before"];
          for (const side of sides) {
            const server = servers.get(`${name}|${side}`) as RunningServer;
            const cpu0 = cpuMicros(server.pid);
            const result = await runLoad({
              url: `http://127.0.0.1:${server.port}${route.path}`,
              route,
              seconds,
              connections: 32,
              generator,
            });
            const key = `${name}|${route.name}|${side}`;
            const cell = cells.get(key) ?? { cpu: [], rps: [] };
            cell.cpu.push((cpuMicros(server.pid) - cpu0) / Math.max(1, result.requests));
            cell.rps.push(result.requests / result.seconds);
            cells.set(key, cell);
          }
        }
      }
      console.log(`round ${round + 1}/${rounds} done; load average ${loadAverage()}`);
    }

    const rows: string[] = [];
    const json: Record<string, unknown> = {};
    rows.push(
      `Before: library sources at ${ref} (${commit})${kept.length === 0 ? "" : ` with ${kept.join(", ")} of the working tree`}` +
        `${flags.overlay === undefined ? "" : " with an overlay"}; ` +
        `after: working tree. ${rounds} interleaved rounds x ${seconds} s, ` +
        `32 connections, ${new Date().toISOString().slice(0, 16)}Z, load average ${loadAverage()}.`,
      "",
      "| server | route | CPU us before | CPU us after | CPU after/before | req/s before | req/s after |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const name of names) {
      for (const route of routes) {
        const before = cells.get(`${name}|${route.name}|before`) as Cell;
        const after = cells.get(`${name}|${route.name}|after`) as Cell;
        const cpuBefore = median(before.cpu);
        const cpuAfter = median(after.cpu);
        json[`${name}.${route.name}`] = {
          cpu_us_before: cpuBefore,
          cpu_us_after: cpuAfter,
          rps_before: median(before.rps),
          rps_after: median(after.rps),
        };
        rows.push(
          `| \`${name}\` | ${route.name} | ${cpuBefore.toFixed(1)} | ${cpuAfter.toFixed(1)} | ${(cpuAfter / cpuBefore).toFixed(2)} | ` +
            `${Math.round(median(before.rps))} | ${Math.round(median(after.rps))} |`,
        );
      }
    }
    const table = rows.join("\n");
    console.log(`\n${table}\n`);
    mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
    writeFileSync(
      join(BENCH_DIR, "results", "before-after.json"),
      `${JSON.stringify({ ref, commit, rounds, seconds, cells: json, table }, null, 2)}\n`,
    );
  } finally {
    for (const server of servers.values()) await server.stop();
  }
}

await main();
