/**
 * Turns one benchmark run into bench/results/latest.json, bench/results/chart.svg (drawn by hand)
 * and BENCHMARKS.md. The before/after record of performance fixes is kept by hand in
 * bench/history.md and copied into BENCHMARKS.md on every run.
 *
 * `node --import tsx bench/report.ts` regenerates BENCHMARKS.md and the chart from latest.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import type { FloodResult } from "./flood.js";
import { BENCH_DIR, median, ROOT, type ServerSpec } from "./lib.js";
import type { RssResult } from "./rss.js";

export interface CellResult {
  server: string;
  route: string;
  /** One value per round. */
  rps: number[];
  cpu_us: number[];
  p99_us: number[];
  requests: number;
  status_errors: number;
  socket_errors: number;
}

/** What a server answered to one request of each route, before the load. */
export interface Observation {
  server: string;
  route: string;
  status: number;
  expected: number;
  json: boolean;
  conforming: boolean;
  requestId: boolean;
  allow: string | undefined;
  leaks: boolean;
  body: string;
}

export interface SerializerResult {
  cases: { name: string; serializer_ops: number; stringify_ops: number; ratio: number }[];
  lowest_ratio: number;
}

export interface BenchResults {
  meta: {
    date: string;
    mode: "quick" | "full";
    rounds: number;
    seconds: number;
    warmup: number;
    connections: number;
    generator: string;
    node: string;
    pinned: boolean;
    load_average_before: string;
    load_average_after: string;
    duration_s: number;
  };
  servers: ServerSpec[];
  routes: string[];
  cells: CellResult[];
  observations: Observation[];
  serializer: SerializerResult | undefined;
  rss: RssResult | undefined;
  flood: FloodResult | undefined;
}

const RESULTS_DIR = join(BENCH_DIR, "results");
const FRAMEWORKS = ["fastify", "express", "hono"] as const;
const ERROR_ROUTES_4XX = ["404", "405", "400", "401"];

interface Summary {
  rps: number;
  rpsMin: number;
  rpsMax: number;
  cpu: number;
  cpuMin: number;
  cpuMax: number;
}

function summarize(cell: CellResult | undefined): Summary | undefined {
  if (cell === undefined || cell.rps.length === 0) return undefined;
  return {
    rps: median(cell.rps),
    rpsMin: Math.min(...cell.rps),
    rpsMax: Math.max(...cell.rps),
    cpu: median(cell.cpu_us),
    cpuMin: Math.min(...cell.cpu_us),
    cpuMax: Math.max(...cell.cpu_us),
  };
}

export interface Target {
  id: string;
  text: string;
  /** `undefined` when not measured in this run. */
  holds: boolean | undefined;
  detail: string;
}

/** The figures of latest.json: ratios within this run. */
export function figures(results: BenchResults) {
  const cell = (server: string, route: string) =>
    summarize(results.cells.find((c) => c.server === server && c.route === route));
  const ratios: Record<string, number> = {};
  const cpuRatios: Record<string, number> = {};
  const cpuUs: Record<string, number> = {};
  const rps: Record<string, number> = {};
  const vsRaw: Record<string, { rps: number; cpu: number }> = {};
  const vs200: Record<string, number> = {};
  const limit: Record<string, { rps: number; cpu_us: number }> = {};
  for (const route of results.routes) {
    const raw = cell("raw", route);
    if (raw !== undefined) limit[route] = { rps: raw.rps, cpu_us: raw.cpu };
    for (const framework of FRAMEWORKS) {
      const bare = cell(`${framework}-bare`, route);
      const ours = cell(`${framework}-contract`, route);
      if (bare !== undefined) {
        cpuUs[`${framework}.bare.${route}`] = bare.cpu;
        rps[`${framework}.bare.${route}`] = bare.rps;
      }
      if (ours !== undefined) {
        cpuUs[`${framework}.contract.${route}`] = ours.cpu;
        rps[`${framework}.contract.${route}`] = ours.rps;
        const own200 = cell(`${framework}-contract`, "200");
        if (own200 !== undefined) vs200[`${framework}.${route}`] = ours.cpu / own200.cpu;
        if (raw !== undefined)
          vsRaw[`${framework}.${route}`] = { rps: ours.rps / raw.rps, cpu: raw.cpu / ours.cpu };
      }
      if (bare !== undefined && ours !== undefined) {
        ratios[`${framework}.${route}`] = ours.rps / bare.rps;
        cpuRatios[`${framework}.${route}`] = bare.cpu / ours.cpu;
      }
    }
    if (raw !== undefined) {
      cpuUs[`raw.${route}`] = raw.cpu;
      rps[`raw.${route}`] = raw.rps;
    }
  }
  return { ratios, cpu_ratios: cpuRatios, cpu_us: cpuUs, rps, vs_raw: vsRaw, cpu_vs_own_200: vs200, limit };
}

const f2 = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? "n/a" : n.toFixed(2));

export function targets(results: BenchResults): Target[] {
  const fig = figures(results);
  const out: Target[] = [];
  const both = (rps: number | undefined, cpu: number | undefined, min: number) =>
    rps === undefined || cpu === undefined ? undefined : rps >= min && cpu >= min;
  for (const framework of FRAMEWORKS) {
    const key = `${framework}.200`;
    const r = fig.ratios[key];
    const c = fig.cpu_ratios[key];
    out.push({
      id: `${framework}-200`,
      text: `${framework}: adapter / bare on 200 >= 0.97`,
      holds: both(r, c, 0.97),
      detail: `req/s ${f2(r)}, CPU ${f2(c)}`,
    });
  }
  for (const framework of FRAMEWORKS) {
    for (const route of ERROR_ROUTES_4XX) {
      const key = `${framework}.${route}`;
      const r = fig.ratios[key];
      const c = fig.cpu_ratios[key];
      const own = fig.cpu_vs_own_200[key];
      const fast = both(r, c, 1.0);
      const cheap = own === undefined ? undefined : own <= 1.25;
      out.push({
        id: `${framework}-${route}`,
        text: `${framework} ${route}: adapter >= bare (1.0) and <= 1.25x the CPU of its 200`,
        holds: fast === undefined || cheap === undefined ? undefined : fast && cheap,
        detail: `vs bare: req/s ${f2(r)}, CPU ${f2(c)}; vs own 200: ${f2(own)}x CPU`,
      });
    }
  }
  for (const route of ERROR_ROUTES_4XX) {
    const v = fig.vs_raw[`fastify.${route}`];
    out.push({
      id: `fastify-raw-${route}`,
      text: `fastify + adapter ${route} >= 0.75 of raw node:http`,
      holds: v === undefined ? undefined : v.rps >= 0.75 && v.cpu >= 0.75,
      detail: v === undefined ? "n/a" : `req/s ${f2(v.rps)}, CPU ${f2(v.cpu)}`,
    });
  }
  for (const framework of FRAMEWORKS) {
    const own = fig.cpu_vs_own_200[`${framework}.500`];
    out.push({
      id: `${framework}-500`,
      text: `${framework} 500 with its log line <= 1.6x the CPU of its 200`,
      holds: own === undefined ? undefined : own <= 1.6,
      detail: `${f2(own)}x`,
    });
  }
  const ser = results.serializer;
  out.push({
    id: "serializer",
    text: "serializer beats JSON.stringify of the same body (every case)",
    holds: ser === undefined ? undefined : ser.lowest_ratio > 1,
    detail: ser === undefined ? "not run" : `lowest ratio ${f2(ser.lowest_ratio)}x`,
  });
  const rss = results.rss?.cases ?? [];
  out.push({
    id: "rss",
    text: "RSS flat after 1M error responses (growth < 10 % after warm-up)",
    // A quick run answers too few errors to judge: it is reported, not scored.
    holds:
      rss.length === 0 || rss.some((c) => c.responses < 1_000_000)
        ? undefined
        : rss.every((c) => c.growth_pct < 10),
    detail:
      rss.length === 0
        ? "not run"
        : rss
            .map(
              (c) =>
                `${c.server}: ${c.growth_pct >= 0 ? "+" : ""}${c.growth_pct.toFixed(1)} % after ${(c.responses / 1e6).toFixed(2)}M`,
            )
            .join("; "),
  });
  const flood = results.flood;
  out.push({
    id: "flood",
    text: "reference API: p99 of valid requests under a bad-token flood <= 2x without",
    holds: flood?.ratio === undefined ? undefined : flood.ratio <= 2,
    detail: flood === undefined ? "not run" : (flood.skipped ?? `${f2(flood.ratio)}x`),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------------
// The chart: grouped bars of median req/s per route, min-max whiskers. Plain SVG, written by hand.

const COLORS: Record<string, string> = {
  raw: "#6b7280",
  "fastify-bare": "#93c5fd",
  "fastify-contract": "#1d4ed8",
  "express-bare": "#fdba74",
  "express-contract": "#c2410c",
  "hono-bare": "#86efac",
  "hono-contract": "#15803d",
};

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Grouped bars per route: req/s (higher is better) or CPU microseconds per request (lower is better). */
export function chartSvg(results: BenchResults, metric: "rps" | "cpu" = "rps"): string {
  const width = 980;
  const height = 460;
  const left = 70;
  const right = 20;
  const top = 70;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const servers = results.servers.map((s) => s.name);
  const routes = results.routes;
  const values = (c: CellResult) => (metric === "rps" ? c.rps : c.cpu_us);
  let max = 0;
  for (const c of results.cells) max = Math.max(max, ...values(c));
  const step =
    metric === "rps"
      ? max > 50_000
        ? 20_000
        : max > 20_000
          ? 10_000
          : 5_000
      : max > 400
        ? 100
        : max > 100
          ? 50
          : 10;
  const yMax = Math.max(step, Math.ceil(max / step) * step);
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const groupW = plotW / routes.length;
  const barW = Math.min(18, (groupW - 16) / servers.length);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="20" font-size="15" font-weight="bold">${metric === "rps" ? "Requests per second" : "Server CPU microseconds per request (lower is better)"} (median of ${results.meta.rounds} rounds, bars min-max), ${esc(results.meta.date.slice(0, 10))}, ${results.meta.mode} run</text>`,
  );
  for (let v = 0; v <= yMax; v += step) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#374151">${metric === "rps" ? `${v / 1000}k` : `${v} us`}</text>`,
    );
  }
  servers.forEach((name, i) => {
    const lx = left + (i % 4) * 215;
    const ly = 36 + Math.floor(i / 4) * 18;
    parts.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[name] ?? "#999"}"/>`,
      `<text x="${lx + 17}" y="${ly}">${esc(name)}</text>`,
    );
  });
  routes.forEach((route, g) => {
    const gx = left + g * groupW + (groupW - barW * servers.length) / 2;
    servers.forEach((name, i) => {
      const cell = results.cells.find((c) => c.server === name && c.route === route);
      const s = summarize(cell);
      if (s === undefined) return;
      const [mid, low, high] = metric === "rps" ? [s.rps, s.rpsMin, s.rpsMax] : [s.cpu, s.cpuMin, s.cpuMax];
      const x = gx + i * barW;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${y(mid).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(mid)).toFixed(1)}" fill="${COLORS[name] ?? "#999"}"><title>${esc(name)} ${route}: ${s.rps.toFixed(0)} req/s, ${s.cpu.toFixed(1)} us CPU</title></rect>`,
      );
      const cx = x + (barW - 2) / 2;
      parts.push(
        `<line x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(low).toFixed(1)}" y2="${y(high).toFixed(1)}" stroke="#111827" stroke-width="1"/>`,
      );
    });
    parts.push(
      `<text x="${(left + g * groupW + groupW / 2).toFixed(1)}" y="${height - bottom + 18}" text-anchor="middle" font-weight="bold">${esc(route)}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" x2="${left}" y1="${top}" y2="${top + plotH}" stroke="#374151"/>`,
    `<line x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}" stroke="#374151"/>`,
    `<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle" fill="#374151">route (200, 404 unknown path, 405 wrong method, 400 invalid body, 401 no token, 500 thrown)</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------
// BENCHMARKS.md

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const us = (n: number) => n.toFixed(1);

function machine(): string {
  const model = cpus()[0]?.model ?? "unknown CPU";
  return `${cpus().length} x ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`;
}

const BARE: Record<string, string> = {
  raw: "node:http answering every route with bytes computed at start-up (contract bodies, X-Request-Id, Allow, WWW-Authenticate); reads and `JSON.parse`s the POST body; the 500 builds an Error and writes a JSON log line with its stack. The limit.",
  "fastify-bare":
    "Fastify 5 defaults: its 404 handler (also for PATCH /items: no 405), its ajv validation of the route schema (coerces types), its default error handler (sends the thrown message), pino at level warn to stdout (5xx logged with the stack; 4xx are info, filtered). GET /me checks the header by hand.",
  "fastify-contract":
    "The same routes, `apiErrorCodes` plugin registered (`config.auth` on /me, the library's validator compiler for the body schema), same pino logger.",
  "express-bare":
    "Express 5 defaults: finalhandler's HTML 404 (also for PATCH /items) and HTML 500 (logs `err.stack` with console.error), `express.json()` and a hand check of `name` on POST /items, a hand check of the header on /me.",
  "express-contract":
    "The same routes, `apiErrorCodes(app, ...)` with `api.route({ auth })` / `api.route({ schema })`; errors logged through pino at level warn (5xx only), as Fastify.",
  "hono-bare":
    "Hono 4 on @hono/node-server defaults: text 404 (also for PATCH /items), default onError (console.error of the error, text 500), a hand check of the JSON body and of the header.",
  "hono-contract":
    "The same routes, `apiErrorCodes(app, ...)` with `api.route(...)`; errors logged through pino at level warn (5xx only).",
};

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function markdown(results: BenchResults): string {
  const fig = figures(results);
  const m = results.meta;
  const cell = (server: string, route: string) =>
    summarize(results.cells.find((c) => c.server === server && c.route === route));
  const servers = results.servers.map((s) => s.name);
  const routes = results.routes;
  /** A table of one figure per server (rows) and route (columns). */
  const serverByRoute = (format: (c: NonNullable<ReturnType<typeof cell>>) => string) =>
    table(
      ["server", ...routes],
      servers.map((s) => [
        `\`${s}\``,
        ...routes.map((r) => {
          const c = cell(s, r);
          return c === undefined ? "" : format(c);
        }),
      ]),
    );
  const out: string[] = [];
  out.push(
    "# Benchmarks",
    "",
    `Generated by \`npm run bench${m.mode === "quick" ? " -- --quick" : ""}\` (bench/run.ts) on ${m.date}. Everything`,
    "below is rewritten by each run except the record of fixes, which is kept in `bench/history.md`.",
    "Raw figures: `bench/results/latest.json`.",
    "",
    "## Setup",
    "",
    `- Machine: ${machine()}; Node ${m.node}; load generator ${m.generator}.`,
    `- Load average (1, 5, 15 min) before the load: ${m.load_average_before}; after: ${m.load_average_after}. A`,
    "  benchmark alone keeps it near 1.3 (server and wrk); more means other work shared the two CPUs, and on",
    "  this virtual machine req/s and CPU per request move with it (raw node:http: about 13 us per request",
    "  quiet, 35-50 us beside a test suite). Compare figures within one run; single ratios move by about",
    "  +-5 % between quiet runs.",
    `- ${m.pinned ? "Each server pinned to CPU 1 (`taskset -c 1`), wrk to CPU 0" : "CPUs NOT pinned (taskset or a second CPU missing)"}; one wrk thread, ${m.connections} keep-alive connections.`,
    `- Servers run as plain JavaScript (bench/servers/*.ts bundled by esbuild, the library from its built \`dist\`), \`NODE_ENV=production\`, logs to /dev/null.`,
    `- Warm-up: ${m.warmup} s per server of all routes in turn. Then ${m.rounds} interleaved rounds of ${m.seconds} s per server x route cell`,
    "  (route-major, so that a bare server and its adapter run back to back; the server order turns each round).",
    "- req/s: median over rounds (min-max). CPU: the server's utime + stime from `/proc/<pid>/stat`",
    "  around each wrk run, divided by the requests answered: microseconds per request, median.",
    "- Ratios are computed within this run. Adapter / bare: req/s ratio, and CPU ratio = bare CPU / adapter CPU",
    "  (above 1: the adapter is cheaper).",
    `- Total time of the run: ${m.duration_s} s.`,
    "",
    "Routes: `GET /items/1` (200), `GET /nope` (404), `PATCH /items` (405), `POST /items` with",
    '`{"name":{}}` against a schema requiring a string (400), `GET /me` without a token (401), `GET /boom`',
    "whose handler throws (500 and a log line).",
    "",
    'What each server is ("bare" per framework):',
    "",
    table(
      ["server", "what it runs"],
      servers.map((s) => [`\`${s}\``, BARE[s] ?? ""]),
    ),
    "",
    "## Results",
    "",
    "Median req/s (min-max over rounds):",
    "",
    serverByRoute((c) => `${int(c.rps)} (${int(c.rpsMin)}-${int(c.rpsMax)})`),
    "",
    "Server CPU microseconds per request, median (min-max):",
    "",
    serverByRoute((c) => `${us(c.cpu)} (${us(c.cpuMin)}-${us(c.cpuMax)})`),
    "",
    "![req/s per route and server](bench/results/chart.svg)",
    "",
    "![server CPU microseconds per request, per route and server](bench/results/cpu.svg)",
    "",
    "### Adapter over bare framework",
    "",
    "req/s ratio / CPU ratio (bare CPU / adapter CPU); 4xx and 500 are compared with the bare framework's own default error path:",
    "",
    table(
      ["framework", ...routes],
      FRAMEWORKS.map((f) => [
        f,
        ...routes.map((r) => {
          const a = fig.ratios[`${f}.${r}`];
          const c = fig.cpu_ratios[`${f}.${r}`];
          return a === undefined ? "" : `${f2(a)} / ${f2(c)}`;
        }),
      ]),
    ),
    "",
    "Adapter CPU per request relative to the same app's 200 route, and adapter relative to raw node:http (req/s / CPU):",
    "",
    table(
      ["framework", ...routes.map((r) => `${r} vs own 200`), ...routes.map((r) => `${r} vs raw`)],
      FRAMEWORKS.map((f) => [
        f,
        ...routes.map((r) => `${f2(fig.cpu_vs_own_200[`${f}.${r}`])}x`),
        ...routes.map((r) => {
          const v = fig.vs_raw[`${f}.${r}`];
          return v === undefined ? "" : `${f2(v.rps)} / ${f2(v.cpu)}`;
        }),
      ]),
    ),
    "",
  );

  out.push("## Targets", "", "A ratio target holds when it holds both on req/s and on CPU per request.", "");
  out.push(
    table(
      ["target", "holds", "figures"],
      targets(results).map((t) => [
        t.text,
        t.holds === undefined ? "not measured" : t.holds ? "yes" : "**no**",
        t.detail,
      ]),
    ),
    "",
  );

  const errors = results.cells.filter((c) => c.socket_errors > 0);
  const wrongStatus = results.cells.filter((c) => {
    const expectError = c.route !== "200";
    return expectError ? c.status_errors !== c.requests : c.status_errors !== 0;
  });
  if (errors.length > 0 || wrongStatus.length > 0) {
    out.push(
      "Load anomalies:",
      "",
      ...errors.map((c) => `- ${c.server} ${c.route}: ${c.socket_errors} socket errors`),
      ...wrongStatus.map(
        (c) => `- ${c.server} ${c.route}: ${c.status_errors} of ${c.requests} answers were non-2xx`,
      ),
      "",
    );
  }

  out.push(
    "## What each server answers",
    "",
    "One request per route before the load (`400 {name:123}` is the body `Fastify` coerces):",
    "",
    table(
      [
        "server",
        "route",
        "status",
        "JSON",
        "contract body",
        "X-Request-Id",
        "Allow",
        "leaks the thrown message",
        "body",
      ],
      results.observations.map((o) => [
        `\`${o.server}\``,
        o.route,
        o.status === o.expected ? String(o.status) : `${o.status} (contract: ${o.expected})`,
        o.json ? "yes" : "no",
        o.status < 400 ? "" : o.conforming ? "yes" : "no",
        o.requestId ? "yes" : "no",
        o.allow ?? "",
        o.leaks ? "**yes**" : "",
        `\`${o.body.replace(/\s+/g, " ").replace(/\|/g, "\\|").replace(/`/g, "'")}\``,
      ]),
    ),
    "",
  );

  const ser = results.serializer;
  if (ser !== undefined) {
    out.push(
      "## Serializer",
      "",
      "`serializeError` against `JSON.stringify` of the same body (bench/serializer.bench.ts, pinned to CPU 1), median ops/s:",
      "",
      table(
        ["case", "serializer", "JSON.stringify", "ratio"],
        ser.cases.map((c) => [
          c.name,
          `${(c.serializer_ops / 1e6).toFixed(2)}M`,
          `${(c.stringify_ops / 1e6).toFixed(2)}M`,
          `${f2(c.ratio)}x`,
        ]),
      ),
      "",
    );
  }
  const rss = results.rss;
  if (rss !== undefined) {
    const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MB`;
    out.push(
      "## Memory",
      "",
      "Error responses (404, 405, 400, 401, 500 in turn) over loopback; RSS after a full GC, after the warm-up and after the run (bench/rss.ts):",
      "",
      table(
        [
          "server",
          "responses",
          "RSS after warm-up",
          "RSS after",
          "growth",
          "heap used after warm-up",
          "heap used after",
        ],
        rss.cases.map((c) => [
          `\`${c.server}\``,
          int(c.responses),
          mb(c.rss_after_warmup),
          mb(c.rss_after),
          `${c.growth_pct >= 0 ? "+" : ""}${c.growth_pct.toFixed(1)} %`,
          mb(c.heap_used_after_warmup),
          mb(c.heap_used_after),
        ]),
      ),
      "",
    );
  }
  const flood = results.flood;
  if (flood !== undefined) {
    out.push("## Reference API under a bad-token flood", "");
    if (flood.skipped !== undefined) out.push(`Not measured: ${flood.skipped}.`, "");
    else {
      out.push(
        "bench/flood.ts: the reference API as `npm start` runs it (SQLite in a temporary directory, log level info to",
        "/dev/null), pinned to CPU 1. Valid `GET /v1/me` requests paced at",
        `${(flood.valid_share ?? 0) * 100} % of its closed-loop capacity on 4 connections, alone and beside a flood of well-formed`,
        `unknown tokens paced at ${(flood.flood_share ?? 0) * 100} % of that capacity on 16 connections (new token per request).`,
        "",
        table(
          ["figure", "value"],
          [
            [
              "capacity, valid token (closed loop)",
              `${int(flood.capacity_valid_rps ?? 0)} req/s, ${us(flood.cpu_us_valid ?? 0)} us CPU per request`,
            ],
            [
              "capacity, bad token (closed loop)",
              `${int(flood.capacity_bad_rps ?? 0)} req/s, ${us(flood.cpu_us_bad ?? 0)} us CPU per request`,
            ],
            [
              "valid load / flood achieved",
              `${int(flood.valid_rps ?? 0)} / ${int(flood.flood_rps ?? 0)} req/s`,
            ],
            [
              "valid p50 without / with flood (us)",
              `${(flood.p50_us_baseline ?? []).join(", ")} / ${(flood.p50_us_flood ?? []).join(", ")}`,
            ],
            [
              "valid p99 without / with flood (us)",
              `${(flood.p99_us_baseline ?? []).join(", ")} / ${(flood.p99_us_flood ?? []).join(", ")}`,
            ],
            ["p99 ratio (medians)", `${f2(flood.ratio)}x`],
          ],
        ),
        "",
      );
    }
  }

  const history = join(BENCH_DIR, "history.md");
  if (existsSync(history)) out.push(readFileSync(history, "utf8").trim(), "");
  return `${out.join("\n")}\n`;
}

/** Writes latest.json, chart.svg and BENCHMARKS.md; returns the targets summary for the console. */
export function writeReport(results: BenchResults, options: { write: boolean } = { write: true }): string {
  const fig = figures(results);
  const list = targets(results);
  if (options.write) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const json = { ...fig, targets: list, ...results };
    writeFileSync(join(RESULTS_DIR, "latest.json"), `${JSON.stringify(json, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, "chart.svg"), chartSvg(results, "rps"));
    writeFileSync(join(RESULTS_DIR, "cpu.svg"), chartSvg(results, "cpu"));
    writeFileSync(join(ROOT, "BENCHMARKS.md"), markdown(results));
  }
  const lines = list.map(
    (t) => `${t.holds === undefined ? " -- " : t.holds ? " ok " : "MISS"}  ${t.text}: ${t.detail}`,
  );
  const cpu = Object.entries(fig.cpu_us)
    .map(([k, v]) => `${k}=${v.toFixed(1)}`)
    .join(" ");
  return [`CPU us/request: ${cpu}`, "", ...lines].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const latest = JSON.parse(readFileSync(join(RESULTS_DIR, "latest.json"), "utf8")) as BenchResults;
  console.log(writeReport(latest));
}
