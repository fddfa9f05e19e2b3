/**
 * Rates upstreams for the tests: the real demo service, and a switchboard in front of it whose
 * behaviour a test picks: pass through to the demo, answer 401, answer garbage, answer 500, or hang.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type DemoRatesServer, startDemoRatesServer } from "../../src/rates/demo-server.js";

export type Mode = "demo" | "401" | "garbage" | "500" | "hang";

export interface Switchboard {
  url: string;
  mode: Mode;
  /** Requests that reached the switchboard. */
  hits: number;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startSwitchboard(): Promise<Switchboard & { demo: DemoRatesServer }> {
  const demo = await startDemoRatesServer();
  const state = { mode: "demo" as Mode, hits: 0 };
  const server = createServer(async (req, res) => {
    state.hits++;
    switch (state.mode) {
      case "demo": {
        const upstream = await fetch(`${demo.url}${req.url ?? "/"}`);
        res.writeHead(upstream.status, {
          "content-type": upstream.headers.get("content-type") ?? "text/plain",
        });
        res.end(await upstream.text());
        return;
      }
      case "401":
        // An upstream credential problem: it must never reach our client as a 401.
        res.writeHead(401, {
          "content-type": "application/json",
          "www-authenticate": 'Bearer realm="rates"',
        });
        res.end('{"error":"invalid api key"}');
        return;
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"base":"EUR","rates":{"USD":"lots"');
        return;
      case "500":
        res.writeHead(500, { "content-type": "text/html" });
        res.end("<h1>Internal Server Error</h1><pre>at RatesController (/srv/rates/app.js:12)</pre>");
        return;
      case "hang":
        return; // never answers
    }
  });
  const url = await listen(server);
  return {
    url,
    demo,
    get mode() {
      return state.mode;
    },
    set mode(mode: Mode) {
      state.mode = mode;
    },
    get hits() {
      return state.hits;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await demo.close();
    },
  };
}
