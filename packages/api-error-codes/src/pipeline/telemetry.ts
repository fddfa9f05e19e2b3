/**
 * Error answers made visible where operators look: on the active OpenTelemetry span (`error.type`,
 * `app.error_code`, `http.response.status_code`; status error and the exception for 5xx), counted by
 * code, name, status and route template on an OpenTelemetry meter and on a prom-client registry,
 * and the trace id for the log entry. `@opentelemetry/api` and `prom-client` are optional: without
 * them nothing is recorded and nothing fails.
 */
import type { ApiError } from "../api-error.js";
import { getCode } from "../codes.js";
import { loadOptional } from "./optional.js";

/** The route label of an answer to a path no route has: one value, never the raw path. */
export const UNMATCHED_ROUTE = "(unmatched)";
/** The OpenTelemetry instrument: a counter of error answers. */
export const OTEL_COUNTER = "api_error_codes.error_answers";
/** The prom-client counter (Prometheus adds nothing: the name already ends in `_total`). */
export const PROM_COUNTER = "api_error_answers_total";

/** What is used of `@opentelemetry/api`, structurally: its types stay out of our declarations. */
interface SpanLike {
  spanContext(): { traceId: string };
  isRecording(): boolean;
  setAttribute(key: string, value: string | number): unknown;
  setStatus(status: { code: number; message?: string }): unknown;
  recordException(exception: Error | string): unknown;
}
interface CounterLike {
  add(value: number, attributes?: Record<string, string | number>): void;
}
interface MeterProviderLike {
  getMeter(name: string): {
    createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
  };
}
interface OtelApi {
  trace: { getActiveSpan(): SpanLike | undefined };
  metrics: { getMeterProvider(): MeterProviderLike };
  /** Since @opentelemetry/api 1.3: the meter of no SDK, whose counters are one shared no-op. */
  createNoopMeter?(): ReturnType<MeterProviderLike["getMeter"]>;
}

/** What is used of a prom-client `Registry`: its `Registry` class and default `register` fit. */
export interface PrometheusRegistry {
  registerMetric(metric: unknown): void;
  getSingleMetric(name: string): unknown;
  metrics(): Promise<string> | string;
}
interface PromCounterLike {
  inc(labels: Record<string, string>, value?: number): void;
}
interface PromClient {
  Counter: new (config: {
    name: string;
    help: string;
    labelNames: readonly string[];
    registers: readonly PrometheusRegistry[];
  }) => PromCounterLike;
}

/** `SpanStatusCode.ERROR` of the OpenTelemetry API: fixed by the specification. */
const STATUS_ERROR = 2;
const INVALID_TRACE = /^0{32}$/;
const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}(-.*)?$/;

/** `undefined`: not looked for yet; `null`: not installed. */
let otelApi: OtelApi | null | undefined;

function otel(): OtelApi | null {
  if (otelApi === undefined) {
    otelApi = null;
    otelApi =
      loadOptional<OtelApi>("@opentelemetry/api", (late) => {
        otelApi = late;
      }) ?? otelApi;
  }
  return otelApi;
}

/**
 * The trace id of a W3C `traceparent` header (version 00 and later versions' first four fields),
 * `undefined` when it is absent or malformed or names the invalid all-zero trace.
 * @example
 * traceIdOf("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"); // "4bf92f3577b34da6a3ce929d0e0e4736"
 */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  if (traceparent === undefined) return undefined;
  const match = TRACEPARENT.exec(traceparent.trim());
  // Version ff is invalid; version 00 has exactly four fields, later versions may add more.
  if (match === null || match[1] === "ff" || (match[1] === "00" && match[3] !== undefined)) return undefined;
  const id = match[2] as string;
  return INVALID_TRACE.test(id) ? undefined : id;
}

/** One error answer as telemetry sees it. */
export interface Observed {
  readonly code: number;
  readonly status: number;
  readonly error: ApiError<number> | undefined;
  /** The route template, asked only when a counter will record it. */
  readonly route: () => string;
  readonly traceparent: string | undefined;
}

export interface TelemetryOptions {
  /** `false`: no spans touched and no OpenTelemetry counter even when the API is installed. */
  readonly opentelemetry?: boolean;
  /** A prom-client registry that gets the counter. */
  readonly prometheus?: PrometheusRegistry;
}

/** One per pipeline: where its error answers are recorded. */
export class Telemetry {
  private readonly enabled: boolean;
  private readonly prom: PromCounterLike | undefined;
  private provider: MeterProviderLike | undefined;
  private counter: CounterLike | undefined;

  constructor(options: TelemetryOptions, adapter: string) {
    this.enabled = options.opentelemetry !== false;
    this.prom = options.prometheus === undefined ? undefined : promCounter(options.prometheus, adapter);
  }

  /** Records an error answer; returns the trace id its log entry carries, if there is a trace. */
  record(answer: Observed): string | undefined {
    const api = this.enabled ? otel() : null;
    const span = api?.trace.getActiveSpan();
    let traceId: string | undefined;
    if (span !== undefined) {
      const id = span.spanContext().traceId;
      if (!INVALID_TRACE.test(id)) traceId = id;
      if (span.isRecording()) mark(span, answer);
    }
    let route: string | undefined;
    const counter = api === null || api === undefined ? undefined : this.otelCounter(api);
    if (counter !== undefined) {
      route = answer.route();
      counter.add(1, {
        "app.error_code": answer.code,
        "error.type": nameOf(answer.code),
        "http.response.status_code": answer.status,
        ...(route === UNMATCHED_ROUTE ? {} : { "http.route": route }),
      });
    }
    if (this.prom !== undefined) {
      route ??= answer.route();
      this.prom.inc({
        code: String(answer.code),
        name: nameOf(answer.code),
        status: String(answer.status),
        route,
      });
    }
    return traceId ?? traceIdOf(answer.traceparent);
  }

  /**
   * The counter of the meter provider registered now: the API hands out no-op meters until an SDK
   * registers one, and a counter made before would count nothing forever. `undefined` while it is
   * the API's own no-op: then an error answer builds no attributes for it.
   */
  private otelCounter(api: OtelApi): CounterLike | undefined {
    const provider = api.metrics.getMeterProvider();
    if (provider !== this.provider) {
      this.provider = provider;
      const counter = provider.getMeter("api-error-codes").createCounter(OTEL_COUNTER, {
        description: "Error answers by error code, status and route template",
        unit: "{answer}",
      });
      this.counter = counter === api.createNoopMeter?.().createCounter(OTEL_COUNTER) ? undefined : counter;
    }
    return this.counter;
  }
}

const nameOf = (code: number): string => getCode(code)?.name ?? String(code);

function mark(span: SpanLike, answer: Observed): void {
  span.setAttribute("error.type", nameOf(answer.code));
  span.setAttribute("app.error_code", answer.code);
  span.setAttribute("http.response.status_code", answer.status);
  // Client errors are the client's: the semantic conventions leave a server span's status unset.
  if (answer.status < 500) return;
  span.setStatus({ code: STATUS_ERROR, message: nameOf(answer.code) });
  const cause = answer.error?.cause ?? answer.error;
  if (cause instanceof Error) span.recordException(cause);
  else if (cause !== undefined) span.recordException(String(cause));
}

/** The counter on `registry`: one per registry, shared by every pipeline that reports to it. */
function promCounter(registry: PrometheusRegistry, adapter: string): PromCounterLike {
  const existing = registry.getSingleMetric(PROM_COUNTER);
  if (existing !== undefined) return existing as PromCounterLike;
  const client = loadOptional<PromClient>("prom-client");
  if (client === undefined) {
    throw new TypeError(`${adapter}: option "prometheus" needs the prom-client package installed`);
  }
  return new client.Counter({
    name: PROM_COUNTER,
    help: "Error answers by error code, name, status and route template",
    labelNames: ["code", "name", "status", "route"],
    registers: [registry],
  });
}
