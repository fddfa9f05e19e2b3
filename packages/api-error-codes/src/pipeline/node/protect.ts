/**
 * Conforming answers to malformed HTTP that never reaches a route (node's `clientError`, CONNECT,
 * a missing or doubled Host, slow clients), for every adapter running on node's HTTP server.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ApiError } from "../../api-error.js";
import type { Violation } from "../../details.js";
import { type ErrorResponse, errorResponse, requestId } from "../../response.js";
import { writeAnswer } from "./port.js";

/** node's HTTP/1 server (and https'), told by what this module uses of it: HTTP/2 servers have no `headersTimeout`. */
function isHttp1(server: object): server is Server {
  return (
    typeof (server as Partial<Server>).headersTimeout === "number" &&
    typeof (server as Partial<Server>).on === "function"
  );
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
};

/** A code-3 answer for a request refused before any route runs: fresh request id, connection closed. */
function refusal(status: 400 | 408 | 413 | 431, violation: Violation, cause?: unknown): ErrorResponse {
  const error3 = ApiError.invalidStructure([violation], {
    status,
    ...(cause === undefined ? {} : { cause }),
  });
  const response = errorResponse(error3);
  response.headers["X-Request-Id"] = requestId(undefined);
  response.headers.Connection = "close";
  return response;
}

/** The contract's answer to a parser or timeout error node raises before any route runs. */
export function clientErrorResponse(error: Error & { code?: string }): ErrorResponse {
  let status: 400 | 408 | 413 | 431 = 400;
  let rule = "parse";
  let message = "Malformed HTTP request";
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      status = 431;
      rule = "size";
      message = "Request headers are too large";
      break;
    case "ERR_HTTP_REQUEST_TIMEOUT":
    case "ERR_HTTP_HEADERS_TIMEOUT":
      status = 408;
      rule = "timeout";
      message = "Request was not received in time";
      break;
    case "HPE_CHUNK_EXTENSIONS_OVERFLOW":
      status = 413;
      rule = "size";
      message = "Chunk extensions are too large";
      break;
  }
  return refusal(status, { in: "header", pointer: "", rule, message }, error);
}

/** Writes a whole answer on a socket that has no ServerResponse (parser errors, CONNECT). */
function writeRaw(socket: Socket, response: ErrorResponse): void {
  let head = `HTTP/1.1 ${response.status} ${REASONS[response.status]}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${Buffer.byteLength(response.body)}\r\n\r\n`;
  socket.end(head + response.body);
}

function writeClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset or a socket with a response already on its way has nobody left to answer.
  const pending = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  writeRaw(socket, clientErrorResponse(error));
}

/** CONNECT is for proxies: node hands over the bare socket, which it would otherwise close unanswered. */
function refuseConnect(_req: IncomingMessage, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const message = "CONNECT requests are not served";
  writeRaw(socket, refusal(400, { in: "header", pointer: "", rule: "parse", message }));
}

/** RFC 3986 `host [ ":" port ]`: reg-name, IPv4 or an IP literal in brackets; empty is allowed. */
const HOST = /^(?:\[[0-9A-Za-z:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]*)(?::[0-9]*)?$/;

/**
 * RFC 9112 section 3.2: a request without Host (HTTP/1.1), with more than one, or with an invalid
 * one is 400. Node checks only the first itself, with a bare 400 that has no body.
 */
function hostViolation(req: IncomingMessage): Violation | undefined {
  // Counted on rawHeaders: `headersDistinct` would build an array for every header of every request.
  const raw = req.rawHeaders;
  let count = 0;
  let host = "";
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && name.toLowerCase() === "host" && count++ === 0) host = raw[i + 1] as string;
  }
  const pointer = "/host";
  if (count === 0) {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return undefined;
    return { in: "header", pointer, rule: "required", message: "is required" };
  }
  if (count > 1) {
    return { in: "header", pointer, rule: "duplicate", message: "The Host header must appear once" };
  }
  if (!HOST.test(host)) {
    return {
      in: "header",
      pointer,
      rule: "pattern",
      message: "must be a host name or address with an optional port",
    };
  }
  return undefined;
}

const GUARDED = Symbol.for("api-error-codes.host-guard");

/**
 * Checks Host before any request listener runs, whatever the order they were added in, by taking
 * node's `request` event in hand; node's own check (a bare 400) is turned off.
 */
function guardHost(server: Server): void {
  const guarded = server as Server & { [GUARDED]?: true; requireHostHeader?: boolean };
  if (guarded[GUARDED] === true) return;
  guarded[GUARDED] = true;
  guarded.requireHostHeader = false;
  const emit = server.emit;
  // Every event of the server passes here: `arguments` is handed on as it is, with no rest array
  // and no spread per event.
  server.emit = function emitChecked(
    this: Server,
    event: string | symbol,
    req?: unknown,
    res?: unknown,
  ): boolean {
    if (event === "request") {
      const violation = hostViolation(req as IncomingMessage);
      if (violation !== undefined) {
        writeAnswer(req as IncomingMessage, res as ServerResponse, refusal(400, violation));
        return true;
      }
    }
    // biome-ignore lint/complexity/noArguments: forwards every argument of any event unchanged
    return emit.apply(this, arguments as unknown as Parameters<Server["emit"]>);
  } as Server["emit"];
}

export interface ProtectOptions {
  /** Time to receive all headers (slowloris); 408 after it. Default 10 s. */
  headersTimeout?: number;
  /** Time to receive the whole request (slow bodies); 408 after it. Default 30 s. */
  requestTimeout?: number;
}

/** The option of the adapters whose framework makes the node server (Express, Fastify, NestJS). */
export interface ProtectOption {
  /**
   * The server the framework makes answers malformed HTTP with the contract ({@link protectServer},
   * with these timeouts); on by default. `false` leaves it as the framework makes it.
   */
  protect?: ProtectOptions | false;
}

/**
 * Makes a node HTTP server answer malformed requests (bad request line, smuggling attempts, header
 * overflow, slow headers or body, a missing, doubled or invalid Host, CONNECT) with a conforming
 * 400 / 408 / 413 / 431 instead of node's bare reply or a silent close. Replaces other `clientError`,
 * `connect` and `checkExpectation` listeners (Fastify installs a `clientError` one). Takes whatever a
 * framework's `listen`/`serve` returns (@hono/node-server's `serve()` types it as HTTP/1 or HTTP/2):
 * an HTTP/2 server, which has no such parser errors, is returned as it is.
 * @example
 * protectServer(http.createServer(handler)).listen(3000);
 * protectServer(serve({ fetch: app.fetch, port: 3000 })); // @hono/node-server
 */
export function protectServer<S extends object>(server: S, options: ProtectOptions = {}): S {
  if (!isHttp1(server)) return server;
  server.removeAllListeners("clientError");
  server.on("clientError", writeClientError);
  server.removeAllListeners("connect");
  server.on("connect", refuseConnect);
  // An expectation other than 100-continue is ignored (RFC 9110 section 10.1.1) rather than
  // answered with node's bare 417: the request is served as if it had none.
  server.removeAllListeners("checkExpectation");
  server.on("checkExpectation", (req: IncomingMessage, res: ServerResponse) =>
    server.emit("request", req, res),
  );
  guardHost(server);
  server.headersTimeout = options.headersTimeout ?? 10_000;
  server.requestTimeout = options.requestTimeout ?? 30_000;
  return server;
}
