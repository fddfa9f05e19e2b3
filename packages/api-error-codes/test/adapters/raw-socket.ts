/** Sends raw bytes over TCP and parses the one HTTP response that comes back. */
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `data` (all at once, or in timed pieces) and resolves with the response once the socket closes. */
export function rawRequest(
  port: number,
  data: string | Buffer | (string | number)[],
  timeoutMs = 5000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no complete answer in time"));
    }, timeoutMs);
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const split = text.indexOf("\r\n\r\n");
      const lines = text.slice(0, split).split("\r\n");
      const status = Number(lines[0]?.split(" ")[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status, headers, body: split === -1 ? "" : text.slice(split + 4) });
    });
    socket.on("connect", async () => {
      if (!Array.isArray(data)) {
        socket.write(data);
        return;
      }
      // Strings are written, numbers are pauses in ms: a slow client.
      for (const piece of data) {
        if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece));
        else if (!socket.destroyed) socket.write(piece);
      }
    });
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
    data: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    status: 400,
  },
  {
    name: "header block over 16 KiB",
    data: `GET /items HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    status: 431,
  },
];
