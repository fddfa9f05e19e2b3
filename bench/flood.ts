/**
 * The reference API under a flood of bad tokens: does a stream of well-formed but unknown bearer
 * tokens (7 AUTH_INVALID, each one a logged 401; the tag of the API's tokens spares them the database
 * lookup) slow down the valid requests served beside it?
 *
 * The API runs as `npm start` runs it (tsx, SQLite in a temporary directory, log level info to
 * /dev/null, demo users), pinned to CPU 1; wrk runs on CPU 0. After logging in once:
 *   1. capacity: closed-loop GET /v1/me with the valid token, then with bad tokens (req/s, CPU us);
 *   2. baseline: valid GET /v1/me paced at `valid_share` of that capacity on 4 connections: p99;
 *   3. flood: the same valid load plus bad-token requests paced at `flood_share` of the valid
 *      capacity on 16 connections (what would take that share of the server if a bad token cost
 *      what a valid request costs): p99 of the valid requests again.
 * Baseline and flood alternate; medians. Target: p99 under flood <= 2x p99 without.
 *
 * `node --import tsx bench/flood.ts [--quick]`; skipped with a message when apps/reference-api is
 * not runnable.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  cpuMicros,
  ensureLoadGenerator,
  type LoadGenerator,
  median,
  pinned,
  ROOT,
  runLoad,
  SERVER_CPU,
  sleep,
} from "./lib.js";

export interface FloodResult {
  skipped?: string;
  capacity_valid_rps?: number;
  capacity_bad_rps?: number;
  cpu_us_valid?: number;
  cpu_us_bad?: number;
  valid_share?: number;
  flood_share?: number;
  valid_rps?: number;
  flood_rps?: number;
  p99_us_baseline?: number[];
  p99_us_flood?: number[];
  p50_us_baseline?: number[];
  p50_us_flood?: number[];
  ratio?: number;
}

export interface FloodOptions {
  quick: boolean;
  generator: LoadGenerator;
  log: (line: string) => void;
}

const APP_DIR = join(ROOT, "apps", "reference-api");
const VALID_SHARE = 0.1;
const FLOOD_SHARE = 0.5;
const VALID_CONNECTIONS = 4;
const FLOOD_CONNECTIONS = 16;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitHealthy(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`reference API exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error("reference API not ready within 60 s");
}

/** Pause in ms per connection for `rate` req/s over `connections` connections (wrk paces in ms). */
const pauseFor = (rate: number, connections: number) => Math.max(1, Math.round((connections * 1000) / rate));

export async function runFlood(options: FloodOptions): Promise<FloodResult> {
  const main = join(APP_DIR, "src", "main.ts");
  if (!existsSync(main) || !existsSync(join(APP_DIR, "src", "app.ts"))) {
    const skipped =
      "apps/reference-api is not runnable yet (src/main.ts or src/app.ts missing): flood skipped";
    options.log(`  ${skipped}`);
    return { skipped };
  }
  const dir = mkdtempSync(join(tmpdir(), "api-error-codes-flood-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const [command, args] = pinned(SERVER_CPU, process.execPath, ["--import", "tsx", main]);
  const child = spawn(command, args, {
    cwd: APP_DIR,
    stdio: ["ignore", "ignore", "ignore"],
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: "tsconfig.runtime.json",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: `sqlite:${join(dir, "flood.sqlite")}`,
      // Development seeds the demo users; the log level is production's default.
      NODE_ENV: "development",
      LOG_LEVEL: "info",
    },
  });
  try {
    await waitHealthy(base, child);
    const login = await fetch(`${base}/v1/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "member@example.com", password: "member-password" }),
    });
    if (login.status !== 201) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const url = `${base}/v1/me`;
    const valid = { method: "GET", script: "valid.lua" };
    const bad = { method: "GET", script: "bad-token.lua" };
    const generator = options.generator;
    const pid = child.pid as number;

    // 1. capacity, closed loop (also warms both paths up).
    const probe = options.quick ? 1 : 4;
    const cpu0 = cpuMicros(pid);
    const capValid = await runLoad({
      url,
      route: valid,
      seconds: probe,
      connections: 8,
      generator,
      scriptArgs: [token, "0"],
    });
    const cpu1 = cpuMicros(pid);
    const capBad = await runLoad({
      url,
      route: bad,
      seconds: probe,
      connections: 8,
      generator,
      scriptArgs: ["0"],
    });
    const cpu2 = cpuMicros(pid);
    if (capValid.statusErrors > 0) throw new Error(`valid requests failed: ${capValid.statusErrors}`);
    if (capBad.statusErrors !== capBad.requests) throw new Error("a bad token was accepted");
    const validRps = capValid.requests / capValid.seconds;
    const badRps = capBad.requests / capBad.seconds;
    const result: FloodResult = {
      capacity_valid_rps: validRps,
      capacity_bad_rps: badRps,
      cpu_us_valid: (cpu1 - cpu0) / capValid.requests,
      cpu_us_bad: (cpu2 - cpu1) / capBad.requests,
      valid_share: VALID_SHARE,
      flood_share: FLOOD_SHARE,
      p99_us_baseline: [],
      p99_us_flood: [],
      p50_us_baseline: [],
      p50_us_flood: [],
    };
    options.log(
      `  capacity: valid ${validRps.toFixed(0)} req/s (${result.cpu_us_valid?.toFixed(1)} us CPU), ` +
        `bad token ${badRps.toFixed(0)} req/s (${result.cpu_us_bad?.toFixed(1)} us CPU)`,
    );

    // 2 and 3, alternating.
    const validPause = String(pauseFor(validRps * VALID_SHARE, VALID_CONNECTIONS));
    const floodPause = String(pauseFor(validRps * FLOOD_SHARE, FLOOD_CONNECTIONS));
    const seconds = options.quick ? 2 : 8;
    const pairs = options.quick ? 1 : 3;
    const validRates: number[] = [];
    const floodRates: number[] = [];
    for (let i = 0; i < pairs; i++) {
      const base0 = await runLoad({
        url,
        route: valid,
        seconds,
        connections: VALID_CONNECTIONS,
        generator,
        scriptArgs: [token, validPause],
      });
      result.p99_us_baseline?.push(base0.latency.p99);
      result.p50_us_baseline?.push(base0.latency.p50);
      validRates.push(base0.requests / base0.seconds);
      // The flood starts first and lasts longer, so that the valid requests see it throughout.
      const flood = runLoad({
        url,
        route: bad,
        seconds: seconds + 2,
        connections: FLOOD_CONNECTIONS,
        generator,
        scriptArgs: [floodPause],
      });
      await sleep(options.quick ? 500 : 1000);
      const under = await runLoad({
        url,
        route: valid,
        seconds,
        connections: VALID_CONNECTIONS,
        generator,
        scriptArgs: [token, validPause],
      });
      const flooded = await flood;
      if (under.statusErrors > 0)
        throw new Error(`valid requests failed under the flood: ${under.statusErrors}`);
      result.p99_us_flood?.push(under.latency.p99);
      result.p50_us_flood?.push(under.latency.p50);
      floodRates.push(flooded.requests / flooded.seconds);
    }
    result.valid_rps = median(validRates);
    result.flood_rps = median(floodRates);
    result.ratio = median(result.p99_us_flood ?? []) / median(result.p99_us_baseline ?? []);
    options.log(
      `  valid ${result.valid_rps.toFixed(0)} req/s, flood ${result.flood_rps.toFixed(0)} req/s: ` +
        `p99 ${median(result.p99_us_baseline ?? []).toFixed(0)} us -> ${median(result.p99_us_flood ?? []).toFixed(0)} us ` +
        `(${result.ratio.toFixed(2)}x)`,
    );
    return result;
  } catch (error) {
    const skipped = `reference API flood failed: ${error instanceof Error ? error.message : String(error)}`;
    options.log(`  ${skipped}`);
    return { skipped };
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const log = (line: string) => console.log(line);
  const result = await runFlood({ quick: values.quick === true, generator: ensureLoadGenerator(log), log });
  console.log(JSON.stringify(result, null, 2));
}
