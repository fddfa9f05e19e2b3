// #region sdk
// tracing.ts, loaded first (`node --import ./tracing.js server.js`): the standard SDK set-up. The
// adapter needs nothing more: it marks the active server span and counts on the global meter.
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { NodeSDK } from "@opentelemetry/sdk-node";

const sdk = new NodeSDK({ instrumentations: [new HttpInstrumentation()] });
sdk.start();
process.once("SIGTERM", () => void sdk.shutdown());
// #endregion
