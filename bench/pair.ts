/**
 * Two servers of bench/servers loaded at the same time, both on CPU 1 with one wrk each on CPU 0:
 * whatever else runs on the machine disturbs both alike, which makes the ratio of a small change far
 * steadier than sequential runs. A development tool for trying a fix; `npm run bench` is the record.
 *
 * `node --import tsx bench/pair.ts fastify-bare,fastify-contract [200,404,...] [runs] [seconds]`
 */
import { join } from "node:path";
import { buildServers, cpuMicros, ensureLoadGenerator, median, ROUTES, runLoad, startServer } from "./lib.js";

const [pairArg, routesArg, runsArg, secondsArg] = process.argv.slice(2);
const names = (pairArg ?? "fastify-bare,fastify-contract").split(",");
const routes = ROUTES.filter((r) => (routesArg ?? "200").split(",").includes(r.name));
const runs = Number(runsArg ?? 5);
const seconds = Number(secondsArg ?? 2);
const generator = ensureLoadGenerator(console.log);
const outdir = await buildServers();
const servers = await Promise.all(names.map((name) => startServer(join(outdir, `${name}.mjs`), name)));
try {
  const warm = { method: "GET", script: "mixed.lua" };
  await Promise.all(
    servers.map((s) =>
      runLoad({ url: `http://127.0.0.1:${s.port}/`, route: warm, seconds: 2, connections: 32, generator }),
    ),
  );
  for (const route of routes) {
    const cpu = names.map(() => [] as number[]);
    const rps = names.map(() => [] as number[]);
    for (let i = 0; i < runs; i++) {
      const before = servers.map((s) => cpuMicros(s.pid));
      const results = await Promise.all(
        servers.map((s) =>
          runLoad({
            url: `http://127.0.0.1:${s.port}${route.path}`,
            route,
            seconds,
            connections: 16,
            generator,
          }),
        ),
      );
      results.forEach((r, j) => {
        cpu[j]?.push(
          (cpuMicros(servers[j]?.pid as number) - (before[j] as number)) / Math.max(1, r.requests),
        );
        rps[j]?.push(r.requests / r.seconds);
      });
    }
    const base = median(cpu[0] as number[]);
    const cells = names.map((name, j) => {
      const c = median(cpu[j] as number[]);
      const ratio = median((rps[j] as number[]).map((v, k) => v / ((rps[0] as number[])[k] as number)));
      return `${name} ${c.toFixed(1)} us ${median(rps[j] as number[]).toFixed(0)} req/s (req/s ratio ${ratio.toFixed(2)}, CPU ratio ${(base / c).toFixed(2)})`;
    });
    console.log(`route ${route.name}: ${cells.join(" | ")}`);
  }
} finally {
  for (const s of servers) await s.stop();
}
