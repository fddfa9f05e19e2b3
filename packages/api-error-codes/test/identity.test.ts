/**
 * ApiError identity must hold where `instanceof` alone fails: in another `node:vm` realm and in a
 * second copy of the package (two bundles, or a bundled copy next to an installed one).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createContext, runInContext } from "node:vm";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { ApiError, isApiError, registerCode, serializeError } from "../src/index.js";

const entry = new URL("../src/index.ts", import.meta.url).pathname;

function bundle(format: "iife" | "esm"): string {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    format,
    globalName: "apiErrorCodes",
    platform: "neutral",
    write: false,
  });
  return result.outputFiles[0]!.text;
}

type Library = typeof import("../src/index.js");

describe("across node:vm realms", () => {
  // A bare realm has no host APIs; lend it the two the library reaches for at load time.
  const context = createContext({ TextDecoder, TextEncoder });
  runInContext(bundle("iife"), context);
  const foreign = (context as { apiErrorCodes: Library }).apiErrorCodes;
  const error = runInContext(
    'apiErrorCodes.ApiError.notExist({ resource: "order", id: "7" })',
    context,
  ) as ApiError<10>;

  it("is a different realm: the plain Error check fails", () => {
    expect(error instanceof Error).toBe(false);
  });

  it("is still recognised, narrowed and serialized", () => {
    expect(isApiError(error)).toBe(true);
    expect(isApiError(error, 10)).toBe(true);
    expect(error instanceof ApiError).toBe(true);
    expect(serializeError(error)).toBe(
      '{"error_code":10,"error_message":"Resource not found","details":{"resource":"order","id":"7"}}',
    );
  });

  it("recognises errors of this realm from the other one", () => {
    expect(foreign.isApiError(ApiError.authInvalid(), 7)).toBe(true);
  });
});

describe("across two copies of the package", async () => {
  const dir = mkdtempSync(join(tmpdir(), "api-error-codes-copy-"));
  const file = join(dir, "copy.mjs");
  writeFileSync(file, bundle("esm"));
  const copy = (await import(pathToFileURL(file).href)) as Library;

  it("is a distinct class", () => {
    expect(copy.ApiError).not.toBe(ApiError);
  });

  it("is recognised by isApiError and instanceof in both directions", () => {
    const theirs = copy.ApiError.authExpired("2026-01-01T00:00:00.000Z");
    expect(isApiError(theirs, 8)).toBe(true);
    expect(theirs instanceof ApiError).toBe(true);
    expect(copy.isApiError(ApiError.notExist())).toBe(true);
    expect(ApiError.notExist() instanceof copy.ApiError).toBe(true);
  });

  it("shares the registry of application codes", () => {
    registerCode({ code: 170, name: "SHARED_CODE", status: 429, message: "Shared" });
    const theirs = new copy.ApiError(170, null);
    expect(theirs.status).toBe(429);
    expect(copy.serializeError(theirs)).toBe('{"error_code":170,"error_message":"Shared","details":null}');
  });
});
