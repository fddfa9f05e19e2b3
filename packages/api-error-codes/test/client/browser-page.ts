/**
 * Runs in headless Chromium (bundled by test/client/browser.test.ts): the client against the test
 * API, with the typed handling an application would write. Type-checked with the rest of the tests.
 */
import { createClient, isResponseError, NetworkError, TimeoutError } from "../../src/client/index.js";

// The application's own code, typed like the built-in ones (the same one test/types.test-d.ts uses).
declare module "../../src/details.js" {
  interface ErrorDetailsMap {
    100: { retry_after_seconds: number };
  }
}

/** What one scenario ended in, for the test to assert. */
export interface Outcome {
  kind: "ok" | "response-error" | "network" | "timeout" | "other";
  code?: number;
  handled: string;
  requestId?: string | undefined;
  sentRequestId?: string | undefined;
}

function assertNever(value: never): never {
  throw new Error(`unhandled code ${String(value)}`);
}

/** The application's error handling: one exhaustive switch over the codes. */
function handle(err: unknown): Outcome {
  if (err instanceof TimeoutError) return { kind: "timeout", handled: `gave up after ${err.timeoutMs} ms` };
  if (err instanceof NetworkError) return { kind: "network", handled: "offline" };
  if (!isResponseError(err)) return { kind: "other", handled: String(err) };
  const base = {
    kind: "response-error" as const,
    code: err.code,
    requestId: err.requestId,
    sentRequestId: err.sentRequestId,
  };
  if (!err.known) return { ...base, handled: `unknown code ${err.code}` };
  switch (err.code) {
    case 0:
      return {
        ...base,
        handled: err.conforming ? "server error" : `bad gateway page: ${err.snippet?.slice(0, 15)}`,
      };
    case 1:
      return { ...base, handled: `allowed: ${err.details.allowed.join(",")}` };
    case 2:
      return { ...base, handled: `not yet: ${err.details.path}` };
    case 3:
    case 4:
    case 5:
      return {
        ...base,
        handled: `fix ${err.details.violations.map((v) => `${v.pointer}:${v.rule}`).join(",")}`,
      };
    case 6:
      return { ...base, handled: "show login" };
    case 7:
      return { ...base, handled: "log in again" };
    case 8:
      return { ...base, handled: `expired at ${err.details?.expired_at ?? "?"}` };
    case 9:
      return { ...base, handled: `needs ${err.details?.required ?? "?"}` };
    case 10:
      return {
        ...base,
        handled:
          err.details !== null && "resource" in err.details
            ? `no ${err.details.resource} ${err.details.id}`
            : "no such page",
      };
    case 11:
      return { ...base, handled: `${err.details.service} is ${err.details.reason}` };
    case 12:
      return { ...base, handled: `database ${err.details.reason}` };
    case 100:
      return { ...base, handled: `try again in ${err.details.retry_after_seconds} s` };
    default:
      return assertNever(err);
  }
}

async function outcome(call: () => Promise<unknown>): Promise<Outcome> {
  try {
    const data = await call();
    return { kind: "ok", handled: JSON.stringify(data) };
  } catch (err) {
    return handle(err);
  }
}

/** Everything the page reports back. */
export interface Results {
  six: Outcome;
  eight: Outcome;
  eightRefreshed: Outcome;
  ten: Outcome;
  three: Outcome;
  proxy: Outcome;
  timeout: Outcome;
  network: Outcome;
  concurrentOk: number;
  refreshes: number;
  hasRandomUUID: string;
}

async function run(): Promise<Results> {
  const baseUrl = location.origin;
  const anonymous = createClient({ baseUrl, retry: false });
  let refreshes = 0;
  const api = createClient({
    baseUrl,
    token: "stale",
    refresh: async () => {
      refreshes++;
      const res = await anonymous.post<{ access_token: string }>("/auth/refresh", {}, { auth: false });
      return res.access_token;
    },
  });
  const noRefresh = createClient({ baseUrl, token: "stale", retry: false });
  const single = {
    six: await outcome(() => anonymous.get("/me")),
    eight: await outcome(() => noRefresh.get("/me")),
    eightRefreshed: await outcome(() => api.get("/me")),
    ten: await outcome(() => anonymous.get("/orders/77")),
    three: await outcome(() => anonymous.post("/orders", { quantity: 2 })),
    proxy: await outcome(() => anonymous.get("/proxy-502")),
    timeout: await outcome(() => anonymous.get("/hang", { timeout: 200 })),
    network: await outcome(() => createClient({ baseUrl: "http://127.0.0.1:9", retry: false }).get("/x")),
  };
  // Concurrent requests that all meet 8 share the refresh (a new client, so the token is stale).
  const shared = createClient({
    baseUrl,
    token: "stale",
    refresh: async () => {
      refreshes++;
      return (await anonymous.post<{ access_token: string }>("/auth/refresh", {}, { auth: false }))
        .access_token;
    },
  });
  const all = await Promise.all([1, 2, 3, 4, 5].map(() => outcome(() => shared.get("/me"))));
  return {
    ...single,
    concurrentOk: all.filter((o) => o.kind === "ok").length,
    refreshes,
    hasRandomUUID: typeof crypto.randomUUID,
  };
}

(globalThis as { runClientScenarios?: typeof run }).runClientScenarios = run;
