/**
 * A hand-written node:http server that speaks the contract only as far as each test needs, for
 * situations the library's adapter never produces (a 400 about the wrong thing, a dropped
 * connection, credentials outside the Authorization header). It records what it received.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { protectServer } from "api-error-codes/node";

export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

export interface TinyAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Destroy the connection instead of answering. */
  readonly drop?: true;
}

export interface Tiny {
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

const MESSAGES: Record<number, string> = {
  1: "Method not allowed",
  3: "Invalid structure",
  4: "Invalid value",
  5: "Invalid type",
  6: "Authentication not provided",
  7: "Authentication invalid",
  9: "Forbidden",
  10: "Resource not found",
};

/** A contract error answer. */
export const fail = (status: number, code: number, details: unknown = null, headers = {}): TinyAnswer => ({
  status,
  body: { error_code: code, error_message: MESSAGES[code] ?? "Error", details },
  headers,
});

/** Starts a server whose every request (body read in full) is answered by `handler`. */
export async function startTiny(handler: (seen: Seen) => TinyAnswer): Promise<Tiny> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "GET",
        url: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(request);
      const answer = handler(request);
      if (answer.drop === true) {
        req.socket.destroy();
        return;
      }
      const text = answer.body === undefined ? "" : JSON.stringify(answer.body);
      res.writeHead(answer.status, {
        "X-Request-Id": String(req.headers["x-request-id"] ?? "tiny"),
        ...(text === "" ? {} : { "Content-Type": "application/json; charset=utf-8" }),
        ...answer.headers,
      });
      res.end(text);
    });
  });
  // The library's answers to malformed HTTP (400/431 with a contract body), like any fixture.
  protectServer(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
