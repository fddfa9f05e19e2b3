/**
 * Raw-socket requests for malformed HTTP that no HTTP client would send: the bytes go out as given
 * (or in timed pieces, for slow clients), and the first response is read until complete or closed.
 */
import { connect } from "node:net";
import { expect } from "vitest";
import { parseErrorBody } from "../../src/index.js";

export interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** The bytes after any interim (1xx) responses, such as `100 Continue`: the final answer is wanted. */
function final(bytes: Buffer): Buffer {
  while (/^HTTP\/1\.[01] 1\d\d /.test(bytes.subarray(0, 13).toString("latin1"))) {
    const end = bytes.indexOf("\r\n\r\n");
    if (end === -1) break;
    bytes = bytes.subarray(end + 4);
  }
  return bytes;
}

/**
 * Whether `bytes` hold a whole response: headers, and as much body as Content-Length says (none for
 * the answer to a HEAD, whose Content-Length is that of the GET).
 */
function complete(bytes: Buffer, head: boolean): boolean {
  bytes = final(bytes);
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) return false;
  if (head) return true;
  const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, end).toString("latin1"))?.[1];
  return length !== undefined && bytes.length - end - 4 >= Number(length);
}

function parse(bytes: Buffer, head: boolean): RawAnswer {
  bytes = final(bytes);
  const text = bytes.toString("utf8");
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`no complete HTTP response: ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(statusLine.split(" ")[1]);
  const length = headers["content-length"];
  const rest = bytes.subarray(Buffer.byteLength(text.slice(0, end + 4)));
  const body = (head || length === undefined ? rest : rest.subarray(0, Number(length))).toString("utf8");
  return { status, headers, body };
}

/** A request as exact bytes: Host and `Connection: close` unless given, Content-Length for a body. */
export function http(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Buffer {
  const all: Record<string, string> = { Host: "x", Connection: "close", ...headers };
  if (body !== undefined && !("Content-Length" in all) && !("Transfer-Encoding" in all))
    all["Content-Length"] = String(Buffer.byteLength(body));
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(all)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), Buffer.from(body ?? "")]);
}

/**
 * Sends `request` as raw bytes and resolves with the first response, once complete or closed. An
 * array is written piece by piece, numbers being pauses in milliseconds: a slow client. `head`:
 * the request is a HEAD, so the answer is complete with its headers.
 */
export function rawRequest(
  port: number,
  request: string | Buffer | readonly (string | number)[],
  timeoutMs = 5000,
  head = false,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      try {
        resolve(parse(Buffer.concat(chunks), head));
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      // A kept-alive connection stays open: the response is done when its body is.
      if (complete(Buffer.concat(chunks), head)) finish();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    // A server that answers before reading everything may reset while the rest is still being written.
    socket.on("error", finish);
    if (!Array.isArray(request)) {
      socket.write(request as string | Buffer);
      return;
    }
    void (async () => {
      for (const piece of request) {
        if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece));
        else if (!socket.destroyed) socket.write(piece);
      }
    })();
  });
}

/** The malformed requests every node-based adapter must answer with a conforming error. */
export const MALFORMED: { name: string; data: string; status: number }[] = [
  { name: "garbage request line", data: "HELLO\r\n\r\n", status: 400 },
  { name: "lowercase method", data: "get /items HTTP/1.1\r\nHost: x\r\n\r\n", status: 400 },
  {
    name: "Content-Length with Transfer-Encoding (smuggling)",
    data: "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    status: 400,
  },
  {
    name: "two Content-Length values",
    data: "POST /items HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
    status: 400,
  },
  { name: "space before the colon", data: "GET /items HTTP/1.1\r\nHost : x\r\n\r\n", status: 400 },
  {
    name: "bad chunk size",
    data: "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    status: 400,
  },
  {
    name: "header block over 16 KiB",
    data: `GET /items HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    status: 431,
  },
];

/** What a malformed request must get: the status, JSON, a fresh request id and a conforming code-3 body. */
export function expectMalformedAnswer(answer: RawAnswer, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(answer.headers["x-content-type-options"]).toBe("nosniff");
  expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
  const parsed = parseErrorBody(answer.body, status);
  expect(parsed.conforming ? parsed.body.error_code : parsed.problems).toBe(3);
}
