/**
 * Runs a fixture API (the library's node:http adapter) on 127.0.0.1 and a free port, with the two
 * hooks the seeded defects use: handle a request before the API does, and change the error code
 * of an answer before it goes out.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Principal } from "api-error-codes";
import { type NodeApi, protectServer } from "api-error-codes/node";

export interface Running {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

export interface Hooks {
  /** Answers the request itself when it returns true. */
  readonly intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Rewrites an error answer: its status and `error_code`, or its whole body. */
  readonly rewrite?: (
    req: IncomingMessage,
    status: number,
    body: { error_code: number; error_message: string; details: unknown },
  ) => { status: number; body: unknown } | undefined;
}

/** Writes a contract error body (with the request id echoed), for intercepting hooks. */
export function sendError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: number,
  details: unknown,
) {
  const message = { 0: "Unknown server side error occurred", 10: "Resource not found" }[code] ?? "Error";
  const body = JSON.stringify({ error_code: code, error_message: message, details });
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    "X-Request-Id": String(req.headers["x-request-id"] ?? "fixture"),
  });
  res.end(body);
}

function instrument(req: IncomingMessage, res: ServerResponse, hooks: Hooks): void {
  const rewrite = hooks.rewrite;
  if (rewrite === undefined) return;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  (res as unknown as { end: (chunk?: unknown) => ServerResponse }).end = (chunk?: unknown) => {
    if (res.headersSent || res.statusCode < 400 || chunk === undefined) return end(chunk);
    const text = Buffer.isBuffer(chunk) ? chunk.toString("utf8") : String(chunk);
    const change = rewrite(req, res.statusCode, JSON.parse(text));
    if (change === undefined) return end(chunk);
    const body = JSON.stringify(change.body);
    res.statusCode = change.status;
    res.setHeader("Content-Length", Buffer.byteLength(body));
    return end(body);
  };
}

/** Starts `api` with `hooks`. */
export async function serve(api: NodeApi<Principal>, hooks: Hooks = {}): Promise<Running> {
  const server = createServer((req, res) => {
    if (hooks.intercept?.(req, res) === true) return;
    instrument(req, res, hooks);
    api.handle(req, res);
  });
  protectServer(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tokens every fixture knows: a valid one, and one known but expired. */
export const TOKENS: Readonly<Record<string, Principal>> = {
  "fixture-valid-token": { id: "u-1", roles: ["user"] },
  "fixture-expired-token": { id: "u-2", roles: ["user"], expiresAt: "2020-01-02T03:04:05.000Z" },
};
export const VALID_TOKEN = "fixture-valid-token";
export const EXPIRED_TOKEN = "fixture-expired-token";
