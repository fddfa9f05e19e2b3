/**
 * Raw HTTP over a TCP socket, for requests no well-formed client sends (smuggling attempts, garbage
 * request lines, lowercase methods, header overflow): what node's `clientError` path answers.
 */
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** Writes `bytes` to the port and reads until the server closes the connection (or `timeoutMs`). */
export function sendRaw(port: number, bytes: string | Buffer, timeoutMs = 3000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    const timer = setTimeout(
      () => socket.destroy(new Error("raw socket: no complete answer in time")),
      timeoutMs,
    );
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may reset after answering while the rest of a large request is still being written.
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "ECONNRESET" && error.code !== "EPIPE") {
        clearTimeout(timer);
        reject(error);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve(parseAnswer(Buffer.concat(chunks).toString("latin1")));
      } catch (error) {
        reject(error);
      }
    });
    socket.write(bytes);
  });
}

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`raw socket: incomplete answer ${JSON.stringify(text.slice(0, 200))}`);
  const [statusLine = "", ...lines] = text.slice(0, end).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const length = Number(headers["content-length"] ?? Number.NaN);
  const rest = text.slice(end + 4);
  return { status, headers, body: Number.isNaN(length) ? rest : rest.slice(0, length) };
}
