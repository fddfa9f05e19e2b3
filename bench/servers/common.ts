/**
 * What every benchmark server shares: the six routes, the port handshake with the orchestrator, and
 * the logger of the servers that log through pino.
 *
 * Routes (the same in every server):
 *   GET   /items/1  -> 200 {"id":1,"name":"apple"}
 *   GET   /nope     -> 404 (no such route)
 *   PATCH /items    -> 405 where the server knows it (bare frameworks answer what they answer)
 *   POST  /items    -> 400 for {"name":{}} (the schema wants a string)
 *   GET   /me       -> 401 without a token
 *   GET   /boom     -> the handler throws: 500, with a log line
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** The route schema of POST /items, for the servers that validate with a schema. */
export const ItemBody = {
  type: "object",
  required: ["name"],
  properties: { name: { type: "string", minLength: 1 } },
} as const;

/** The one token the servers with auth accept. */
export const TOKEN = "bench-token";
export const lookup = (token: string) => (token === TOKEN ? { id: "u-1", roles: ["member"] } : undefined);

/** The port from `--port N` or `PORT`; 0 (any free port) by default. */
export function portArg(): number {
  const i = process.argv.indexOf("--port");
  const raw = i === -1 ? process.env.PORT : process.argv[i + 1];
  return raw === undefined ? 0 : Number(raw);
}

/** Tells the orchestrator (over IPC, or on stdout when run by hand) where the server listens. */
export function announce(server: Server): void {
  const { port } = server.address() as AddressInfo;
  if (process.send !== undefined) process.send({ ready: port, pid: process.pid });
  else console.log(`listening on http://127.0.0.1:${port}`);
}

/** The thrown error of GET /boom; its message must never reach the client. */
export function boom(): never {
  throw new Error("boom: password=hunter2 at /srv/app/handlers.js:12");
}

// The orchestrator discards the servers' output; a crash is reported over IPC instead.
process.on("uncaughtException", (error) => {
  process.send?.({ crashed: String(error?.stack ?? error) });
  process.exit(1);
});
process.on("disconnect", () => process.exit(0));

// bench/rss.ts asks for the memory figures, after a full collection when --expose-gc is on.
process.on("message", (message: { memory?: boolean }) => {
  if (message?.memory !== true) return;
  (globalThis as { gc?: () => void }).gc?.();
  process.send?.({ memory: process.memoryUsage() });
});
// A clean exit on SIGTERM / SIGINT, so that `node --cpu-prof` writes its profile.
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0));
