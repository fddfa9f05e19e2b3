/**
 * A small stand-in for an external exchange-rates service, so that the quote endpoint has a real
 * HTTP upstream out of the box. `npm start` runs it beside the API when RATES_URL is not set; it
 * also runs alone: `npm run rates --workspace reference-api` (RATES_PORT, default 3100).
 *
 * GET /v1/rates -> {"base":"EUR","as_of":"...","rates":{"EUR":1,"USD":1.08,...}}
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Fixed demo figures, not market data. */
const RATES: Readonly<Record<string, number>> = {
  EUR: 1,
  USD: 1.08,
  GBP: 0.85,
  CHF: 0.95,
  JPY: 162.5,
  SEK: 11.45,
  NOK: 11.6,
  DKK: 7.46,
  PLN: 4.32,
  CAD: 1.47,
  AUD: 1.64,
};

export interface DemoRatesServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function send(res: import("node:http").ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startDemoRatesServer(host = "127.0.0.1", port = 0): Promise<DemoRatesServer> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?", 1)[0];
    if (req.method === "GET" && path === "/v1/rates") {
      send(res, 200, { base: "EUR", as_of: new Date().toISOString(), rates: RATES });
    } else {
      send(res, 404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// Run directly: a standalone demo service.
if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.RATES_PORT ?? 3100);
  const demo = await startDemoRatesServer(process.env.HOST ?? "127.0.0.1", port);
  console.log(`demo rates service on ${demo.url}/v1/rates`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
