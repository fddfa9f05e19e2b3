import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ApiError,
  ClientApiError,
  createClient,
  isApiError,
  isResponseError,
  NetworkError,
  type ResponseError,
  TimeoutError,
} from "../../src/client/index.js";
import { registerCode } from "../../src/codes.js";
import { refusedPort, startApi } from "./servers.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  app = await startApi();
});
afterAll(() => app.close());

/** The rejection of `promise`, which must reject. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

async function responseError(promise: Promise<unknown>): Promise<ResponseError> {
  const err = await failure(promise);
  if (!isResponseError(err)) throw new Error(`expected a ResponseError, got ${String(err)}`);
  return err;
}

describe("successful answers", () => {
  it("returns JSON data, status, headers and the response's request id", async () => {
    const api = createClient({ baseUrl: app.url });
    const res = await api.request<{ id: string }>("GET", "/orders/1");
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ id: "1", item: "tea" });
    expect(res.sentRequestId).toMatch(UUID);
    expect(res.requestId).toBe(res.sentRequestId);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(await api.get("/orders/1")).toEqual({ id: "1", item: "tea" });
  });

  it("sends the caller's X-Request-Id, the same on the way back", async () => {
    const api = createClient({ baseUrl: `${app.url}/` });
    const res = await api.request<{ requestId: string }>("GET", "echo", { requestId: "trace-42.a:b" });
    expect(res.data.requestId).toBe("trace-42.a:b");
    expect(res.requestId).toBe("trace-42.a:b");
  });

  it("takes X-Request-Id from the request's headers too", async () => {
    const api = createClient({ baseUrl: app.url });
    const res = await api.request<{ requestId: string }>("GET", "/echo", {
      headers: { "x-request-id": "from-header" },
    });
    expect([res.data.requestId, res.requestId, res.sentRequestId]).toEqual([
      "from-header",
      "from-header",
      "from-header",
    ]);
  });

  it("generates a different id for every request", async () => {
    const api = createClient({ baseUrl: app.url });
    const a = await api.get<{ requestId: string }>("/echo");
    const b = await api.get<{ requestId: string }>("/echo");
    expect(a.requestId).toMatch(UUID);
    expect(b.requestId).toMatch(UUID);
    expect(a.requestId).not.toBe(b.requestId);
  });

  it("serializes the query, the JSON body and headers", async () => {
    const api = createClient({ baseUrl: app.url, headers: { "X-Client": "tests" }, token: "valid" });
    const echoed = await api.get<{ query: Record<string, unknown>; authorization: string }>("/echo", {
      query: { limit: 10, open: true, skip: undefined, none: null, tag: ["a", "b c"] },
    });
    expect(echoed.query).toEqual({ limit: "10", open: "true", tag: ["a", "b c"] });
    expect(echoed.authorization).toBe("Bearer valid");
    expect(await api.post("/orders", { item: "tea", quantity: 2 })).toEqual({ item: "tea", quantity: 2 });
  });

  it("answers 204 with undefined", async () => {
    const api = createClient({ baseUrl: app.url });
    const res = await api.request("GET", "/empty");
    expect(res.status).toBe(204);
    expect(res.data).toBeUndefined();
  });
});

describe("error answers that keep the contract", () => {
  const api = () => createClient({ baseUrl: app.url, retry: false });

  it("10: an ApiError with the code's details, status and the response's request id", async () => {
    const err = await responseError(api().get("/orders/77", { requestId: "req-10" }));
    expect(err).toBeInstanceOf(ClientApiError);
    expect(err).toBeInstanceOf(ApiError);
    expect(isApiError(err, 10)).toBe(true);
    expect(err.name).toBe("ApiError");
    expect(err.known).toBe(true);
    expect(err.conforming).toBe(true);
    expect(err.code).toBe(10);
    expect(err.status).toBe(404);
    expect(err.message).toBe("Resource not found");
    expect(err.details).toEqual({ resource: "order", id: "77" });
    expect(err.requestId).toBe("req-10");
    expect(err.sentRequestId).toBe("req-10");
    expect(err.method).toBe("GET");
    expect(err.url).toBe(`${app.url}/orders/77`);
    expect(err.problems).toEqual([]);
    expect(err.snippet).toBeUndefined();
    expect(err.responseHeaders.get("content-type")).toBe("application/json; charset=utf-8");
    expect(JSON.stringify(err)).toBe(
      '{"error_code":10,"error_message":"Resource not found","details":{"resource":"order","id":"77"}}',
    );
  });

  it("6 without a token, 3 with every violation listed", async () => {
    const six = await responseError(api().get("/me"));
    expect([six.code, six.status, six.details]).toEqual([6, 401, null]);
    const three = await responseError(api().post("/orders", { quantity: 0 }));
    expect(three.code).toBe(3);
    expect(three.status).toBe(400);
    if (three.known && three.code === 3) {
      expect(three.details.violations.map((v) => v.rule)).toContain("required");
    }
  });

  it("4 with status 409", async () => {
    const err = await responseError(api().put("/orders/1?key=put-409", { item: "tea" }));
    expect([err.code, err.status]).toEqual([4, 409]);
  });

  it("keeps a code the client does not know, below and above 100", async () => {
    for (const [code, status] of [
      [57, 400],
      [250, 418],
    ] as const) {
      const err = await responseError(api().get(`/future?code=${code}&status=${status}`));
      expect(err.known).toBe(false);
      expect(err.conforming).toBe(true);
      expect(err.code).toBe(code);
      expect(err.status).toBe(status);
      expect(err.message).toBe(`future code ${code}`);
      expect(err.details).toEqual({ hint: "upgrade" });
      expect(isApiError(err)).toBe(true);
    }
  });

  it("knows an application code once it is registered on the client too", async () => {
    registerCode({ code: 100, name: "TOO_MANY_ATTEMPTS", status: 429, message: "Too many attempts" });
    const err = await responseError(api().get("/future?code=100&status=429"));
    expect([err.known, err.conforming, err.code, err.status]).toEqual([true, true, 100, 429]);
    expect(err.details).toEqual({ hint: "upgrade" });
  });
});

describe("bodies that do not keep the contract become code 0", () => {
  const api = () => createClient({ baseUrl: app.url, retry: false });

  it("an HTML 502 from a proxy", async () => {
    const err = await responseError(api().get("/proxy-502"));
    expect(err.code).toBe(0);
    expect(err.known).toBe(true);
    expect(err.conforming).toBe(false);
    expect(err.status).toBe(502);
    expect(err.details).toBeNull();
    expect(err.snippet).toMatch(/^<html><head><title>502 Bad Gateway/);
    expect(err.problems).toEqual(["body is not valid JSON"]);
    expect(err.message).toContain("HTTP 502");
    expect(err.requestId).toBe(err.sentRequestId);
    expect(isApiError(err, 0)).toBe(true);
  });

  it("an empty 500", async () => {
    const err = await responseError(api().get("/empty-500"));
    expect([err.code, err.status, err.conforming]).toEqual([0, 500, false]);
    expect(err.problems).toEqual(["body is empty"]);
    expect(err.snippet).toBe("");
  });

  it("wrong keys", async () => {
    const err = await responseError(api().get("/wrong-keys"));
    expect([err.code, err.status, err.conforming]).toEqual([0, 400, false]);
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'missing key "error_code"',
        'unexpected key "code"',
        'unexpected key "errors"',
      ]),
    );
    expect(err.body).toEqual({ code: 3, message: "bad", errors: [] });
  });

  it("a known code with details of the wrong shape", async () => {
    const err = await responseError(api().get("/bad-details"));
    expect([err.code, err.conforming]).toEqual([0, false]);
    expect(err.problems[0]).toMatch(/details of code 10/);
  });

  it("a code sent with a status the contract does not allow", async () => {
    const err = await responseError(api().get("/future?code=10&status=500"));
    expect([err.code, err.status, err.conforming]).toEqual([0, 500, false]);
  });

  it("keeps only a bounded snippet", async () => {
    const err = await responseError(api().get("/long-html"));
    expect(err.snippet?.length).toBe(512);
    expect(err.snippet?.startsWith("<!doctype html>")).toBe(true);
  });
});

describe("no answer", () => {
  it("a server that hangs: TimeoutError, not a server code", async () => {
    const api = createClient({ baseUrl: app.url, timeout: 200 });
    const started = Date.now();
    const err = await failure(api.get("/hang", { requestId: "slow-1" }));
    expect(err).toBeInstanceOf(TimeoutError);
    expect(isApiError(err)).toBe(false);
    expect(err).not.toBeInstanceOf(NetworkError);
    expect((err as TimeoutError).timeoutMs).toBe(200);
    expect((err as TimeoutError).requestId).toBe("slow-1");
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("a refused port: NetworkError", async () => {
    const port = await refusedPort();
    const api = createClient({ baseUrl: `http://127.0.0.1:${port}`, retry: false });
    const err = await failure(api.get("/anything"));
    expect(err).toBeInstanceOf(NetworkError);
    expect(err).not.toBeInstanceOf(TimeoutError);
    expect(isApiError(err)).toBe(false);
    expect((err as NetworkError).url).toBe(`http://127.0.0.1:${port}/anything`);
    expect((err as NetworkError).cause).toBeDefined();
  });

  it("the caller's abort rejects with the caller's reason", async () => {
    const api = createClient({ baseUrl: app.url });
    const controller = new AbortController();
    const reason = new Error("user navigated away");
    setTimeout(() => controller.abort(reason), 50);
    expect(await failure(api.get("/hang", { signal: controller.signal }))).toBe(reason);

    const plain = new AbortController();
    setTimeout(() => plain.abort(), 50);
    const err = await failure(api.get("/hang", { signal: plain.signal }));
    expect((err as Error).name).toBe("AbortError");
    expect(isApiError(err)).toBe(false);
  });

  it("an already aborted signal sends nothing", async () => {
    const api = createClient({ baseUrl: app.url });
    const before = app.state.count("aborted");
    const err = await failure(api.get("/always?key=aborted", { signal: AbortSignal.abort() }));
    expect((err as Error).name).toBe("AbortError");
    expect(app.state.count("aborted")).toBe(before);
  });
});
