/**
 * What the benchmark scripts share: building the servers into plain JavaScript, starting them pinned
 * to one CPU, the load generator (wrk, autocannon as fallback) pinned to the other, and the server's
 * CPU time from /proc.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);
/** Built servers live under node_modules so that their bare imports resolve (and git ignores them). */
export const BUILD_DIR = join(ROOT, "node_modules", ".cache", "api-error-codes-bench");
export const SERVER_CPU = "1";
export const LOAD_CPU = "0";

/** One request shape the load generator repeats. */
export interface RouteSpec {
  /** Short name used in tables and in latest.json keys. */
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** wrk script that sends this request (and prints the JSON summary). */
  script: string;
  /** The status the contract demands. */
  expected: number;
}

export const ROUTES: readonly RouteSpec[] = [
  { name: "200", method: "GET", path: "/items/1", script: "get.lua", expected: 200 },
  { name: "404", method: "GET", path: "/nope", script: "get.lua", expected: 404 },
  { name: "405", method: "PATCH", path: "/items", script: "patch.lua", expected: 405 },
  {
    name: "400",
    method: "POST",
    path: "/items",
    headers: { "Content-Type": "application/json" },
    body: '{"name":{}}',
    script: "post-invalid.lua",
    expected: 400,
  },
  { name: "401", method: "GET", path: "/me", script: "get.lua", expected: 401 },
  { name: "500", method: "GET", path: "/boom", script: "get.lua", expected: 500 },
];

export interface ServerSpec {
  /** File name under bench/servers without `.ts`. */
  name: string;
  framework: "raw" | "fastify" | "express" | "hono";
  kind: "limit" | "bare" | "contract";
}

export const SERVERS: readonly ServerSpec[] = [
  { name: "raw", framework: "raw", kind: "limit" },
  { name: "fastify-bare", framework: "fastify", kind: "bare" },
  { name: "fastify-contract", framework: "fastify", kind: "contract" },
  { name: "express-bare", framework: "express", kind: "bare" },
  { name: "express-contract", framework: "express", kind: "contract" },
  { name: "hono-bare", framework: "hono", kind: "bare" },
  { name: "hono-contract", framework: "hono", kind: "contract" },
];

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Compiles bench/servers/*.ts into plain ESM (no tsx, no source maps at run time, as in production). */
export async function buildServers(): Promise<string> {
  const { build } = await import("esbuild");
  const outdir = join(BUILD_DIR, "servers");
  await build({
    entryPoints: [join(BENCH_DIR, "servers", "*.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outdir,
    outExtension: { ".js": ".mjs" },
    // Not bench/tsconfig.json, whose `paths` point at the library's sources: the servers import the
    // built package from node_modules, as an application does.
    tsconfigRaw: {},
    logLevel: "warning",
  });
  return outdir;
}

function hasCommand(name: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" }).status === 0;
}

/** Whether CPUs can be pinned (taskset, and a second CPU to pin to). */
export const canPin = (): boolean =>
  hasCommand("taskset") && (spawnSync("nproc").stdout?.toString().trim() ?? "1") !== "1";

/** `[command, ...args]` run on one CPU when pinning is possible. */
export function pinned(cpu: string, command: string, args: string[]): [string, string[]] {
  return canPin() ? ["taskset", ["-c", cpu, command, ...args]] : [command, args];
}

export type LoadGenerator = "wrk" | "autocannon";

/** wrk from Debian, installed when missing; autocannon (a devDependency of bench) otherwise. */
export function ensureLoadGenerator(log: (line: string) => void): LoadGenerator {
  if (hasCommand("wrk")) return "wrk";
  if (hasCommand("apt-get")) {
    log("wrk is missing: apt-get install -y wrk");
    const install = () => spawnSync("apt-get", ["install", "-y", "wrk"], { stdio: "ignore" }).status === 0;
    if (install() || (spawnSync("apt-get", ["update"], { stdio: "ignore" }).status === 0 && install())) {
      if (hasCommand("wrk")) return "wrk";
    }
  }
  log("wrk is not available: falling back to autocannon (heavier on the load CPU)");
  return "autocannon";
}

export function wrkVersion(): string {
  const out = spawnSync("wrk", ["-v"], { encoding: "utf8" });
  const version = /(\d+\.\d+\.\d+)/.exec(`${out.stdout}${out.stderr}`)?.[1];
  return version === undefined ? "wrk" : `wrk ${version}`;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Non-2xx/3xx answers. */
  statusErrors: number;
  socketErrors: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
}

export interface LoadOptions {
  url: string;
  route: Pick<RouteSpec, "method" | "headers" | "body" | "script">;
  seconds: number;
  connections: number;
  generator: LoadGenerator;
  /** wrk only: script arguments (after `--`). */
  scriptArgs?: string[];
}

interface WrkJson {
  requests: number;
  duration_us: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  latency_us: { mean: number; p50: number; p90: number; p99: number; max: number };
}

/** Spawns a load run pinned to the load CPU; resolves with its summary. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  let command: string;
  let args: string[];
  if (options.generator === "wrk") {
    // wrk takes whole seconds.
    [command, args] = pinned(LOAD_CPU, "wrk", [
      "-t1",
      `-c${options.connections}`,
      `-d${Math.max(1, Math.round(options.seconds))}s`,
      "--timeout",
      "10s",
      "-s",
      join(BENCH_DIR, "wrk", options.route.script),
      options.url,
      ...(options.scriptArgs === undefined ? [] : ["--", ...options.scriptArgs]),
    ]);
  } else {
    [command, args] = pinned(LOAD_CPU, process.execPath, [
      "--import",
      "tsx",
      join(BENCH_DIR, "autocannon-run.ts"),
      JSON.stringify({
        url: options.url,
        method: options.route.method,
        headers: options.route.headers ?? {},
        body: options.route.body,
        connections: options.connections,
        seconds: options.seconds,
        script: options.route.script,
        args: options.scriptArgs ?? [],
      }),
    ]);
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.stderr.on("data", (chunk) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("WRKJSON "));
      if (line === undefined) {
        reject(new Error(`${command} exited with ${code}: ${err.trim() || out.trim()}`));
        return;
      }
      const json = JSON.parse(line.slice("WRKJSON ".length)) as WrkJson;
      const e = json.errors;
      resolve({
        requests: json.requests,
        seconds: json.duration_us / 1e6,
        statusErrors: e.status,
        socketErrors: e.connect + e.read + e.write + e.timeout,
        latency: json.latency_us,
      });
    });
  });
}

export interface RunningServer {
  spec: { name: string };
  child: ChildProcess;
  pid: number;
  port: number;
  stop(): Promise<void>;
  /** Asks the server for process.memoryUsage() (after a GC when started with --expose-gc). */
  memory(): Promise<NodeJS.MemoryUsage>;
}

/** Starts a built server pinned to the server CPU and waits for its port (over IPC). */
export function startServer(
  file: string,
  name: string,
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  const [command, args] = pinned(SERVER_CPU, process.execPath, [...(options.nodeArgs ?? []), file]);
  // taskset execs node: the child's pid is the server's, whose /proc/<pid>/stat is what we read.
  const child = spawn(command, args, {
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    env: { ...process.env, NODE_ENV: "production", ...options.env },
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s`)), 20_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before listening`));
    });
    child.on("message", (message: { ready?: number; crashed?: string }) => {
      if (message.crashed !== undefined) process.stderr.write(`${name} crashed: ${message.crashed}\n`);
      if (message.ready === undefined) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const port = message.ready;
      resolve({
        spec: { name },
        child,
        pid: child.pid as number,
        port,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              done();
              return;
            }
            child.once("exit", () => done());
            child.kill("SIGTERM");
          }),
        memory: () =>
          new Promise((done, fail) => {
            const onMessage = (m: { memory?: NodeJS.MemoryUsage }) => {
              if (m.memory === undefined) return;
              child.off("message", onMessage);
              done(m.memory);
            };
            child.on("message", onMessage);
            child.send({ memory: true }, (error) => error && fail(error));
          }),
      });
    });
  });
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** User + system CPU time of a process (all its threads), in microseconds, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name may hold spaces and parentheses: fields are counted after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1e6) / CLOCK_TICKS;
}

/** Resident set size of a process in bytes, from /proc/<pid>/status. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

export function loadAverage(): string {
  return existsSync("/proc/loadavg")
    ? readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ")
    : "n/a";
}
