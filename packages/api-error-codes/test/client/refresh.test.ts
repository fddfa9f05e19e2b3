import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Client, createClient, isResponseError } from "../../src/client/index.js";
import { startApi } from "./servers.js";

let app: Awaited<ReturnType<typeof startApi>>;
beforeEach(async () => {
  app = await startApi();
});
afterEach(() => app.close());

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

/** The app's refresh: calls the API's refresh endpoint through a client, without a token. */
function refresher(client: () => Client, calls: { n: number }) {
  return async () => {
    calls.n++;
    const res = await client().post<{ access_token: string }>("/auth/refresh", {}, { auth: false });
    return res.access_token;
  };
}

describe("code 8 (token expired)", () => {
  it("calls refresh() once, then retries the request with the new token", async () => {
    const calls = { n: 0 };
    const api: Client = createClient({
      baseUrl: app.url,
      token: "stale",
      refresh: refresher(() => api, calls),
    });
    const me = await api.get<{ id: string; authorization: string }>("/me");
    expect(me).toEqual({ id: "u-1", authorization: "Bearer fresh-1" });
    expect(calls.n).toBe(1);
    expect(app.state.refreshCalls).toBe(1);
    // /me was refused with the stale token (before the handler), the refresh went out without one.
    expect(app.state.authorizations).toEqual(["", "Bearer fresh-1"]);
    // Later requests keep the new token without refreshing again.
    await api.get("/me");
    expect(app.state.refreshCalls).toBe(1);
    expect(app.state.authorizations.at(-1)).toBe("Bearer fresh-1");
  });

  it("5 concurrent requests that all get 8 share one refresh", async () => {
    app.state.refreshDelayMs = 100;
    const calls = { n: 0 };
    const api: Client = createClient({
      baseUrl: app.url,
      token: "stale",
      refresh: refresher(() => api, calls),
    });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => api.get<{ authorization: string }>("/me")),
    );
    expect(results.map((r) => r.authorization)).toEqual(Array(5).fill("Bearer fresh-1"));
    expect(calls.n).toBe(1);
    expect(app.state.refreshCalls).toBe(1);
  });

  it("a request that gets 8 after the refresh finished retries without another refresh", async () => {
    const calls = { n: 0 };
    let gate: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => {
      gate = resolve;
    });
    // The second request leaves with the stale token and is answered only after the first one's
    // refresh completed.
    const slowFetch = async (input: string, init: RequestInit) => {
      const auth = new Headers(init.headers).get("authorization");
      if (new Headers(init.headers).get("x-request-id") === "late" && auth === "Bearer stale") await opened;
      return fetch(input, init);
    };
    const api: Client = createClient({
      baseUrl: app.url,
      token: "stale",
      fetch: slowFetch,
      refresh: async () => {
        const token = await refresher(() => api, calls)();
        setTimeout(gate, 20);
        return token;
      },
    });
    const [a, b] = await Promise.all([
      api.get<{ authorization: string }>("/me"),
      api.get<{ authorization: string }>("/me", { requestId: "late" }),
    ]);
    expect([a.authorization, b.authorization]).toEqual(["Bearer fresh-1", "Bearer fresh-1"]);
    expect(calls.n).toBe(1);
  });

  it("replays a POST with its body", async () => {
    const calls = { n: 0 };
    const api: Client = createClient({
      baseUrl: app.url,
      token: "stale",
      refresh: refresher(() => api, calls),
    });
    expect(await api.post("/me/notes", { text: "hi" })).toEqual({ saved: { text: "hi" } });
    expect(calls.n).toBe(1);
  });

  it("works with getToken when refresh() stores the token itself", async () => {
    const store = { access: "stale" };
    const api: Client = createClient({
      baseUrl: app.url,
      getToken: () => store.access,
      refresh: async () => {
        store.access = (
          await api.post<{ access_token: string }>("/auth/refresh", {}, { auth: false })
        ).access_token;
      },
    });
    expect((await api.get<{ authorization: string }>("/me")).authorization).toBe("Bearer fresh-1");
    expect(store.access).toBe("fresh-1");
  });

  it("refreshes once only: a second 8 is thrown", async () => {
    let calls = 0;
    const api = createClient({
      baseUrl: app.url,
      token: "stale",
      refresh: () => {
        calls++;
        return "stale";
      },
    });
    const err = await failure(api.get("/me"));
    expect(isResponseError(err, 8)).toBe(true);
    if (isResponseError(err, 8)) expect(err.details).toEqual({ expired_at: "2020-01-02T03:04:05.000Z" });
    expect(calls).toBe(1);
  });

  it("a failing refresh rejects every waiting request with its error", async () => {
    const boom = new Error("refresh token revoked");
    let calls = 0;
    const api = createClient({
      baseUrl: app.url,
      token: "stale",
      refresh: async () => {
        calls++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw boom;
      },
    });
    const errors = await Promise.all([
      failure(api.get("/me")),
      failure(api.get("/me")),
      failure(api.get("/me")),
    ]);
    expect(errors).toEqual([boom, boom, boom]);
    expect(calls).toBe(1);
  });

  it("without refresh (or with auth: false) 8 is just thrown", async () => {
    const api = createClient({ baseUrl: app.url, token: "stale" });
    expect(isResponseError(await failure(api.get("/me")), 8)).toBe(true);
    let calls = 0;
    const other = createClient({ baseUrl: app.url, token: "stale", refresh: () => `${calls++}` });
    expect(
      isResponseError(await failure(other.get("/me", { headers: { Authorization: "Bearer stale" } })), 8),
    ).toBe(true);
    expect(isResponseError(await failure(other.get("/me", { auth: false })), 6)).toBe(true);
    expect(calls).toBe(0);
  });
});
