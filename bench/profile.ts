/**
 * One benchmark server under wrk with `node --cpu-prof`, then the functions that took the most
 * self time per request: where a slow route spends its CPU. A development tool, like pair.ts.
 *
 * `node --import tsx bench/profile.ts hono-contract 200 [seconds] [top]`
 * The profile itself stays in /tmp/api-error-codes-profiles for Chrome DevTools.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { buildServers, ensureLoadGenerator, ROUTES, runLoad, startServer } from "./lib.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

const [name = "hono-contract", routeName = "200", secondsArg, topArg] = process.argv.slice(2);
const route = ROUTES.find((r) => r.name === routeName);
if (route === undefined) throw new Error(`unknown route ${routeName}`);
const seconds = Number(secondsArg ?? 5);
const top = Number(topArg ?? 25);
const dir = "/tmp/api-error-codes-profiles";
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const generator = ensureLoadGenerator(console.log);
const outdir = await buildServers();
const server = await startServer(join(outdir, `${name}.mjs`), name, {
  nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
});
const url = `http://127.0.0.1:${server.port}${route.path}`;
const warm = await runLoad({ url, route, seconds: 2, connections: 32, generator });
const result = await runLoad({ url, route, seconds, connections: 32, generator });
await server.stop();

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (file === undefined) throw new Error("no profile written");
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as Profile;
const interval = (profile.endTime - profile.startTime) / profile.samples.length;
const byNode = new Map<number, number>();
for (const id of profile.samples) byNode.set(id, (byNode.get(id) ?? 0) + 1);
const self = new Map<string, number>();
let total = 0;
for (const node of profile.nodes) {
  const hits = byNode.get(node.id) ?? 0;
  if (hits === 0) continue;
  const { functionName, url: source, lineNumber } = node.callFrame;
  if (functionName === "(idle)" || functionName === "(program)") continue;
  const where = source.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\//, "");
  const key = `${functionName || "(anonymous)"} ${where}:${lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + hits);
  total += hits;
}
// The profile spans both loads.
const requests = warm.requests + result.requests;
const perRequest = (hits: number) => ((hits * interval) / requests).toFixed(2);
const rps = result.requests / result.seconds;
console.log(`${name} ${route.name}: ${rps.toFixed(0)} req/s; busy ${perRequest(total)} us/request`);
for (const [key, hits] of [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${perRequest(hits).padStart(7)} us  ${key}`);
}
console.log(`profile: ${join(dir, file)}`);
