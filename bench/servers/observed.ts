/**
 * fastify-contract.ts's app for the observability pairs of bench/pair.ts: with or without an
 * OpenTelemetry SDK (tracer and meter providers, a server span per request as HTTP instrumentation
 * makes it, spans handed to an exporter that drops them), and with the adapter's hooks on or off.
 * Each `fastify-otel-*.ts` starts one combination.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { metrics, trace } from "@opentelemetry/api";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { apiErrorCodes, serverOptions } from "api-error-codes/fastify";
import Fastify from "fastify";
import { announce, lookup, portArg } from "./common.js";

/** Collected on demand only: the benchmark measures recording, not exporting. */
class IdleReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
const dropping: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => done({ code: 0 }),
  shutdown: async () => {},
};

export async function startObserved(options: { sdk: boolean; hooks: boolean }): Promise<void> {
  if (options.sdk) {
    new NodeTracerProvider({ spanProcessors: [new BatchSpanProcessor(dropping)] }).register();
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new IdleReader()] }));
  }
  const app = Fastify({ logger: { level: "warn" }, ...serverOptions });
  await app.register(apiErrorCodes, { auth: { lookup }, opentelemetry: options.hooks });
  app.get("/items/:id", async (request) => ({
    id: Number((request.params as { id: string }).id),
    name: "apple",
  }));
  if (options.sdk) {
    const tracer = trace.getTracer("bench-http-server");
    const [listener] = app.server.listeners("request") as ((
      req: IncomingMessage,
      res: ServerResponse,
    ) => void)[];
    app.server.removeAllListeners("request");
    app.server.on("request", (req: IncomingMessage, res: ServerResponse) =>
      tracer.startActiveSpan(`${req.method}`, (span) => {
        res.on("finish", () => span.end());
        listener?.call(app.server, req, res);
      }),
    );
  }
  await app.listen({ port: portArg(), host: "127.0.0.1" });
  announce(app.server);
}
