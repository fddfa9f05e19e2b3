/**
 * The reference API under a mixed load, watched the ways operators watch it: a real OpenTelemetry
 * SDK (in-memory span and metric exporters, server spans as HTTP instrumentation makes them), its
 * `/metrics` read by a real Prometheus text parser, `npm start` configured by `OTEL_*` alone, and the
 * `/status` page's live chart in headless Chromium.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { metrics, type Span, trace } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/backends.js";
import { startApi, type TestApi } from "./support/server.js";

const spans = new InMemorySpanExporter();
const tracing = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const exported = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: exported, exportIntervalMillis: 60_000 });
const meters = new MeterProvider({ readers: [reader] });

/** The mixed load: what each request is, and the code of its answer (undefined: success). */
const LOAD: { method: string; path: string; code?: number; route: string; status: number }[] = [
  { method: "GET", path: "/health", route: "/health", status: 200 },
  { method: "GET", path: "/v1/orders", code: 6, route: "/v1/orders", status: 401 },
  { method: "GET", path: "/v1/orders", code: 6, route: "/v1/orders", status: 401 },
  { method: "GET", path: "/v1/nowhere/1", code: 10, route: "(unmatched)", status: 404 },
  { method: "GET", path: "/v1/nowhere/2", code: 10, route: "(unmatched)", status: 404 },
  { method: "GET", path: "/v1/nowhere/3", code: 10, route: "(unmatched)", status: 404 },
  { method: "PATCH", path: "/v1/orders", code: 1, route: "/v1/orders", status: 405 },
  {
    method: "POST",
    path: "/v1/orders/00000000-0000-4000-8000-000000000000/refund",
    code: 2,
    route: "/v1/orders/{id}/refund",
    status: 501,
  },
];

/** Server spans around the app's request handling, named `METHOD path`, as HTTP instrumentation makes them. */
function traceServer(api: TestApi): void {
  const server = api.app.server;
  const tracer = trace.getTracer("test-http-server");
  const listeners = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    tracer.startActiveSpan(`${req.method} ${req.url}`, (span: Span) => {
      res.on("finish", () => span.end());
      for (const listener of listeners) listener.call(server, req, res);
    });
  });
}

async function runLoad(base: string): Promise<void> {
  for (const { method, path, status } of LOAD) {
    const response = await fetch(base + path, { method });
    await response.arrayBuffer();
    expect(response.status, `${method} ${path}`).toBe(status);
  }
}

describe("the reference API, observed", () => {
  let api: TestApi;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // With node's context manager, as an SDK set up for a server registers it.
    tracing.register();
    metrics.setGlobalMeterProvider(meters);
    dir = await tempDir();
    api = await startApi({
      databaseUrl: `sqlite:${join(dir.path, "db.sqlite")}`,
      ratesUrl: "http://127.0.0.1:9",
      statusSampleMs: 100,
    });
    traceServer(api);
    await runLoad(api.base);
  }, 30_000);
  afterAll(async () => {
    await api?.close();
    await dir?.remove();
    await meters.shutdown();
    await tracing.shutdown();
    trace.disable();
    metrics.disable();
  });

  it("marks each error answer's span with its code; success spans stay unmarked", () => {
    const finished = spans.getFinishedSpans();
    for (const { method, path, code, status } of LOAD) {
      const span = finished.find((s) => s.name === `${method} ${path}`);
      expect(span, `${method} ${path}`).toBeDefined();
      const attributes = span?.attributes ?? {};
      if (code === undefined) {
        expect(attributes["app.error_code"]).toBeUndefined();
        continue;
      }
      expect(attributes["app.error_code"]).toBe(code);
      expect(attributes["http.response.status_code"]).toBe(status);
      expect(typeof attributes["error.type"]).toBe("string");
    }
    const notRealized = finished.find((s) => s.name.endsWith("/refund"));
    expect(notRealized?.attributes["error.type"]).toBe("NOT_REALIZED");
    // Span status error only for 5xx: the 501, not the 4xx.
    expect(notRealized?.status.code).toBe(2);
    expect(finished.find((s) => s.name === "PATCH /v1/orders")?.status.code).toBe(0);
  });

  it("counts error answers on the OpenTelemetry meter by code and route template", async () => {
    await reader.forceFlush();
    const points = exported
      .getMetrics()
      .flatMap((m) => m.scopeMetrics)
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === "api_error_codes.error_answers")
      .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[]);
    // A path no route has gets no `http.route` attribute.
    const count = (code: number, route: string | undefined) =>
      points
        .filter((p) => p.attributes["app.error_code"] === code && p.attributes["http.route"] === route)
        .reduce((sum, p) => sum + Number(p.value), 0);
    expect(count(6, "/v1/orders")).toBe(2);
    expect(count(10, undefined)).toBe(3);
    expect(count(1, "/v1/orders")).toBe(1);
    expect(count(2, "/v1/orders/{id}/refund")).toBe(1);
  });

  it("/metrics has the counter by code, name, status and route, read by a Prometheus parser", async () => {
    const response = await fetch(`${api.base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusTextFormat(await response.text());
    const counter = families.find((f) => f.name === "api_error_answers_total");
    expect(counter?.type).toBe("COUNTER");
    const samples = (counter?.metrics ?? []).map(
      (m) => ({ ...m.labels, value: Number(m.value) }) as Record<string, unknown>,
    );
    expect(samples.sort((a, b) => Number(a.code) - Number(b.code))).toStrictEqual([
      { code: "1", name: "NOT_ALLOWED", status: "405", route: "/v1/orders", value: 1 },
      { code: "2", name: "NOT_REALIZED", status: "501", route: "/v1/orders/{id}/refund", value: 1 },
      { code: "6", name: "AUTH_NOT_PROVIDED", status: "401", route: "/v1/orders", value: 2 },
      { code: "10", name: "NOT_EXIST", status: "404", route: "(unmatched)", value: 3 },
    ]);
    // The process's own metrics come along.
    expect(families.some((f) => f.name === "process_cpu_user_seconds_total")).toBe(true);
  });

  const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(CHROMIUM) && process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM}`);

  it.skipIf(!existsSync(CHROMIUM))(
    "/status draws a live chart of error answers per code in Chromium",
    async () => {
      const profile = await tempDir("reference-api-chromium-");
      let browser: BrowserContext | undefined;
      try {
        browser = await chromium.launchPersistentContext(profile.path, {
          executablePath: CHROMIUM,
          args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        });
        const page = await browser.newPage();
        const problems: string[] = [];
        page.on("pageerror", (error) => problems.push(error.message));
        page.on("console", (message) => {
          if (message.type() === "error") problems.push(message.text());
        });
        const response = await page.goto(`${api.base}/status`, { waitUntil: "load" });
        expect(response?.status()).toBe(200);
        const notFound = page.locator('#legend li[data-code="10"]');
        await notFound.waitFor({ state: "visible", timeout: 10_000 });
        expect(await notFound.getAttribute("data-total")).toBe("3");
        expect(await notFound.textContent()).toBe("10 NOT_EXIST: 3");
        expect(await page.locator('#legend li[data-code="6"]').textContent()).toBe("6 AUTH_NOT_PROVIDED: 2");
        expect(await page.locator("#chart polyline").count()).toBe(4);

        // Live: new errors appear without reloading the page.
        for (let i = 0; i < 4; i++) await (await fetch(`${api.base}/v1/nowhere/live${i}`)).arrayBuffer();
        await page.waitForFunction(
          () => document.querySelector('#legend li[data-code="10"]')?.getAttribute("data-total") === "7",
          undefined,
          { timeout: 10_000 },
        );
        // The line of code 10 rises where the new errors were counted.
        const line = await page.locator('#chart polyline[data-code="10"]').getAttribute("points");
        const heights = (line ?? "").split(" ").map((point) => Number(point.split(",")[1]));
        expect(Math.min(...heights)).toBeLessThan(195);
        expect(problems).toStrictEqual([]);
      } finally {
        await browser?.close();
        await profile.remove();
      }
    },
    60_000,
  );
});

describe("npm start with OTEL_* variables", () => {
  const appDir = fileURLToPath(new URL("..", import.meta.url));

  it("exports server spans carrying the error code, configured by the environment alone", async () => {
    const dir = await tempDir();
    const child: ChildProcessWithoutNullStreams = spawn(
      process.execPath,
      ["--import", "tsx", "src/main.ts"],
      {
        cwd: appDir,
        env: {
          ...process.env,
          TSX_TSCONFIG_PATH: "tsconfig.runtime.json",
          PASSWORD_HASH_COST: "10",
          PORT: "0",
          HOST: "127.0.0.1",
          DATABASE_URL: `sqlite:${join(dir.path, "db.sqlite")}`,
          OTEL_TRACES_EXPORTER: "console",
          OTEL_METRICS_EXPORTER: "none",
          OTEL_SERVICE_NAME: "reference-api-test",
        },
      },
    );
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += String(chunk);
    });
    child.stderr.on("data", (chunk) => {
      out += String(chunk);
    });
    const exited = new Promise((resolve) => child.on("exit", resolve));
    try {
      const deadline = Date.now() + 30_000;
      let api: string | undefined;
      while (api === undefined) {
        api = /API\s+(http:\/\/\S+)/.exec(out)?.[1];
        if (Date.now() > deadline) throw new Error(`no banner:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const response = await fetch(`${api}/v1/nowhere`);
      expect(response.status).toBe(404);
      await response.arrayBuffer();
      // The console exporter prints each finished span; the server span has the answer's code.
      while (!/'app\.error_code': 10/.test(out)) {
        if (Date.now() > deadline) throw new Error(`no span with the code:\n${out.slice(-3000)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(out).toMatch(/'error\.type': 'NOT_EXIST'/);
      expect(out).toMatch(/'service\.name': 'reference-api-test'/);
    } finally {
      child.kill("SIGTERM");
      await exited;
      await dir.remove();
    }
  }, 60_000);
});
