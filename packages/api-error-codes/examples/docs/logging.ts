// Logging and observing errors: the adapter's `logger` gets one entry per error answer.
// #region imports
import { ApiError } from "api-error-codes";
import { createApi } from "api-error-codes/node";
// #endregion

/** What the example's logger keeps; a real one forwards to pino, a metrics client, a tracer. */
export const seen: { level: "info" | "error"; entry: Record<string, unknown>; message: string }[] = [];

// #region observer
// Any object with info() and error() is a logger (pino's, console, your own). 4xx entries arrive at
// info, 5xx at error with the cause's stack; each has request_id, method, path, code and status.
const observer = {
  info: (entry: object, message: string) => {
    seen.push({ level: "info", entry: { ...entry }, message });
  },
  error: (entry: object, message: string) => {
    seen.push({ level: "error", entry: { ...entry }, message });
    console.error(JSON.stringify({ ...entry, msg: message })); // still on stderr for the operator
  },
};
// #endregion

export function buildApi() {
  // #region app
  return createApi({ logger: observer })
    .get("/orders/:id", {}, ({ params }) => {
      throw ApiError.notExist({ resource: "order", id: String(params.id) }); // logged at info: 404 / 10
    })
    .get("/report", {}, () => {
      throw new Error("disk full"); // answered 500 / 0 with the generic message; the log has the stack
    });
  // #endregion
}
