/**
 * The quote endpoint and its upstream, on SQLite and on PostgreSQL: a real demo rates service
 * behind a switchboard that can answer 401, garbage, 500 or hang. 502 / 504 / 503 (circuit open,
 * with Retry-After, the upstream left alone), the half-open probe, and 4 / 10 before any upstream call.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./support/backends.js";
import { call, expectError } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";
import { type Mode, type Switchboard, startSwitchboard } from "./support/upstreams.js";

const RESET_MS = 10_000;

describe.each(backends)("quotes on $name", (backend) => {
  describe.skipIf(!backend.available)("rates upstream", () => {
    let api: TestApi;
    let database: Awaited<ReturnType<typeof backend.create>>;
    let upstream: Switchboard;
    let token: string;
    let orderId: string;

    const quote = (currency: string, id = orderId) =>
      call(api.base, "GET", `/v1/orders/${id}/quote?currency=${currency}`, { token });
    const expectUpstream = async (mode: Mode, status: number, reason: string) => {
      upstream.mode = mode;
      const answer = await quote("USD");
      const body = expectError(answer, status, 11);
      expect(body.details).toStrictEqual({ service: "rates", reason });
      return { answer, body };
    };

    beforeAll(async () => {
      upstream = await startSwitchboard();
      database = await backend.create();
      api = await startApi({
        databaseUrl: database.url,
        ratesUrl: upstream.url,
        env: {
          RATES_CIRCUIT_THRESHOLD: "3",
          RATES_CIRCUIT_RESET_MS: String(RESET_MS),
          RATES_TIMEOUT_MS: "300",
        },
      });
      const login = await call(api.base, "POST", "/v1/auth/token", {
        body: { email: "member@example.com", password: "member-password" },
      });
      token = (login.json as { access_token: string }).access_token;
      const order = await call(api.base, "POST", "/v1/orders", {
        token,
        body: { item: "tea", quantity: 3, unit_price: 10, currency: "EUR" },
      });
      orderId = (order.json as { id: string }).id;
    });
    afterAll(async () => {
      await api?.close();
      await database?.remove();
      await upstream?.close();
    });

    it("quotes through the demo rates service: 200", async () => {
      const answer = await quote("USD");
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json).toMatchObject({
        order_id: orderId,
        source_currency: "EUR",
        currency: "USD",
        rate: 1.08,
        unit_price: 10.8,
        total: 32.4,
      });
      // Minor units follow the currency: yen have none.
      expect((await quote("JPY")).json).toMatchObject({ unit_price: 1625, total: 4875 });
    });

    it("4 for a malformed or unsupported currency, 3 without one, 10 for an absent order: upstream untouched", async () => {
      const before = upstream.hits;
      expectError(await quote("usd"), 400, 4);
      expectError(await call(api.base, "GET", `/v1/orders/${orderId}/quote`, { token }), 400, 3);
      expectError(await quote("USD", "0f8fad5b-d9cb-469f-a165-70867728950e"), 404, 10);
      expectError(await quote("USD", "123"), 400, 4);
      expectError(await call(api.base, "GET", `/v1/orders/${orderId}/quote?currency=USD`), 401, 6);
      expect(upstream.hits).toBe(before);
      // Well-formed, but the rates service has no such rate: a semantic 422 / 4.
      const unsupported = expectError(await quote("XAU"), 422, 4);
      expect(unsupported.details).toMatchObject({
        violations: [
          { in: "query", pointer: "/currency", rule: "enum", expected: expect.arrayContaining(["USD"]) },
        ],
      });
    });

    it("an upstream 401 is never passed on: 502 / 11 bad_response", async () => {
      const { answer, body } = await expectUpstream("401", 502, "bad_response");
      expect(answer.headers.get("www-authenticate")).toBeNull();
      expect(body.error_message).toBe("External service returned an invalid response");
      expect(answer.text).not.toContain("api key");
    });

    it("garbage from the upstream is 502 / 11 bad_response", async () => {
      await expectUpstream("garbage", 502, "bad_response");
      upstream.mode = "demo";
      expect((await quote("USD")).status).toBe(200); // and a success resets the failure count
    });

    it("a hanging upstream is 504 / 11 timeout after RATES_TIMEOUT_MS", async () => {
      const started = performance.now();
      await expectUpstream("hang", 504, "timeout");
      const elapsed = performance.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(5000);
    });

    it("after 3 failures the circuit opens: 503 / 11 with Retry-After, the upstream is not called", async () => {
      // The hang above was failure 1.
      const { body } = await expectUpstream("500", 502, "unavailable");
      expect(body.error_message).toBe("External service is unavailable");
      await expectUpstream("500", 502, "unavailable");
      const hits = upstream.hits;
      const { answer } = await expectUpstream("demo", 503, "circuit_open");
      expect(answer.headers.get("retry-after")).toBe(String(RESET_MS / 1000));
      expect(upstream.hits).toBe(hits);
      api.clock.advance(4000);
      const later = await expectUpstream("demo", 503, "circuit_open");
      expect(later.answer.headers.get("retry-after")).toBe("6");
      expect(upstream.hits).toBe(hits);
    });

    it("half-open: a failed probe opens the circuit again, a successful one closes it", async () => {
      api.clock.advance(6000);
      await expectUpstream("500", 502, "unavailable"); // the probe fails
      const hits = upstream.hits;
      await expectUpstream("demo", 503, "circuit_open");
      expect(upstream.hits).toBe(hits);
      api.clock.advance(RESET_MS);
      upstream.mode = "demo";
      expect((await quote("USD")).status).toBe(200); // the probe succeeds
      expect((await quote("GBP")).status).toBe(200);
      expect(api.deps.rates.circuit.state).toBe("closed");
    });

    it("upstream failures are logged with their cause; the answers stay generic", async () => {
      const entries = api.logs
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((e) => e.code === 11);
      expect(entries.length).toBeGreaterThanOrEqual(5);
      expect(entries.every((e) => typeof e.request_id === "string")).toBe(true);
      expect(api.logs.some((line) => line.includes("rates circuit changed state"))).toBe(true);
    });
  });
});
