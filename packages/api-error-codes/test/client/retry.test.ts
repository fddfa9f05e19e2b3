import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createClient,
  DEFAULT_RETRY,
  type FetchLike,
  isResponseError,
  NetworkError,
  parseRetryAfter,
} from "../../src/client/index.js";
import { resolveRetry, retryDelay } from "../../src/client/retry.js";
import { refusedPort, startApi } from "./servers.js";

let app: Awaited<ReturnType<typeof startApi>>;
let seq = 0;
/** A key of its own for every request, so that hit counts never mix. */
const key = (name: string) => `${name}-${++seq}`;

beforeAll(async () => {
  app = await startApi();
});
afterAll(() => app.close());

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** Fast backoff so that the tests that do not measure time stay quick. */
const fast = { baseDelayMs: 5, maxDelayMs: 20 };

describe("Retry-After", () => {
  it("seconds: waits as long as the server asked, then succeeds", async () => {
    const api = createClient({ baseUrl: app.url });
    const k = key("ra-seconds");
    const started = Date.now();
    const res = await api.get<{ ok: boolean; attempts: number }>(`/flaky?key=${k}&fail=1&retryAfter=1`);
    const elapsed = Date.now() - started;
    expect(res).toEqual({ ok: true, attempts: 2 });
    expect(app.state.count(k)).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(2500);
  });

  it("HTTP-date: waits until that date", async () => {
    const api = createClient({ baseUrl: app.url });
    const k = key("ra-date");
    const started = Date.now();
    // The date is whole seconds, so "now + 2 s" lands between 1 and 2 s from now.
    const res = await api.get<{ attempts: number }>(`/flaky?key=${k}&fail=1&date=2&code=11`);
    const elapsed = Date.now() - started;
    expect(res.attempts).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3000);
  });

  it("parses both forms", () => {
    const now = Date.parse("2030-01-01T00:00:00.000Z");
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Tue, 01 Jan 2030 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Mon, 31 Dec 2029 23:59:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("-1", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("is not waited for when it ends past maxTotalMs: the error says how long", async () => {
    const api = createClient({ baseUrl: app.url, retry: { maxTotalMs: 500 } });
    const k = key("ra-budget");
    const started = Date.now();
    const err = await failure(api.get(`/flaky?key=${k}&fail=1&retryAfter=1`));
    expect(Date.now() - started).toBeLessThan(400);
    expect(app.state.count(k)).toBe(1);
    expect(isResponseError(err) && err.code === 12 && err.retryAfterMs === 1000).toBe(true);
  });
});

describe("what is retried", () => {
  it("codes 11 and 12 on 5xx, and proxy 502s, for idempotent methods", async () => {
    const api = createClient({ baseUrl: app.url, retry: fast });
    const k11 = key("c11");
    expect(await api.get(`/flaky?key=${k11}&fail=2&code=11`)).toEqual({ ok: true, attempts: 3 });
    const k502 = key("proxy");
    const err = await failure(api.get(`/proxy-502?key=${k502}`));
    expect(isResponseError(err) && err.code === 0 && !err.conforming).toBe(true);
    expect(app.state.count(k502)).toBe(DEFAULT_RETRY.attempts);
  });

  it("never a 4xx, even with Retry-After, even when listed", async () => {
    const api = createClient({ baseUrl: app.url, retry: { ...fast, statuses: [429, 409, 502], codes: [4] } });
    const k429 = key("429");
    const err = await failure(api.get(`/too-many?key=${k429}`));
    expect(isResponseError(err) && err.status === 429).toBe(true);
    expect(app.state.count(k429)).toBe(1);
    const k409 = key("409");
    await failure(api.put(`/orders/1?key=${k409}`, { item: "tea" }));
    expect(app.state.count(k409)).toBe(1);
  });

  it("not a plain 500 with code 0", async () => {
    const api = createClient({ baseUrl: app.url, retry: fast });
    const k = key("c0");
    const err = await failure(api.get(`/always?key=${k}&code=0`));
    expect(isResponseError(err) && err.code === 0 && err.conforming && err.status === 500).toBe(true);
    expect(app.state.count(k)).toBe(1);
    const empty = key("empty");
    await failure(api.get(`/empty-500?key=${empty}`));
    expect(app.state.count(empty)).toBe(1);
  });

  it("not POST by default; POST when the policy lists it", async () => {
    const api = createClient({ baseUrl: app.url, retry: fast });
    const k = key("post");
    const err = await failure(api.post(`/flaky?key=${k}&fail=1`, {}));
    expect(isResponseError(err) && err.code === 12).toBe(true);
    expect(app.state.count(k)).toBe(1);
    const k2 = key("post-listed");
    const ok = await api.post(`/flaky?key=${k2}&fail=1`, {}, { retry: { methods: ["post"] } });
    expect(ok).toEqual({ ok: true, attempts: 2 });
  });

  it("nothing with retry: false (client or request)", async () => {
    const k = key("off");
    await failure(createClient({ baseUrl: app.url, retry: false }).get(`/always?key=${k}`));
    await failure(createClient({ baseUrl: app.url }).get(`/always?key=${k}`, { retry: false }));
    expect(app.state.count(k)).toBe(2);
  });

  it("network errors, with the same request id on every attempt", async () => {
    const port = await refusedPort();
    const seen: string[] = [];
    // The real fetch, only watched: how many attempts went out, with which id.
    const watched: FetchLike = (input, init) => {
      seen.push(new Headers(init.headers).get("x-request-id") ?? "");
      return fetch(input, init);
    };
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}`, fetch: watched, retry: fast });
    const err = await failure(api.get("/x", { requestId: "same-id" }));
    expect(err).toBeInstanceOf(NetworkError);
    expect(seen).toEqual(["same-id", "same-id", "same-id"]);
  });
});

describe("bounds", () => {
  it("attempts", async () => {
    const api = createClient({ baseUrl: app.url, retry: { ...fast, attempts: 4 } });
    const k = key("attempts");
    const err = await failure(api.get(`/always?key=${k}`));
    expect(isResponseError(err) && err.code === 11 && err.status === 502).toBe(true);
    expect(app.state.count(k)).toBe(4);
  });

  it("total time", async () => {
    const api = createClient({
      baseUrl: app.url,
      retry: { attempts: 100, baseDelayMs: 100, maxDelayMs: 100, maxTotalMs: 350 },
    });
    const k = key("total");
    const started = Date.now();
    await failure(api.get(`/always?key=${k}`));
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(700);
    expect(app.state.count(k)).toBeGreaterThanOrEqual(3);
    expect(app.state.count(k)).toBeLessThanOrEqual(8);
  });

  it("an abort during the backoff ends the wait at once", async () => {
    const api = createClient({ baseUrl: app.url });
    const k = key("abort-wait");
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("cancelled")), 150);
    const err = await failure(api.get(`/flaky?key=${k}&fail=1&retryAfter=5`, { signal: controller.signal }));
    expect((err as Error).message).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(app.state.count(k)).toBe(1);
  });

  it("backoff grows exponentially with jitter, capped", () => {
    const policy = resolveRetry(
      { baseDelayMs: 100, maxDelayMs: 1000, attempts: 10, maxTotalMs: 1e9 },
      undefined,
    );
    if (policy === undefined) throw new Error("policy");
    const err = new NetworkError("x", { method: "GET", url: "/" });
    const delay = (attempt: number, r: number) => retryDelay(policy, "GET", err, attempt, 0, 0, () => r);
    expect([delay(1, 0), delay(1, 1)]).toEqual([50, 100]);
    expect([delay(2, 0), delay(2, 1)]).toEqual([100, 200]);
    expect([delay(3, 0.5)]).toEqual([300]);
    expect([delay(6, 0), delay(6, 1)]).toEqual([500, 1000]);
    expect(delay(10, 0)).toBeUndefined();
    expect(retryDelay(policy, "POST", err, 1, 0, 0)).toBeUndefined();
  });
});
