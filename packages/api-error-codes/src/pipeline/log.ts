/**
 * Error log entries: one per error answer, with the request id; the cause's stack only for 5xx.
 */
import type { ApiError } from "../api-error.js";
import type { ErrorContext, ErrorLogger } from "./port.js";
import { pathOf } from "./routes.js";

type Stderr = { process?: { stderr?: { write?: (line: string) => unknown } } };

/** A JSON line on stderr; runtimes without node's process (Workers, browsers) get the console. */
function writeLine(level: number, entry: object, message: string): void {
  const line = JSON.stringify({ level, time: Date.now(), ...entry, msg: message });
  const stderr = (globalThis as Stderr).process?.stderr;
  if (typeof stderr?.write === "function") stderr.write(`${line}\n`);
  else if (level >= 50) console.error(line);
  else console.info(line);
}

/** The default logger: pino-style JSON lines on stderr (the console where there is no stderr). */
export const stderrLogger: ErrorLogger = {
  info: (entry, message) => writeLine(30, entry, message),
  error: (entry, message) => writeLine(50, entry, message),
};

/** The default logger's 5xx entries only: for an app whose own logger drops everything. */
export const stderrFailures: ErrorLogger = {
  info: () => {},
  error: stderrLogger.error,
  isLevelEnabled: (level) => level === "error",
};

/** The cause as a log field: name, message and stack for 5xx; name and message otherwise. */
function logCause(error: ApiError<number>): object | undefined {
  const cause = error.status >= 500 ? (error.cause ?? error) : error.cause;
  if (cause === undefined) return undefined;
  // No prototype: pino's `err` serializer would take an object with a `message` for an Error and
  // overwrite `type` with its constructor's name ("Object").
  const out: Record<string, unknown> = Object.create(null);
  if (!(cause instanceof Error)) return Object.assign(out, { type: typeof cause, message: String(cause) });
  out.type = cause.name;
  out.message = cause.message;
  if (error.status >= 500) out.stack = cause.stack;
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  return out;
}

/**
 * Logs one error answer, with `trace_id` beside `request_id` when the request is part of a trace:
 * 5xx at error level with the cause's stack, others at info. A logger that filters the level (pino
 * at "warn" drops 4xx) costs no entry. `error` is built only when logged.
 */
export function logAnswer(
  logger: ErrorLogger | false,
  context: ErrorContext,
  code: number,
  status: number,
  message: string,
  error: ApiError<number> | undefined,
  note?: object,
  traceId?: string,
): void {
  if (logger === false) return;
  const failure = status >= 500;
  if (logger.isLevelEnabled !== undefined && !logger.isLevelEnabled(failure ? "error" : "info")) return;
  const entry = {
    request_id: context.requestId,
    ...(traceId === undefined ? undefined : { trace_id: traceId }),
    method: context.method,
    path: pathOf(context.target),
    code,
    status,
    err: error === undefined ? undefined : logCause(error),
    ...note,
  };
  if (failure) logger.error(entry, message);
  else logger.info(entry, message);
}
