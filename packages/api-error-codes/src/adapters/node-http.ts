/**
 * What every adapter running on node's HTTP server shares: reading a body under a limit, writing an
 * error answer, and conforming answers to malformed HTTP that never reaches a route.
 */
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { ApiError } from "../api-error.js";
import { bodyTooLarge, bodyUnreadable } from "../body.js";
import { type ErrorResponse, errorResponse, requestId } from "../response.js";

/**
 * The body bytes, refusing more than `limit` (413 / 3) while reading, so a chunked upload past the
 * limit is cut off without being buffered.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("aborted", onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        // Stop buffering; the rest is discarded while the 413 goes out, then the connection closes.
        req.resume();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(bodyUnreadable(error));
    };
    const onAborted = () => onError(new Error("request aborted"));
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("aborted", onAborted);
  });
}

/** Writes an error answer; HEAD gets the headers without the body. */
export function sendError(req: IncomingMessage, res: ServerResponse, response: ErrorResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.statusCode = response.status;
  for (const name in response.headers) res.setHeader(name, response.headers[name] as string);
  res.setHeader("Content-Length", Buffer.byteLength(response.body));
  res.end(req.method === "HEAD" ? undefined : response.body);
}

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  413: "Content Too Large",
  431: "Request Header Fields Too Large",
};

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
  const error3 = ApiError.invalidStructure([{ in: "header", pointer: "", rule, message }], {
    status,
    cause: error,
  });
  const response = errorResponse(error3);
  response.headers["X-Request-Id"] = requestId(undefined);
  response.headers.Connection = "close";
  return response;
}

function writeClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset or a socket with a response already on its way has nobody left to answer.
  const pending = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (error.code === "ECONNRESET" || !socket.writable || pending?.headersSent === true) {
    socket.destroy();
    return;
  }
  const response = clientErrorResponse(error);
  let head = `HTTP/1.1 ${response.status} ${REASONS[response.status]}\r\n`;
  for (const [name, value] of Object.entries(response.headers)) head += `${name}: ${value}\r\n`;
  head += `Content-Length: ${Buffer.byteLength(response.body)}\r\n\r\n`;
  socket.end(head + response.body);
}

export interface ProtectOptions {
  /** Time to receive all headers (slowloris); 408 after it. Default 10 s. */
  headersTimeout?: number;
  /** Time to receive the whole request (slow bodies); 408 after it. Default 30 s. */
  requestTimeout?: number;
}

/**
 * Makes a node HTTP server answer malformed requests (bad request line, smuggling attempts, header
 * overflow, slow headers or body) with a conforming 400 / 408 / 413 / 431 instead of node's bare
 * reply or a silent close. Replaces other `clientError` listeners (Fastify installs one).
 * @example
 * protectServer(http.createServer(handler)).listen(3000);
 */
export function protectServer<S extends Server>(server: S, options: ProtectOptions = {}): S {
  server.removeAllListeners("clientError");
  server.on("clientError", writeClientError);
  server.headersTimeout = options.headersTimeout ?? 10_000;
  server.requestTimeout = options.requestTimeout ?? 30_000;
  return server;
}
