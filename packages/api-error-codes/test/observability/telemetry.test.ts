/**
 * A real OpenTelemetry SDK (tracer and meter providers with in-memory exporters) and a prom-client
 * registry watch the error answers of every adapter: the active span gets `error.type`,
 * `app.error_code` and `http.response.status_code` (status error and the exception for 5xx only),
 * and the counters count by code, name, status and route template.
 */
import { metrics, SpanStatusCode } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADAPTERS } from "../adapters/builders.js";
import { BOOM, startApp, TOKEN } from "./apps.js";

const spans = new InMemorySpanExporter();
const tracing = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const exported = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: exported, exportIntervalMillis: 60_000 });
const meters = new MeterProvider({ readers: [reader] });

beforeAll(() => {
  tracing.register();
  metrics.setGlobalMeterProvider(meters);
});
afterAll(async () => {
  await meters.shutdown();
  await tracing.shutdown();
});

/** The mixed load: one request of each kind. */
const LOAD: { method: string; path: string; token?: string; status: number }[] = [
  { method: "GET", path: "/items/7", status: 401 },
  { method: "GET", path: "/items/8", token: "stolen", status: 401 },
  { method: "GET", path: "/items/9", token: TOKEN, status: 200 },
  { method: "GET", path: "/nowhere/123", status: 404 },
  { method: "GET", path: "/nowhere/456", status: 404 },
  { method: "PATCH", path: "/items/7", status: 405 },
  { method: "GET", path: "/boom", status: 500 },
];

function attributesOf(name: string) {
  const span = spans.getFinishedSpans().find((s) => s.name === name);
  expect(span, name).toBeDefined();
  return span as NonNullable<typeof span>;
}

for (const adapter of ADAPTERS) {
  describe(`${adapter}: error answers on spans and counters`, () => {
    const registry = new Registry();
    beforeAll(async () => {
      spans.reset();
      const app = await startApp(adapter, { prometheus: registry });
      try {
        for (const { method, path, token, status } of LOAD) {
          const headers: Record<string, string> =
            token === undefined ? {} : { authorization: `Bearer ${token}` };
          const response = await fetch(`${app.url}${path}`, { method, headers });
          await response.arrayBuffer();
          expect(response.status, `${method} ${path}`).toBe(status);
        }
        // The span ends on the response's "finish", which may come after the client read it.
        await new Promise((resolve) => setTimeout(resolve, 50));
      } finally {
        await app.close();
      }
    });

    it("marks the span of each 4xx with the code, without an error status", () => {
      const expected: Record<string, [string, number, number]> = {
        "GET /items/7": ["AUTH_NOT_PROVIDED", 6, 401],
        "GET /items/8": ["AUTH_INVALID", 7, 401],
        "GET /nowhere/123": ["NOT_EXIST", 10, 404],
        "PATCH /items/7": ["NOT_ALLOWED", 1, 405],
      };
      for (const [name, [type, code, status]] of Object.entries(expected)) {
        const span = attributesOf(name);
        expect(span.attributes, name).toEqual({
          "error.type": type,
          "app.error_code": code,
          "http.response.status_code": status,
        });
        expect(span.status.code, name).toBe(SpanStatusCode.UNSET);
        expect(span.events, name).toEqual([]);
      }
    });

    it("sets error status and records the exception on a 5xx span", () => {
      const span = attributesOf("GET /boom");
      expect(span.attributes).toEqual({
        "error.type": "UNKNOWN",
        "app.error_code": 0,
        "http.response.status_code": 500,
      });
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: "UNKNOWN" });
      expect(span.events.map((e) => e.name)).toEqual(["exception"]);
      expect(span.events[0]?.attributes?.["exception.message"]).toBe(BOOM);
      expect(span.events[0]?.attributes?.["exception.type"]).toBe("Error");
    });

    it("leaves a successful request's span alone", () => {
      expect(attributesOf("GET /items/9").attributes).toEqual({});
    });

    it("counts on the prom-client registry by code, name, status and route template", async () => {
      const [metric] = (await registry.getMetricsAsJSON()).filter(
        (m) => m.name === "api_error_answers_total",
      );
      const counted = (metric?.values ?? [])
        .map((v) => `${v.labels.code} ${v.labels.name} ${v.labels.status} ${v.labels.route} = ${v.value}`)
        .sort();
      expect(counted).toEqual([
        "0 UNKNOWN 500 /boom = 1",
        "1 NOT_ALLOWED 405 /items/{id} = 1",
        "10 NOT_EXIST 404 (unmatched) = 2",
        "6 AUTH_NOT_PROVIDED 401 /items/{id} = 1",
        "7 AUTH_INVALID 401 /items/{id} = 1",
      ]);
    });
  });
}

describe("the OpenTelemetry counter", () => {
  it("counts every adapter's error answers by code, type, status and route (never the raw path)", async () => {
    await reader.forceFlush();
    const last = exported.getMetrics().at(-1);
    const metric = last?.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((m) => m.descriptor.name === "api_error_codes.error_answers");
    expect(metric?.descriptor.unit).toBe("{answer}");
    const points = (metric?.dataPoints ?? [])
      .map((p) => `${JSON.stringify(p.attributes)} = ${String(p.value)}`)
      .sort();
    const n = ADAPTERS.length;
    expect(points).toEqual(
      [
        `{"app.error_code":0,"error.type":"UNKNOWN","http.response.status_code":500,"http.route":"/boom"} = ${n}`,
        `{"app.error_code":1,"error.type":"NOT_ALLOWED","http.response.status_code":405,"http.route":"/items/{id}"} = ${n}`,
        `{"app.error_code":10,"error.type":"NOT_EXIST","http.response.status_code":404} = ${2 * n}`,
        `{"app.error_code":6,"error.type":"AUTH_NOT_PROVIDED","http.response.status_code":401,"http.route":"/items/{id}"} = ${n}`,
        `{"app.error_code":7,"error.type":"AUTH_INVALID","http.response.status_code":401,"http.route":"/items/{id}"} = ${n}`,
      ].sort(),
    );
  });
});

describe.each(ADAPTERS)("%s: the trace id in the error log", (adapter) => {
  const TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const requests: [string, string, number][] = [
    ["GET", "/nowhere", 404],
    ["GET", "/items/1", 401],
    ["PATCH", "/items/1", 405],
    ["GET", "/boom", 500],
  ];

  async function logged(options: { opentelemetry?: boolean }, headers: Record<string, string>) {
    const entries: Record<string, unknown>[] = [];
    const logger = {
      info: (entry: object) => entries.push(entry as Record<string, unknown>),
      error: (entry: object) => entries.push(entry as Record<string, unknown>),
    };
    spans.reset();
    const app = await startApp(adapter, { ...options, logger });
    try {
      for (const [method, path, status] of requests) {
        const response = await fetch(`${app.url}${path}`, { method, headers });
        await response.arrayBuffer();
        expect(response.status).toBe(status);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await app.close();
    }
    return entries;
  }

  it("is the traceparent's when OpenTelemetry is off, next to the request id", async () => {
    const entries = await logged(
      { opentelemetry: false },
      { traceparent: TRACEPARENT, "x-request-id": "r-1" },
    );
    expect(entries.map((e) => [e.status, e.request_id, e.trace_id])).toEqual(
      requests.map(([, , status]) => [status, "r-1", "4bf92f3577b34da6a3ce929d0e0e4736"]),
    );
    // With OpenTelemetry off, the spans are left alone.
    for (const span of spans.getFinishedSpans()) expect(span.attributes).toEqual({});
  });

  it("is the active span's when there is one", async () => {
    const entries = await logged({}, {});
    const ids = spans.getFinishedSpans().map((s) => s.spanContext().traceId);
    expect(entries.map((e) => e.trace_id)).toEqual(ids);
    expect(new Set(ids).size).toBe(requests.length);
  });

  it("is absent without a trace: the request id alone", async () => {
    const entries = await logged(
      { opentelemetry: false },
      { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" },
    );
    for (const entry of entries) {
      expect(entry.request_id).toEqual(expect.any(String));
      expect("trace_id" in entry).toBe(false);
    }
    expect(entries).toHaveLength(requests.length);
  });
});
