/**
 * Faults of the rates upstream behind GET /v1/orders/{id}/quote, from a fault server that can
 * answer 500, garbage, HTML, an oversized body or a redirect, hang, reset the connection (before or
 * in the middle of the body), trickle the body slowly, or be gone. Each is 502 / 504 / 503 with
 * code 11 and the right reason, within the timeout budget (RATES_TIMEOUT_MS plus a little), with
 * a fixed message and nothing of the upstream's answer. Then the circuit: it opens after the
 * threshold, refuses at once without touching the upstream, stays open while the upstream is
 * still sick, and closes again once it heals.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoRatesServer, startDemoRatesServer } from "../../src/rates/demo-server.js";
import { startApi, type TestApi } from "../support/server.js";
import { codeOf, login, MEMBER, problems, request, type Seen, sqlite } from "./support.js";

type Mode =
  | "ok"
  | "500"
  | "garbage"
  | "binary"
  | "html"
  | "huge"
  | "redirect"
  | "hang"
  | "slow-headers"
  | "trickle"
  | "reset"
  | "reset-mid-body"
  | "wrong-shape";

const TIMEOUT_MS = 300;
const THRESHOLD = 3;
const RESET_MS = 10_000;
/** What a refusal may take beyond the timeout: scheduling, the database, the answer. */
const SLACK_MS = 700;

interface FaultServer {
  url: string;
  mode: Mode;
  hits: number;
  close(): Promise<void>;
}

async function startFaultServer(demo: DemoRatesServer): Promise<FaultServer> {
  const state = { mode: "ok" as Mode, hits: 0 };
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  const server: Server = createServer(async (req, res) => {
    state.hits++;
    switch (state.mode) {
      case "ok": {
        const upstream = await fetch(`${demo.url}${req.url ?? "/"}`);
        res.writeHead(upstream.status, { "content-type": "application/json" });
        res.end(await upstream.text());
        return;
      }
      case "500":
        res.writeHead(500, { "content-type": "text/plain" });
        res.end("Internal error at RatesService.fetch (/srv/rates/service.js:42) password=hunter2");
        return;
      case "garbage":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"base":"EUR","rates":{"USD":');
        return;
      case "binary":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x7b]));
        return;
      case "html":
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html><body>maintenance</body></html>");
        return;
      case "wrong-shape":
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"base":"EUR","as_of":"2024-01-01T00:00:00Z","rates":{"USD":-1,"__proto__":{"x":1}}}');
        return;
      case "huge":
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          `{"base":"EUR","as_of":"2024-01-01T00:00:00Z","rates":{"USD":1.1},"pad":"${"x".repeat(400_000)}"}`,
        );
        return;
      case "redirect":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" });
        res.end();
        return;
      case "hang":
        return;
      case "slow-headers":
        later(TIMEOUT_MS * 3, () => {
          if (!res.destroyed) res.writeHead(200, { "content-type": "application/json" }).end("{}");
        });
        return;
      case "trickle": {
        res.writeHead(200, { "content-type": "application/json" });
        const body = '{"base":"EUR","as_of":"2024-01-01T00:00:00Z","rates":{"EUR":1,"USD":1.08}}';
        let i = 0;
        const drip = () => {
          if (res.destroyed) return;
          if (i >= body.length) {
            res.end();
            return;
          }
          res.write(body[i++]);
          later(50, drip);
        };
        drip();
        return;
      }
      case "reset":
        req.socket.destroy();
        return;
      case "reset-mid-body":
        res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
        res.write('{"base":"EUR","rates":{');
        later(20, () => req.socket.destroy());
        return;
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
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
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe("upstream faults on the quote endpoint", () => {
  let demo: DemoRatesServer;
  let faults: FaultServer;
  let database: Awaited<ReturnType<typeof sqlite.create>>;
  let api: TestApi;
  let token = "";
  let orderId = "";

  const quote = async (): Promise<{ answer: Seen; ms: number }> => {
    const started = Date.now();
    const answer = await request(api.base, "GET", `/v1/orders/${orderId}/quote?currency=USD`, { token });
    return { answer, ms: Date.now() - started };
  };
  /** The circuit closed and its failure count back at zero: one good call. */
  const heal = async () => {
    faults.mode = "ok";
    api.clock.advance(RESET_MS);
    expect((await quote()).answer.status).toBe(200);
  };

  beforeAll(async () => {
    demo = await startDemoRatesServer();
    faults = await startFaultServer(demo);
    database = await sqlite.create();
    api = await startApi({
      databaseUrl: database.url,
      ratesUrl: faults.url,
      env: {
        RATES_TIMEOUT_MS: String(TIMEOUT_MS),
        RATES_CIRCUIT_THRESHOLD: String(THRESHOLD),
        RATES_CIRCUIT_RESET_MS: String(RESET_MS),
        LOG_LEVEL: "warn",
      },
    });
    token = (await login(api.base, MEMBER)).access_token;
    const order = await request(api.base, "POST", "/v1/orders", {
      token,
      body: { item: "tea", quantity: 2, unit_price: 10, currency: "EUR" },
    });
    orderId = (JSON.parse(order.text) as { id: string }).id;
  });
  afterAll(async () => {
    await api?.close();
    await faults?.close();
    await demo?.close();
    await database?.remove();
  });

  const cases: [Mode, number, string][] = [
    ["500", 502, "unavailable"],
    ["garbage", 502, "bad_response"],
    ["binary", 502, "bad_response"],
    ["html", 502, "bad_response"],
    ["wrong-shape", 502, "bad_response"],
    ["huge", 502, "bad_response"],
    // fetch refuses the redirect (redirect: "error") with the same TypeError as a network failure.
    ["redirect", 502, "unavailable"],
    ["hang", 504, "timeout"],
    ["slow-headers", 504, "timeout"],
    ["trickle", 504, "timeout"],
    ["reset", 502, "unavailable"],
    ["reset-mid-body", 502, "unavailable"],
  ];

  it.each(cases)("%s -> %i / 11 %s, within the budget", async (mode, status, reason) => {
    await heal();
    faults.mode = mode;
    const { answer, ms } = await quote();
    expect(problems(answer), answer.text).toStrictEqual([]);
    expect([answer.status, codeOf(answer)], answer.text).toStrictEqual([status, 11]);
    const body = JSON.parse(answer.text) as { error_message: string; details: unknown };
    expect(body.details).toStrictEqual({ service: "rates", reason });
    // Nothing of the upstream's answer comes through.
    expect(answer.text).not.toMatch(/hunter2|srv|maintenance|169\.254|RatesService/);
    expect(ms, `answered after ${ms} ms`).toBeLessThan(TIMEOUT_MS + SLACK_MS);
  });

  it("a service that is gone (connection refused) -> 502 / 11 at once", async () => {
    const gone = await startApi({
      databaseUrl: database.url,
      ratesUrl: "http://127.0.0.1:9",
      env: { RATES_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: "warn" },
    });
    try {
      const started = Date.now();
      const answer = await request(gone.base, "GET", `/v1/orders/${orderId}/quote?currency=USD`, { token });
      expect(problems(answer)).toStrictEqual([]);
      expect([answer.status, codeOf(answer)]).toStrictEqual([502, 11]);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + SLACK_MS);
    } finally {
      await gone.close();
    }
  });

  it("the circuit opens after the threshold, refuses at once while open, and closes when the upstream heals", async () => {
    await heal();
    faults.mode = "reset";
    for (let i = 0; i < THRESHOLD; i++) expect((await quote()).answer.status).toBe(502);

    // Open: 503 / 11 circuit_open with Retry-After, immediately, and the upstream is left alone.
    const hits = faults.hits;
    const refusals = await Promise.all(Array.from({ length: 20 }, quote));
    for (const { answer, ms } of refusals) {
      expect(problems(answer)).toStrictEqual([]);
      expect([answer.status, codeOf(answer)]).toStrictEqual([503, 11]);
      expect(JSON.parse(answer.text).details).toStrictEqual({ service: "rates", reason: "circuit_open" });
      expect(Number(answer.headers["retry-after"])).toBeGreaterThanOrEqual(1);
      expect(Number(answer.headers["retry-after"])).toBeLessThanOrEqual(RESET_MS / 1000);
      expect(ms).toBeLessThan(SLACK_MS);
    }
    expect(faults.hits).toBe(hits);

    // Still sick when the period ends: the one probe fails and the circuit opens again.
    api.clock.advance(RESET_MS);
    expect((await quote()).answer.status).toBe(502);
    expect(faults.hits).toBe(hits + 1);
    expect((await quote()).answer.status).toBe(503);

    // Healed: the next probe succeeds and the circuit is closed again for everyone.
    faults.mode = "ok";
    expect((await quote()).answer.status).toBe(503);
    api.clock.advance(RESET_MS);
    const probe = await quote();
    expect(probe.answer.status, probe.answer.text).toBe(200);
    const after = await Promise.all(Array.from({ length: 10 }, quote));
    expect(after.map((q) => q.answer.status)).toStrictEqual(Array(10).fill(200));
    expect(
      api.logs.filter((line) => line.includes("rates circuit changed state")).length,
    ).toBeGreaterThanOrEqual(4);
  });
});
