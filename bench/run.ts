/**
 * `npm run bench` (full, about 20 minutes) and `npm run bench -- --quick` (under three minutes).
 *
 * One run measures raw node:http (the limit), bare Fastify / Express / Hono with their default error
 * handling, and each with the api-error-codes adapter, on six routes (200, 404, 405, 400, 401, 500).
 * Servers run as plain JavaScript pinned to CPU 1, wrk to CPU 0; a warm-up, then interleaved rounds
 * (every server x route cell once per round); medians with min-max of req/s and of the server's CPU
 * time per request (utime + stime from /proc, divided by the requests answered). Then the serializer
 * micro-benchmark, the RSS check and the reference-API flood; bench/report.ts writes
 * bench/results/latest.json, BENCHMARKS.md and bench/results/chart.svg.
 *
 * Options: --quick, --rounds N, --duration S (per cell and round), --warmup S (per server),
 * --connections N, --servers a,b (names under bench/servers), --routes 200,404,...,
 * --skip-serializer, --skip-rss, --skip-flood, --no-report (print only).
 */
import { spawn } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { parseErrorBody } from "api-error-codes";
import { runFlood } from "./flood.js";
import {
  BENCH_DIR,
  buildServers,
  canPin,
  cpuMicros,
  ensureLoadGenerator,
  type LoadGenerator,
  loadAverage,
  median,
  pinned,
  ROOT,
  ROUTES,
  type RouteSpec,
  type RunningServer,
  runLoad,
  SERVER_CPU,
  SERVERS,
  type ServerSpec,
  startServer,
  wrkVersion,
} from "./lib.js";
import { type BenchResults, type CellResult, type Observation, writeReport } from "./report.js";
import { runRss } from "./rss.js";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string" },
    servers: { type: "string" },
    routes: { type: "string" },
    "skip-serializer": { type: "boolean", default: false },
    "skip-rss": { type: "boolean", default: false },
    "skip-flood": { type: "boolean", default: false },
    "no-report": { type: "boolean", default: false },
  },
  strict: true,
});

const quick = flags.quick === true;
const rounds = Number(flags.rounds ?? (quick ? 2 : 5));
const seconds = Number(flags.duration ?? (quick ? 1 : 5));
const warmup = Number(flags.warmup ?? (quick ? 1 : 5));
const connections = Number(flags.connections ?? 32);
const pick = <T extends { name: string }>(all: readonly T[], list: string | undefined): T[] =>
  list === undefined ? [...all] : all.filter((item) => list.split(",").includes(item.name));
const servers: ServerSpec[] = pick(SERVERS, flags.servers);
const routes: RouteSpec[] = pick(ROUTES, flags.routes);

const started = Date.now();
const log = (line: string) => {
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[${t}s] ${line}\n`);
};

/** One request by node:http, for the record of what each server answers (status, body, headers). */
function probe(port: number, route: Pick<RouteSpec, "method" | "path" | "headers" | "body">) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port, method: route.method, path: route.path, headers: route.headers ?? {} },
        (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk) => {
            body += chunk;
          });
          res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on("error", reject);
      req.end(route.body);
    },
  );
}

async function observe(server: ServerSpec, running: RunningServer): Promise<Observation[]> {
  const out: Observation[] = [];
  const coerced = {
    name: "400 {name:123}",
    method: "POST",
    path: "/items",
    headers: { "Content-Type": "application/json" },
    body: '{"name":123}',
    expected: 400,
  };
  for (const route of [...ROUTES, coerced]) {
    const answer = await probe(running.port, route);
    const type = String(answer.headers["content-type"] ?? "");
    out.push({
      server: server.name,
      route: route.name,
      status: answer.status,
      expected: route.expected,
      json: type.startsWith("application/json"),
      conforming: answer.status >= 400 && parseErrorBody(answer.body, answer.status).conforming,
      requestId: answer.headers["x-request-id"] !== undefined,
      allow: answer.headers.allow === undefined ? undefined : String(answer.headers.allow),
      leaks: /hunter2|handlers\.js/.test(answer.body),
      body: answer.body.length > 120 ? `${answer.body.slice(0, 117)}...` : answer.body,
    });
  }
  return out;
}

async function serializerBench(): Promise<BenchResults["serializer"]> {
  const [command, args] = pinned(SERVER_CPU, process.execPath, [
    "--import",
    "tsx",
    join(BENCH_DIR, "serializer.bench.ts"),
    "--json",
    ...(quick ? ["--quick"] : []),
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
      for (const line of String(chunk).split("\n"))
        if (line !== "" && !line.startsWith("SERJSON ")) log(`  ${line}`);
    });
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("SERJSON "));
      if (line === undefined) reject(new Error(`serializer benchmark exited with ${code}`));
      else resolve(JSON.parse(line.slice("SERJSON ".length)));
    });
  });
}

async function main(): Promise<void> {
  log(
    `api-error-codes benchmark (${quick ? "quick" : "full"}): ${servers.length} servers x ${routes.length} routes, ` +
      `${rounds} rounds x ${seconds} s, ${connections} connections; load average ${loadAverage()}`,
  );
  if (!canPin()) log("warning: taskset or a second CPU is missing: server and load generator are not pinned");
  const generator: LoadGenerator = ensureLoadGenerator(log);
  const outdir = await buildServers();
  const loadBefore = loadAverage();

  const running = new Map<string, RunningServer>();
  const observations: Observation[] = [];
  try {
    const launched = await Promise.all(
      servers.map((server) => startServer(join(outdir, `${server.name}.mjs`), server.name)),
    );
    servers.forEach((server, i) => {
      running.set(server.name, launched[i] as RunningServer);
    });
    for (const server of servers)
      observations.push(...(await observe(server, running.get(server.name) as RunningServer)));
    log(`${running.size} servers up (pids ${[...running.values()].map((r) => r.pid).join(", ")})`);

    // Warm-up: every route in turn on each server, so that each path is compiled before it is timed.
    for (const server of servers) {
      const r = running.get(server.name) as RunningServer;
      const warm = { method: "GET", script: "mixed.lua" };
      await runLoad({
        url: `http://127.0.0.1:${r.port}/`,
        route: warm,
        seconds: warmup,
        connections,
        generator,
      });
    }
    log(`warm-up done (${warmup} s per server)`);

    const cells = new Map<string, CellResult>();
    for (const route of routes) {
      for (const server of servers) {
        cells.set(`${server.name}|${route.name}`, {
          server: server.name,
          route: route.name,
          rps: [],
          cpu_us: [],
          p99_us: [],
          requests: 0,
          status_errors: 0,
          socket_errors: 0,
        });
      }
    }
    for (let round = 0; round < rounds; round++) {
      // Route-major, so that a bare server and its adapter run back to back; the server order turns
      // every round, so that no server always runs first.
      for (const route of routes) {
        for (let i = 0; i < servers.length; i++) {
          const server = servers[(i + round) % servers.length] as ServerSpec;
          const r = running.get(server.name) as RunningServer;
          const before = cpuMicros(r.pid);
          const result = await runLoad({
            url: `http://127.0.0.1:${r.port}${route.path}`,
            route,
            seconds,
            connections,
            generator,
          });
          const cpu = cpuMicros(r.pid) - before;
          const cell = cells.get(`${server.name}|${route.name}`) as CellResult;
          cell.rps.push(result.requests / result.seconds);
          cell.cpu_us.push(cpu / Math.max(1, result.requests));
          cell.p99_us.push(result.latency.p99);
          cell.requests += result.requests;
          cell.status_errors += result.statusErrors;
          cell.socket_errors += result.socketErrors;
        }
      }
      const fastify = cells.get("fastify-contract|200");
      const hint =
        fastify === undefined ? "" : `, fastify+adapter 200: ${median(fastify.rps).toFixed(0)} req/s`;
      log(`round ${round + 1}/${rounds} done${hint}; load average ${loadAverage()}`);
    }

    for (const r of running.values()) await r.stop();
    running.clear();

    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        mode: quick ? "quick" : "full",
        rounds,
        seconds,
        warmup,
        connections,
        generator: generator === "wrk" ? wrkVersion() : "autocannon",
        node: process.version,
        pinned: canPin(),
        load_average_before: loadBefore,
        load_average_after: loadAverage(),
        duration_s: 0,
      },
      servers,
      routes: routes.map((r) => r.name),
      cells: [...cells.values()],
      observations,
      serializer: undefined,
      rss: undefined,
      flood: undefined,
    };

    if (flags["skip-serializer"] !== true) {
      log("serializer vs JSON.stringify");
      results.serializer = await serializerBench();
    }
    if (flags["skip-rss"] !== true) {
      log("RSS under error responses");
      results.rss = await runRss({ quick, generator, log });
    }
    if (flags["skip-flood"] !== true) {
      log("reference API under a bad-token flood");
      results.flood = await runFlood({ quick, generator, log });
    }
    results.meta.duration_s = Math.round((Date.now() - started) / 1000);
    results.meta.load_average_after = loadAverage();
    const summary = writeReport(results, { write: flags["no-report"] !== true });
    process.stdout.write(`\n${summary}\n`);
    log(`done in ${results.meta.duration_s} s`);
  } finally {
    for (const r of running.values()) await r.stop();
  }
}

await main();
