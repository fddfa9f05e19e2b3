/**
 * The soak: the reference API started the way `npm start` starts it (src/main.ts, its own process),
 * then mixed valid and hostile traffic at concurrency 64 for a while. It counts every answer that
 * breaks the contract, every 5xx (none is expected: no fault is injected), every answer outside
 * what its request may get, and every acknowledged order missing from the database at the end
 * (lost writes); it samples the server's RSS and compares the end of the run with the end of the
 * warm-up. `npm run soak` runs it for minutes (cli.ts); `npm test` runs a 20-second one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseErrorBody } from "api-error-codes";
import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import { LEAK } from "../../../../packages/api-error-codes/test/reliability/arbitraries.js";

const APP = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

export interface SoakOptions {
  durationMs: number;
  concurrency?: number;
  /**
   * Part of the run before RSS is taken as the baseline (its last stretch). Default: a quarter, but at
   * least 10 s (at most half the run): the heap grows until the first major collections.
   */
  warmupFraction?: number;
  /** A PostgreSQL URL; a temporary SQLite file otherwise. */
  databaseUrl?: string;
  /** Progress lines while running. */
  log?: (line: string) => void;
}

export interface SoakFigures {
  durationMs: number;
  concurrency: number;
  database: "sqlite" | "postgres";
  requests: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  byAnswer: Record<string, number>;
  nonConforming: number;
  unexpected5xx: number;
  unexpectedAnswers: number;
  examples: string[];
  ordersAcknowledged: number;
  ordersDeleted: number;
  lostWrites: number;
  /** Peaks: see {@link SoakFigures.heapNote}. */
  rssMiB: { start: number; warmupPeak: number; endPeak: number; max: number };
  rssGrowthPercent: number;
  heapNote: string;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
}

interface Expectation {
  /** `status` or `status/code` keys this request may get. */
  allowed: string[];
}

interface Placed {
  item: string;
  quantity: number;
  unit_price: number;
  currency: string;
  user: "member" | "admin";
}

const MEMBER = { email: "member@example.com", password: "member-password" };
const ADMIN = { email: "admin@example.com", password: "admin-password" };
const CURRENCIES = ["EUR", "USD", "JPY", "GBP"];

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

/** Starts src/main.ts as `npm start` does and resolves with its base URL once it listens. */
async function startServer(env: Record<string, string>): Promise<{ child: ChildProcess; base: string }> {
  // The young generation starts at its full size (16 MiB per semi-space, V8's default maximum here):
  // V8 otherwise grows it during the first seconds under load, by up to 48 MiB of RSS, at moments that
  // vary from run to run, and a 20-second run would take that for a leak (or hide one behind it).
  const v8 = ["--min-semi-space-size=16", "--max-semi-space-size=16"];
  const child = spawn(process.execPath, [...v8, "--import", "tsx", join(APP, "src/main.ts")], {
    cwd: APP,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(APP, "tsconfig.runtime.json"), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const base = await new Promise<string>((resolveBase, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${output}`)), 30_000);
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /API\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolveBase(found);
      }
    };
    child.stdout?.on("data", look);
    child.stderr?.on("data", look);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code}):\n${output}`));
    });
  });
  // Keep draining its output (warnings only, at LOG_LEVEL=warn).
  child.stdout?.resume();
  return { child, base };
}

async function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const concurrency = options.concurrency ?? 64;
  const warmupFraction = options.warmupFraction ?? Math.max(0.25, Math.min(0.5, 10_000 / options.durationMs));
  const log = options.log ?? (() => {});
  const dir = await mkdtemp(join(tmpdir(), "reference-soak-"));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dir, "soak.sqlite")}`;
  const { child, base } = await startServer({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    // No RATES_URL: main.ts runs the demo rates service beside the API, as `npm start` does.
    LOG_LEVEL: "warn",
    // Cheaper than production's 15 so that the logins of the run measure the service, not scrypt.
    PASSWORD_HASH_COST: process.env.SOAK_PASSWORD_HASH_COST ?? "12",
  });
  const pid = child.pid as number;

  const call = async (
    method: string,
    path: string,
    init: { token?: string; body?: string; type?: string; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = { ...init.headers };
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.body !== undefined) headers["content-type"] = init.type ?? "application/json";
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const login = async (who: typeof MEMBER) => {
    const answer = await call("POST", "/v1/auth/token", { body: JSON.stringify(who) });
    if (answer.status !== 201) throw new Error(`soak login failed: ${answer.status} ${answer.text}`);
    return (JSON.parse(answer.text) as { access_token: string }).access_token;
  };

  // Sessions are opened before the hostile logins start (they would throttle this address).
  const members = await Promise.all(Array.from({ length: 8 }, () => login(MEMBER)));
  const admins = await Promise.all(Array.from({ length: 2 }, () => login(ADMIN)));
  const seedOrder = await call("POST", "/v1/orders", {
    token: admins[0] as string,
    body: JSON.stringify({ item: "admin's", quantity: 1, unit_price: 1, currency: "EUR" }),
  });
  const adminsOrder = (JSON.parse(seedOrder.text) as { id: string }).id;

  const placed = new Map<string, Placed>([
    [adminsOrder, { item: "admin's", quantity: 1, unit_price: 1, currency: "EUR", user: "admin" }],
  ]);
  let deleted = 0;
  const byAnswer = new Map<string, number>();
  const latencies: number[] = [];
  const examples: string[] = [];
  let nonConforming = 0;
  let unexpected5xx = 0;
  let unexpectedAnswers = 0;
  let requests = 0;
  let sequence = 0;

  const note = (kind: string, detail: string) => {
    if (examples.length < 20) examples.push(`${kind}: ${detail.slice(0, 300)}`);
  };

  const record = (label: string, expectation: Expectation, answer: Answer, ms: number) => {
    requests++;
    latencies.push(ms);
    const code =
      answer.status >= 400
        ? (() => {
            try {
              return `/${(JSON.parse(answer.text) as { error_code: number }).error_code}`;
            } catch {
              return "/?";
            }
          })()
        : "";
    const key = `${answer.status}${code}`;
    byAnswer.set(key, (byAnswer.get(key) ?? 0) + 1);
    const problems: string[] = [];
    if (!/^[A-Za-z0-9._:-]{1,128}$/.test(answer.headers.get("x-request-id") ?? ""))
      problems.push("x-request-id");
    if (LEAK.test(answer.text)) problems.push("leak");
    if (answer.status >= 400) {
      if (answer.headers.get("content-type") !== "application/json; charset=utf-8")
        problems.push("content-type");
      if (answer.headers.get("x-content-type-options") !== "nosniff") problems.push("nosniff");
      if ((answer.status === 429 || answer.status === 503) && !answer.headers.get("retry-after"))
        problems.push("retry-after");
      const parsed = parseErrorBody(answer.text, answer.status);
      if (!parsed.conforming) problems.push(...parsed.problems);
    }
    if (problems.length > 0) {
      nonConforming++;
      note("non-conforming", `${label} -> ${key} ${problems.join(", ")} ${answer.text}`);
    }
    if (answer.status >= 500 && key !== "501/2") {
      unexpected5xx++;
      note("5xx", `${label} -> ${key} ${answer.text}`);
    }
    if (!expectation.allowed.includes(key) && !expectation.allowed.includes(String(answer.status))) {
      unexpectedAnswers++;
      note("unexpected", `${label} -> ${key} (allowed ${expectation.allowed.join(" ")}) ${answer.text}`);
    }
  };

  /** One request of the mix; `mine` are the orders this worker placed and has not deleted. */
  const step = async (worker: number, mine: string[]) => {
    const token = members[worker % members.length] as string;
    const admin = admins[worker % admins.length] as string;
    const n = sequence++;
    const roll = n % 40;
    const send = async (
      label: string,
      allowed: string[],
      method: string,
      path: string,
      init?: Parameters<typeof call>[2],
    ) => {
      const started = performance.now();
      const answer = await call(method, path, init);
      record(label, { allowed }, answer, performance.now() - started);
      return answer;
    };
    if (roll < 8) {
      const order = {
        item: `soak-${n}`,
        quantity: (n % 20) + 1,
        unit_price: ((n % 5000) + 1) / 100,
        currency: CURRENCIES[n % 4] as string,
      };
      const answer = await send("create", ["201"], "POST", "/v1/orders", {
        token,
        body: JSON.stringify(order),
      });
      if (answer.status === 201) {
        const id = (JSON.parse(answer.text) as { id: string }).id;
        placed.set(id, { ...order, user: "member" });
        mine.push(id);
      }
    } else if (roll < 12) {
      const bodies: [string, string, string[]][] = [
        ['{"item":"x","quantity":', "application/json", ["400/3"]],
        ['{"item":"x","quantity":"2","unit_price":1,"currency":"EUR"}', "application/json", ["400/5"]],
        ['{"item":"x","quantity":1,"unit_price":1e400,"currency":"EUR"}', "application/json", ["400/4"]],
        [
          '{"item":"x","quantity":1,"unit_price":1,"currency":"EUR","__proto__":{"a":1}}',
          "application/json",
          ["400/3"],
        ],
        ['{"item":"x","quantity":1,"unit_price":1,"currency":"EUR"}', "text/plain", ["415/3"]],
        [`${"[".repeat(5000)}${"]".repeat(5000)}`, "application/json", ["400/3"]],
        ['{"item":"","quantity":0,"unit_price":0.001,"currency":"eur"}', "application/json", ["400/4"]],
      ];
      const [body, type, allowed] = bodies[n % bodies.length] as [string, string, string[]];
      await send("create-invalid", allowed, "POST", "/v1/orders", { token, body, type });
    } else if (roll < 16) {
      await send("list", ["200"], "GET", `/v1/orders?limit=${(n % 100) + 1}&offset=${n % 7}`, { token });
    } else if (roll < 18) {
      const queries: [string, string[]][] = [
        ["offset=-1", ["400/4"]],
        ["limit=101", ["400/4"]],
        ["limit=ten", ["400/5"]],
        ["status=lost", ["400/4"]],
        ["limit=1&limit=2", ["400/5"]],
        ["status=%E9", ["400/3"]],
      ];
      const [query, allowed] = queries[n % queries.length] as [string, string[]];
      await send("list-invalid", allowed, "GET", `/v1/orders?${query}`, { token });
    } else if (roll < 21) {
      const id = mine[n % Math.max(1, mine.length)];
      if (id !== undefined) await send("get-own", ["200"], "GET", `/v1/orders/${id}`, { token });
      else await send("get-absent", ["404/10"], "GET", `/v1/orders/${randomUUID()}`, { token });
    } else if (roll < 22) {
      await send("get-others", ["404/10"], "GET", `/v1/orders/${adminsOrder}`, { token });
    } else if (roll < 23) {
      await send("get-malformed", ["400/4"], "GET", "/v1/orders/not-a-uuid", { token });
    } else if (roll < 25) {
      const id = mine.shift();
      if (id !== undefined) {
        const answer = await send("delete-own", ["204"], "DELETE", `/v1/orders/${id}`, { token });
        if (answer.status === 204) {
          placed.delete(id);
          deleted++;
        }
      } else await send("delete-absent", ["404/10"], "DELETE", `/v1/orders/${randomUUID()}`, { token });
    } else if (roll < 27) {
      const id = mine[0];
      if (id !== undefined)
        await send("quote", ["200"], "GET", `/v1/orders/${id}/quote?currency=JPY`, { token });
      else
        await send("quote-absent", ["404/10"], "GET", `/v1/orders/${randomUUID()}/quote?currency=JPY`, {
          token,
        });
    } else if (roll < 29) {
      await send("me", ["200"], "GET", "/v1/me", { token });
    } else if (roll < 30) {
      await send("me-anonymous", ["401/6"], "GET", "/v1/me");
    } else if (roll < 31) {
      await send("me-unknown-token", ["401/7"], "GET", "/v1/me", {
        token: randomUUID().replaceAll("-", "").padEnd(43, "A"),
      });
    } else if (roll < 33) {
      // Wrong passwords for a bounded set of addresses (the throttle remembers each one for its window).
      const email = `user${n % 1000}@example.com`;
      await send("login-wrong", ["401/7", "429/100"], "POST", "/v1/auth/token", {
        body: JSON.stringify({ email, password: "guess" }),
      });
    } else if (roll < 34) {
      await send("refresh-garbage", ["401/7"], "POST", "/v1/auth/refresh", {
        body: JSON.stringify({ refresh_token: "x".repeat(43) }),
      });
    } else if (roll < 35) {
      await send("patch", ["405/1"], "PATCH", "/v1/orders", { token });
    } else if (roll < 36) {
      await send("unknown-path", ["404/10"], "GET", `/v1/nothing/${n}`);
    } else if (roll < 37) {
      await send("refund", ["501/2"], "POST", `/v1/orders/${randomUUID()}/refund`, { token });
    } else if (roll < 38) {
      await send("admin-as-member", ["403/9"], "GET", "/v1/admin/users", { token });
    } else if (roll < 39) {
      await send("admin", ["200"], "GET", "/v1/admin/users?limit=5", { token: admin });
    } else {
      await send("health", ["200"], "GET", n % 2 === 0 ? "/health" : "/ready");
    }
  };

  const rss: { at: number; mib: number }[] = [];
  const started = Date.now();
  const deadline = started + options.durationMs;
  const sampler = setInterval(() => {
    try {
      rss.push({ at: Date.now() - started, mib: rssOf(pid) });
    } catch {
      // The process is gone; the run fails on its requests.
    }
  }, 250);
  const progress = setInterval(() => {
    const last = rss.at(-1)?.mib ?? 0;
    log(
      `[soak] ${Math.round((Date.now() - started) / 1000)} s: ${requests} requests, RSS ${last.toFixed(1)} MiB`,
    );
  }, 10_000);

  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        const mine: string[] = [];
        while (Date.now() < deadline) {
          try {
            await step(worker, mine);
          } catch (error) {
            // A transport failure (reset, refused) is a broken answer too.
            requests++;
            nonConforming++;
            note("transport", String(error));
          }
        }
      }),
    );
  } finally {
    clearInterval(sampler);
    clearInterval(progress);
  }
  const elapsed = Date.now() - started;

  // Lost writes: every acknowledged order not deleted since must be in the database, as placed.
  let lostWrites = 0;
  const check = (
    rows: { id: string; item: string; quantity: number; unit_price_cents: number; currency: string }[],
  ) => {
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const [id, order] of placed) {
      const row = byId.get(id);
      const whole =
        row !== undefined &&
        row.item === order.item &&
        row.quantity === order.quantity &&
        row.unit_price_cents === Math.round(order.unit_price * 100) &&
        row.currency === order.currency;
      if (!whole) {
        lostWrites++;
        note("lost write", `${id} ${JSON.stringify(order)} -> ${JSON.stringify(row)}`);
      }
    }
  };
  const select = "SELECT id, item, quantity, unit_price_cents, currency FROM orders";
  if (databaseUrl.startsWith("sqlite:")) {
    const db = new BetterSqlite3(databaseUrl.slice("sqlite:".length), { readonly: true });
    try {
      check(db.prepare(select).all() as never);
    } finally {
      db.close();
    }
  } else {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      check((await client.query(select)).rows);
    } finally {
      await client.end();
    }
  }

  const exitCode = await stopServer(child);
  if (exitCode !== 0) note("shutdown", `the server exited with ${exitCode} on SIGTERM`);
  await rm(dir, { recursive: true, force: true });

  // RSS under load is a sawtooth (about 30 MiB over roughly 10 s here, as V8 lets the old
  // generation grow between major collections), so two instants compare arbitrary phases of it.
  // Peaks over stretches longer than one tooth compare like with like: the last stretch of the
  // warm-up against the last stretch of the run. A leak raises every peak.
  const warmupEnd = options.durationMs * warmupFraction;
  const stretch = Math.max(10_000, (options.durationMs - warmupEnd) / 5);
  const peak = (from: number, to: number) =>
    Math.max(0, ...rss.filter((s) => s.at >= from && s.at < to).map((s) => s.mib));
  const afterWarmup = peak(warmupEnd - stretch, warmupEnd);
  const end = peak(elapsed - stretch, Number.POSITIVE_INFINITY);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    durationMs: elapsed,
    concurrency,
    database: databaseUrl.startsWith("sqlite:") ? "sqlite" : "postgres",
    requests,
    perSecond: Math.round((requests / elapsed) * 1000),
    latencyMs: {
      p50: Number(percentile(sorted, 50).toFixed(1)),
      p99: Number(percentile(sorted, 99).toFixed(1)),
      max: Number((sorted.at(-1) ?? 0).toFixed(1)),
    },
    byAnswer: Object.fromEntries([...byAnswer.entries()].sort(([a], [b]) => a.localeCompare(b))),
    nonConforming,
    unexpected5xx,
    unexpectedAnswers,
    examples,
    ordersAcknowledged: placed.size + deleted,
    ordersDeleted: deleted,
    lostWrites,
    rssMiB: {
      start: Number((rss[0]?.mib ?? 0).toFixed(1)),
      warmupPeak: Number(afterWarmup.toFixed(1)),
      endPeak: Number(end.toFixed(1)),
      max: Number(Math.max(...rss.map((s) => s.mib)).toFixed(1)),
    },
    rssGrowthPercent: afterWarmup === 0 ? 0 : Number((((end - afterWarmup) / afterWarmup) * 100).toFixed(1)),
    heapNote: `RSS sampled every 250 ms; growth = highest sample of the last ${stretch / 1000} s of the run over the highest of the last ${stretch / 1000} s of a ${Math.round(warmupFraction * 100)} % warm-up`,
  };
}

/** The figures as the lines `npm run soak` prints. */
export function formatFigures(f: SoakFigures): string {
  const answers = Object.entries(f.byAnswer)
    .map(([k, v]) => `${k}=${v}`)
    .join(" ");
  return [
    `soak: ${Math.round(f.durationMs / 1000)} s at concurrency ${f.concurrency} on ${f.database}`,
    `  requests            ${f.requests} (${f.perSecond}/s), latency p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms, max ${f.latencyMs.max} ms`,
    `  answers             ${answers}`,
    `  non-conforming      ${f.nonConforming}`,
    `  unexpected 5xx      ${f.unexpected5xx}`,
    `  unexpected answers  ${f.unexpectedAnswers}`,
    `  orders              ${f.ordersAcknowledged} acknowledged, ${f.ordersDeleted} deleted, ${f.lostWrites} lost`,
    `  RSS (MiB)           start ${f.rssMiB.start}, peak at the end of the warm-up ${f.rssMiB.warmupPeak}, peak at the end ${f.rssMiB.endPeak}, max ${f.rssMiB.max}: growth ${f.rssGrowthPercent} %`,
    ...(f.examples.length > 0 ? ["  examples:", ...f.examples.map((e) => `    ${e}`)] : []),
  ].join("\n");
}

/** What a passing soak needs; the reasons it fails otherwise. */
export function verdict(f: SoakFigures, maxRssGrowthPercent = 10): string[] {
  const failures: string[] = [];
  if (f.requests === 0) failures.push("no requests were made");
  if (f.nonConforming > 0) failures.push(`${f.nonConforming} non-conforming answers`);
  if (f.unexpected5xx > 0) failures.push(`${f.unexpected5xx} unexpected 5xx`);
  if (f.unexpectedAnswers > 0)
    failures.push(`${f.unexpectedAnswers} answers outside what their request may get`);
  if (f.lostWrites > 0) failures.push(`${f.lostWrites} lost writes`);
  if (f.rssGrowthPercent >= maxRssGrowthPercent)
    failures.push(`RSS grew ${f.rssGrowthPercent} % after warm-up`);
  if (f.examples.some((e) => e.startsWith("shutdown"))) failures.push("the server did not shut down cleanly");
  return failures;
}
