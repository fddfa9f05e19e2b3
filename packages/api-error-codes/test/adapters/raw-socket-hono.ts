/**
 * Raw-socket requests for malformed HTTP that no HTTP client would send: the bytes go out as given,
 * and the answer is read until the server closes the connection.
 */
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** Whether `bytes` hold a whole response: headers, and as much body as Content-Length says. */
function complete(bytes: Buffer): boolean {
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(bytes.subarray(0, end).toString("latin1"))?.[1];
  return length !== undefined && bytes.length - end - 4 >= Number(length);
}

function parse(bytes: Buffer): RawAnswer {
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
  const body = (length === undefined ? rest : rest.subarray(0, Number(length))).toString("utf8");
  return { status, headers, body };
}

/** Sends `request` as raw bytes and resolves with the first response, once complete or closed. */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
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
        resolve(parse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      // A kept-alive connection stays open: the response is done when its body is.
      if (complete(Buffer.concat(chunks))) finish();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    // A server that answers before reading everything may reset while the rest is still being written.
    socket.on("error", finish);
    socket.write(request);
  });
}
