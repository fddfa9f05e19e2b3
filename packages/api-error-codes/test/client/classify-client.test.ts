/**
 * A server that calls another service with the typed client must not pass that service's errors on
 * as its own: classify turns the client's errors into 11 for the upstream.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../../src/client/index.js";
import { classify } from "../../src/index.js";
import { type Running, refusedPort, startApi } from "./servers.js";

let upstream: Running;
beforeAll(async () => {
  upstream = await startApi();
});
afterAll(() => upstream.close());

async function thrownBy(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("classify of the client's errors", () => {
  it("an upstream's own 401 becomes 502 / 11 bad_response, never 401", async () => {
    const rates = createClient({ baseUrl: upstream.url, retry: false });
    const error = classify(await thrownBy(() => rates.get("/me")), { service: "rates" });
    expect([error.code, error.status, error.details]).toStrictEqual([
      11,
      502,
      { service: "rates", reason: "bad_response" },
    ]);
    expect(error.publicMessage).toBe("External service returned an invalid response");
  });

  it("an upstream's 404 is not ours either", async () => {
    const rates = createClient({ baseUrl: upstream.url, retry: false });
    const error = classify(await thrownBy(() => rates.get("/orders/9")));
    expect([error.code, error.status, error.details]).toStrictEqual([
      11,
      502,
      { service: "upstream", reason: "bad_response" },
    ]);
  });

  it("a refused connection is 502 / 11 unavailable", async () => {
    const rates = createClient({ baseUrl: `http://127.0.0.1:${await refusedPort()}`, retry: false });
    const error = classify(await thrownBy(() => rates.get("/me")), { service: "rates" });
    expect([error.code, error.status, error.details]).toStrictEqual([
      11,
      502,
      { service: "rates", reason: "unavailable" },
    ]);
  });

  it("a client timeout is 504 / 11 timeout", async () => {
    const rates = createClient({ baseUrl: upstream.url, retry: false, timeout: 50 });
    const error = classify(await thrownBy(() => rates.get("/hang")), { service: "rates" });
    expect([error.code, error.status, error.details]).toStrictEqual([
      11,
      504,
      { service: "rates", reason: "timeout" },
    ]);
  });
});
