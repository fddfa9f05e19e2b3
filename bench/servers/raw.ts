/**
 * The limit: plain node:http answering every route with bytes computed at start-up. It still keeps
 * the contract (JSON bodies, X-Request-Id, Allow, WWW-Authenticate), reads and checks the POST body,
 * and builds an Error (with its stack) and a log line for the 500, so that the error routes cost what
 * their work costs at least.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { announce, boom, portArg } from "./common.js";

const JSON_TYPE = "application/json; charset=utf-8";

interface Canned {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

function canned(status: number, body: unknown, extra: [string, string][] = []): Canned {
  const bytes = Buffer.from(JSON.stringify(body));
  return {
    status,
    headers: [["Content-Type", JSON_TYPE], ["Content-Length", String(bytes.length)], ...extra],
    body: bytes,
  };
}

const ITEM = canned(200, { id: 1, name: "apple" });
const CREATED = canned(201, { id: 7, name: "pear" });
const NOT_FOUND = canned(404, { error_code: 10, error_message: "Resource not found", details: null });
const NOT_ALLOWED = canned(
  405,
  {
    error_code: 1,
    error_message: "Method not allowed",
    details: { method: "PATCH", allowed: ["OPTIONS", "POST"] },
  },
  [["Allow", "OPTIONS, POST"]],
);
const INVALID = canned(400, {
  error_code: 5,
  error_message: "/name must be string",
  details: { violations: [{ in: "body", pointer: "/name", rule: "type", message: "must be string" }] },
});
const NO_AUTH = canned(401, { error_code: 6, error_message: "Authentication required", details: null }, [
  ["WWW-Authenticate", "Bearer"],
]);
const FAILED = canned(500, {
  error_code: 0,
  error_message: "Unknown server side error occurred",
  details: null,
});

function send(res: ServerResponse, answer: Canned): void {
  const headers = [...answer.headers, ["X-Request-Id", randomUUID()]];
  res.writeHead(answer.status, headers.flat());
  res.end(answer.body);
}

function readJson(req: IncomingMessage, then: (value: unknown) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    try {
      then(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      then(undefined);
    }
  });
}

const server = createServer((req, res) => {
  const { method, url } = req;
  if (url === "/items/1" && method === "GET") return send(res, ITEM);
  if (url === "/items") {
    if (method !== "POST") return send(res, NOT_ALLOWED);
    return readJson(req, (body) =>
      send(res, typeof (body as { name?: unknown })?.name === "string" ? CREATED : INVALID),
    );
  }
  if (url === "/me" && method === "GET") {
    if (req.headers.authorization === undefined) return send(res, NO_AUTH);
    return send(res, ITEM);
  }
  if (url === "/boom" && method === "GET") {
    try {
      boom();
    } catch (error) {
      const e = error as Error;
      const line = { level: 50, time: Date.now(), url, err: { message: e.message, stack: e.stack } };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return send(res, FAILED);
    }
  }
  return send(res, NOT_FOUND);
});
server.keepAliveTimeout = 65_000;
server.listen(portArg(), "127.0.0.1", () => announce(server));
