/**
 * The client bundled for browsers (esbuild, iife) and run in Debian's headless Chromium through
 * playwright-core, against the test API served from the same origin as the page.
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import type { Results } from "./browser-page.js";
import { AppState, buildApi, listen } from "./servers.js";

const CHROMIUM = "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";

if (!available && !inCi) {
  console.warn(
    `\n${"!".repeat(78)}\n!! browser test SKIPPED: ${CHROMIUM} is missing.\n!! Install it with: apt-get update && apt-get install -y chromium\n${"!".repeat(78)}\n`,
  );
}

function bundle(): string {
  const result = buildSync({
    entryPoints: [fileURLToPath(new URL("./browser-page.ts", import.meta.url))],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "chrome110",
    write: false,
    logLevel: "silent",
  });
  const file = result.outputFiles[0];
  if (file === undefined) throw new Error("esbuild produced no output");
  return file.text;
}

describe.skipIf(!available && !inCi)("browser (headless Chromium)", () => {
  it("handles 6, 8 (with a shared refresh), 10, 3 and the rest with typed switches", {
    timeout: 90_000,
  }, async () => {
    if (!available) throw new Error(`CI is set but ${CHROMIUM} is missing`);
    const script = bundle();
    const state = new AppState();
    state.refreshDelayMs = 50;
    const api = buildApi(state);
    const page = `<!doctype html><meta charset="utf-8"><title>client</title><script src="/client.js"></script>`;
    const server = createServer((req, res) => {
      if (req.url === "/") {
        res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page);
      } else if (req.url === "/client.js") {
        res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" }).end(script);
      } else {
        api.handle(req, res);
      }
    });
    const running = await listen(server);
    const profile = await mkdtemp(join(tmpdir(), "aec-chromium-"));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    try {
      const tab = context.pages()[0] ?? (await context.newPage());
      const errors: string[] = [];
      tab.on("pageerror", (err) => errors.push(err.message));
      await tab.goto(running.url);
      const results = (await tab.evaluate(() =>
        (globalThis as unknown as { runClientScenarios(): Promise<unknown> }).runClientScenarios(),
      )) as Results;
      expect(errors).toEqual([]);

      expect(results.six).toMatchObject({ kind: "response-error", code: 6, handled: "show login" });
      expect(results.eight).toMatchObject({
        kind: "response-error",
        code: 8,
        handled: "expired at 2020-01-02T03:04:05.000Z",
      });
      expect(results.eightRefreshed).toMatchObject({ kind: "ok" });
      expect(JSON.parse(results.eightRefreshed.handled)).toEqual({
        id: "u-1",
        authorization: "Bearer fresh-1",
      });
      expect(results.ten).toMatchObject({ kind: "response-error", code: 10, handled: "no order 77" });
      expect(results.three).toMatchObject({ kind: "response-error", code: 3, handled: "fix /item:required" });
      expect(results.proxy).toMatchObject({
        kind: "response-error",
        code: 0,
        handled: "bad gateway page: <html><head><ti",
      });
      expect(results.timeout).toMatchObject({ kind: "timeout", handled: "gave up after 200 ms" });
      expect(results.network).toMatchObject({ kind: "network" });
      // The request id the browser generated came back on the error.
      expect(results.ten.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(results.ten.requestId).toBe(results.ten.sentRequestId);
      // One refresh for the single request, one shared by the five concurrent ones.
      expect(results.concurrentOk).toBe(5);
      expect(results.refreshes).toBe(2);
      expect(state.refreshCalls).toBe(2);
      expect(results.hasRandomUUID).toBe("function");
    } finally {
      await context.close();
      await running.close();
      await rm(profile, { recursive: true, force: true });
    }
  });
});
