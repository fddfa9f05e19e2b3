/**
 * With @opentelemetry/api installed and no SDK registered, the counter is the API's no-op: an error
 * answer then builds no attributes for it (nor asks for its route template). Once an SDK registers a
 * meter provider, the same pipeline counts.
 */
import { metrics } from "@opentelemetry/api";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import { afterAll, expect, it } from "vitest";
import { type Observed, Telemetry } from "../../src/pipeline/telemetry.js";

afterAll(() => metrics.disable());

it("asks nothing of an error answer for the API's no-op counter, and counts once an SDK registers", async () => {
  metrics.disable();
  const telemetry = new Telemetry({}, "test");
  let asked = 0;
  const answer: Observed = {
    code: 10,
    status: 404,
    error: undefined,
    route: () => {
      asked += 1;
      return "/items/{id}";
    },
    traceparent: undefined,
  };
  telemetry.record(answer);
  expect(asked).toBe(0);

  const exported = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter: exported, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);
  telemetry.record(answer);
  telemetry.record(answer);
  expect(asked).toBe(2);
  await reader.forceFlush();
  const points = exported
    .getMetrics()
    .at(-1)
    ?.scopeMetrics.flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === "api_error_codes.error_answers")?.dataPoints;
  expect(points?.map((point) => [point.attributes["http.route"], point.value])).toStrictEqual([
    ["/items/{id}", 2],
  ]);
  await provider.shutdown();
});
