/**
 * OpenTelemetry for `npm start`, configured by the standard `OTEL_*` variables
 * (`OTEL_TRACES_EXPORTER`, `OTEL_METRICS_EXPORTER`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`,
 * ...): the SDK, with HTTP server spans, starts only when one of them asks for an exporter, so a plain
 * start neither loads it nor tries to reach a collector. Started before Fastify is loaded: the HTTP
 * instrumentation patches node's `http` as it is first required.
 */
const EXPORTER_VARIABLES = [
  "OTEL_TRACES_EXPORTER",
  "OTEL_METRICS_EXPORTER",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
  "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
];

export interface Telemetry {
  shutdown(): Promise<void>;
}

export async function startTelemetry(env: NodeJS.ProcessEnv): Promise<Telemetry | undefined> {
  if (env.OTEL_SDK_DISABLED === "true") return undefined;
  const wanted = EXPORTER_VARIABLES.some((name) => {
    const value = env[name];
    return value !== undefined && value !== "" && value !== "none";
  });
  if (!wanted) return undefined;
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  const { HttpInstrumentation } = await import("@opentelemetry/instrumentation-http");
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? "reference-api",
    instrumentations: [new HttpInstrumentation()],
  });
  sdk.start();
  return sdk;
}
