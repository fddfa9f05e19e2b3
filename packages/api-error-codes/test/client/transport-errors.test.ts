/**
 * NetworkError and TimeoutError share TransportError: one `instanceof` for "no answer came", while
 * each keeps its own identity, also across two copies of the client (brands, not prototypes).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import {
  ClientApiError,
  isResponseError,
  NetworkError,
  TimeoutError,
  TransportError,
} from "../../src/client/index.js";
import { classify, isApiError } from "../../src/index.js";

type Client = typeof import("../../src/client/index.js");

const where = { method: "GET", url: "http://127.0.0.1:1/x", requestId: "r-1" };

describe("TransportError", () => {
  const network = new NetworkError("GET /x failed: ECONNREFUSED", { ...where, cause: new Error("refused") });
  const timeout = new TimeoutError("GET /x timed out after 200 ms", { ...where, timeoutMs: 200 });

  it("is the base of both, and each stays itself", () => {
    for (const error of [network, timeout]) {
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toBeInstanceOf(Error);
      expect(error).toMatchObject(where);
    }
    expect(network).not.toBeInstanceOf(TimeoutError);
    expect(timeout).not.toBeInstanceOf(NetworkError);
    expect([network.name, timeout.name]).toStrictEqual(["NetworkError", "TimeoutError"]);
    expect(timeout.timeoutMs).toBe(200);
    expect(network.cause).toStrictEqual(new Error("refused"));
    expect(Object.hasOwn(timeout, "cause")).toBe(false);
  });

  it("is never a server's answer", () => {
    const answer = new ClientApiError({
      code: 10,
      details: null,
      status: 404,
      message: "gone",
      known: true,
      conforming: true,
    });
    expect(answer).not.toBeInstanceOf(TransportError);
    for (const error of [network, timeout]) {
      expect(isApiError(error)).toBe(false);
      expect(isResponseError(error)).toBe(false);
    }
    expect(new Error("x")).not.toBeInstanceOf(TransportError);
    expect({ name: "NetworkError" }).not.toBeInstanceOf(TransportError);
  });

  it("keeps what classify makes of each kind", () => {
    expect(classify(network, { service: "rates" }).toJSON()).toMatchObject({
      error_code: 11,
      details: { service: "rates", reason: "unavailable" },
    });
    expect(classify(timeout, { service: "rates" }).toJSON()).toMatchObject({
      error_code: 11,
      details: { service: "rates", reason: "timeout" },
    });
  });
});

describe("across two copies of the client", async () => {
  const built = buildSync({
    entryPoints: [new URL("../../src/client/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    write: false,
  });
  const file = join(mkdtempSync(join(tmpdir(), "api-error-codes-client-copy-")), "client.mjs");
  writeFileSync(file, built.outputFiles[0]!.text);
  const copy = (await import(pathToFileURL(file).href)) as Client;

  it("recognises the other copy's errors in both directions", () => {
    expect(copy.TransportError).not.toBe(TransportError);
    const theirs = new copy.TimeoutError("slow", { ...where, timeoutMs: 5 });
    expect(theirs).toBeInstanceOf(TimeoutError);
    expect(theirs).toBeInstanceOf(TransportError);
    expect(theirs).not.toBeInstanceOf(NetworkError);
    const ours = new NetworkError("down", where);
    expect(ours).toBeInstanceOf(copy.NetworkError);
    expect(ours).toBeInstanceOf(copy.TransportError);
    expect(ours).not.toBeInstanceOf(copy.TimeoutError);
  });
});
