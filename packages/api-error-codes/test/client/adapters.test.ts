import ky from "ky";
import createFetchClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  apiErrorMiddleware,
  ClientApiError,
  createClient,
  errorFromResponse,
  isApiError,
  isResponseError,
  kyHooks,
  kyOptions,
  kyShouldRetry,
  NetworkError,
  type ResponseError,
  TimeoutError,
} from "../../src/client/index.js";
import { refusedPort, startApi } from "./servers.js";

let app: Awaited<ReturnType<typeof startApi>>;
let seq = 0;
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

/** The fields every path to a ResponseError must agree on. */
const essence = (err: unknown) => {
  if (!isResponseError(err)) throw new Error(`not a ResponseError: ${String(err)}`);
  return {
    code: err.code,
    status: err.status,
    message: err.message,
    details: err.details,
    known: err.known,
    conforming: err.conforming,
    problems: err.problems,
    snippet: err.snippet,
  };
};

describe("errorFromResponse", () => {
  it("is the one conversion: createClient, ky and openapi-fetch give the same error", async () => {
    const http = ky.create({ prefixUrl: app.url, ...kyOptions() });
    const openapi = createFetchClient({ baseUrl: app.url });
    openapi.use(apiErrorMiddleware());
    const client = createClient({ baseUrl: app.url, retry: false });
    for (const path of ["orders/9", "proxy-502", "empty-500", "wrong-keys", "future?code=57&status=400"]) {
      const direct = await errorFromResponse(await fetch(`${app.url}/${path}`));
      const viaClient = await failure(client.get(`/${path}`));
      const viaKy = await failure(http.get(path, { retry: 0 }).json());
      const viaOpenapi = await failure(openapi.GET(`/${path}` as never));
      expect(essence(viaClient), path).toEqual(essence(direct));
      expect(essence(viaKy), path).toEqual(essence(direct));
      expect(essence(viaOpenapi), path).toEqual(essence(direct));
    }
  });

  it("notes a body someone else already read", async () => {
    const res = await fetch(`${app.url}/orders/9`);
    await res.text();
    const err = await errorFromResponse(res);
    expect([err.code, err.status, err.conforming]).toEqual([0, 404, false]);
  });
});

describe("ky hooks", () => {
  it("turn a 404 into code 10 at once (kyOptions), with the request id sent and exposed", async () => {
    const http = ky.create({ prefixUrl: app.url, ...kyOptions() });
    const started = Date.now();
    const err = await failure(http.get("orders/9").json());
    expect(Date.now() - started).toBeLessThan(250);
    expect(err).toBeInstanceOf(ClientApiError);
    expect(isApiError(err, 10)).toBe(true);
    const e = err as ResponseError;
    expect(e.details).toEqual({ resource: "order", id: "9" });
    expect(e.method).toBe("GET");
    expect(e.sentRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.requestId).toBe(e.sentRequestId);
  });

  it("keep a caller's X-Request-Id", async () => {
    const http = ky.create({ prefixUrl: app.url, ...kyOptions() });
    const echoed = await http
      .get("echo", { headers: { "X-Request-Id": "ky-1" } })
      .json<{ requestId: string }>();
    expect(echoed.requestId).toBe("ky-1");
  });

  it("let ky retry as configured (Retry-After included), then throw the same ApiError", async () => {
    const http = ky.create({
      prefixUrl: app.url,
      hooks: kyHooks(),
      retry: { limit: 1, shouldRetry: kyShouldRetry() },
    });
    const ok = key("ky-flaky");
    const started = Date.now();
    expect(await http.get(`flaky?key=${ok}&fail=1&retryAfter=1`).json()).toEqual({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);

    const bad = key("ky-always");
    const err = await failure(http.get(`always?key=${bad}`, { retry: { limit: 2, delay: () => 5 } }).json());
    expect(isResponseError(err, 11)).toBe(true);
    expect(app.state.count(bad)).toBe(3);
  });

  it("turn a 400 into code 3 with its violations, without a retry of the POST", async () => {
    const http = ky.create({ prefixUrl: app.url, ...kyOptions() });
    const err = await failure(http.post("orders", { json: { quantity: 0 } }).json());
    expect(isResponseError(err, 3)).toBe(true);
    if (isResponseError(err, 3)) expect(err.details.violations.length).toBeGreaterThan(0);
  });

  it("turn a proxy's HTML 502 into code 0, non-conforming", async () => {
    const http = ky.create({ prefixUrl: app.url, hooks: kyHooks(), retry: 0 });
    const err = await failure(http.get("proxy-502").json());
    expect(isResponseError(err, 0)).toBe(true);
    expect((err as ResponseError).conforming).toBe(false);
    expect((err as ResponseError).snippet).toContain("502 Bad Gateway");
  });

  it("kyHooks alone: a 404 on a retriable method still ends as the ApiError, tried once", async () => {
    const k = key("ky-hooks-only");
    const http = ky.create({ prefixUrl: app.url, hooks: kyHooks(), retry: { limit: 2, delay: () => 5 } });
    const err = await failure(http.put(`orders/1?key=${k}`, { json: {} }).json());
    expect(isResponseError(err, 4)).toBe(true);
    expect(app.state.count(k)).toBe(1);
  });

  it("consult the user's shouldRetry once per error", async () => {
    const k = key("ky-should");
    let asked = 0;
    const http = ky.create({
      prefixUrl: app.url,
      hooks: kyHooks(),
      retry: {
        limit: 3,
        delay: () => 5,
        shouldRetry: kyShouldRetry(({ retryCount }) => {
          asked++;
          return retryCount < 2;
        }),
      },
    });
    const err = await failure(http.get(`always?key=${k}`).json());
    expect(isResponseError(err, 11)).toBe(true);
    expect(app.state.count(k)).toBe(2);
    expect(asked).toBe(2);
  });
});

describe("openapi-fetch middleware", () => {
  const client = () => {
    const c = createFetchClient<Record<string, never>>({ baseUrl: app.url });
    c.use(apiErrorMiddleware());
    return c;
  };

  it("passes successes through and sends X-Request-Id", async () => {
    const { data, response } = await client().GET("/echo" as never);
    expect((data as unknown as { requestId: string }).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.status).toBe(200);
  });

  it("throws code 10 instead of returning { error }", async () => {
    const err = await failure(client().GET("/orders/5" as never));
    expect(isResponseError(err, 10)).toBe(true);
    expect((err as ResponseError).requestId).toBe((err as ResponseError).sentRequestId);
  });

  it("throws code 6 and 3", async () => {
    expect(isResponseError(await failure(client().GET("/me" as never)), 6)).toBe(true);
    const err = await failure(client().POST("/orders" as never, { body: { quantity: 1 } } as never));
    expect(isResponseError(err, 3)).toBe(true);
  });

  it("turns a refused connection into NetworkError and a timeout signal into TimeoutError", async () => {
    const port = await refusedPort();
    const down = createFetchClient({ baseUrl: `http://127.0.0.1:${port}` });
    down.use(apiErrorMiddleware());
    expect(await failure(down.GET("/x" as never))).toBeInstanceOf(NetworkError);
    const err = await failure(client().GET("/hang" as never, { signal: AbortSignal.timeout(150) } as never));
    expect(err).toBeInstanceOf(TimeoutError);
  });

  it("lets a caller's abort through untouched", async () => {
    const controller = new AbortController();
    const reason = new Error("stop");
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(client().GET("/hang" as never, { signal: controller.signal } as never))).toBe(
      reason,
    );
  });
});
