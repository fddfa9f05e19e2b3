/** Real local servers and sockets for the classification tests: nothing is mocked. */
import * as http from "node:http";
import * as net from "node:net";

/** Starts a server on 127.0.0.1 and a free port; `close` also drops open (hanging) connections. */
export async function listen(
  server: http.Server | net.Server,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  server.on("connection", (socket: net.Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("server has no TCP address");
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was bound, then released). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const { port, close } = await listen(server);
  await close();
  return port;
}

/** The error a plain TCP connect to 127.0.0.1:port fails with, or `undefined` if it connects. */
export function connectError(port: number): Promise<Error | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once("error", resolve);
  });
}

export interface RawResponse {
  status: number;
}

/** Sends one HTTP request with exact headers and body; resolves when the answer has been read. */
export function send(
  port: number,
  headers: Record<string, string>,
  body: string | Buffer,
  path = "/",
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path, method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Declares a body larger than what is sent, then closes the connection: the server sees the
 * request aborted mid-body.
 */
export function sendTruncated(port: number, declared: number, sent: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port }, () => {
      socket.write(
        `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${sent}`,
      );
      setTimeout(() => socket.destroy(), 50);
    });
    socket.on("close", () => resolve());
    socket.on("error", () => {});
  });
}
