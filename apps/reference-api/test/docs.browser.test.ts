/**
 * /docs in headless Chromium: the error catalogue is on the page, Swagger UI renders the
 * operations from /openapi.json, and no request leaves 127.0.0.1 (everything is served locally,
 * under a Content-Security-Policy that would block anything else).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/backends.js";
import { startApi, type TestApi } from "./support/server.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `Chromium is not installed at ${CHROMIUM}`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n!!!!!!!! ${message}: SKIPPING the /docs browser test !!!!!!!!\n`);
}

describe.skipIf(!hasChromium)("/docs in a browser", () => {
  let api: TestApi;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let profile: Awaited<ReturnType<typeof tempDir>>;
  let browser: BrowserContext;

  beforeAll(async () => {
    dir = await tempDir();
    profile = await tempDir("reference-api-chromium-");
    api = await startApi({
      databaseUrl: `sqlite:${join(dir.path, "db.sqlite")}`,
      ratesUrl: "http://127.0.0.1:9",
    });
    browser = await chromium.launchPersistentContext(profile.path, {
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
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await dir?.remove();
    await profile?.remove();
  });

  it("shows the error catalogue and the operations, with no outside request", async () => {
    const page = await browser.newPage();
    const requests: string[] = [];
    const problems: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));

    const response = await page.goto(`${api.base}/docs`, { waitUntil: "load" });
    expect(response?.status()).toBe(200);

    const catalogue = page.locator("#error-catalogue");
    await catalogue.waitFor({ state: "visible" });
    for (const name of ["AUTH_EXPIRED", "NOT_EXIST", "EXTERNAL_SERVICE", "TOO_MANY_ATTEMPTS"]) {
      await expect(catalogue.getByText(name, { exact: true }).isVisible()).resolves.toBe(true);
    }
    expect(await catalogue.locator("tbody tr").count()).toBe(14);

    // Swagger UI loaded from this server and rendered the document's operations.
    await page.locator(".opblock").first().waitFor({ state: "visible", timeout: 15_000 });
    expect(await page.locator(".opblock").count()).toBe(15);
    await expect(page.getByText("/v1/orders/{id}/quote").first().isVisible()).resolves.toBe(true);

    // The catalogue appears once on the page: Swagger UI's rendering of the description leaves it out.
    await expect(page.getByText("TOO_MANY_ATTEMPTS", { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByText("Every answer carries").first().isVisible()).resolves.toBe(true);

    expect(requests.length).toBeGreaterThan(3);
    const outside = requests.filter((url) => !url.startsWith(`${api.base}/`) && !url.startsWith("data:"));
    expect(outside).toStrictEqual([]);
    expect(problems).toStrictEqual([]);
    await page.close();
  }, 60_000);

  it("the error catalogue at /docs/errors: a page per code, reached from an answer's Link header", async () => {
    const answer = await fetch(`${api.base}/v1/nowhere`);
    expect(answer.status).toBe(404);
    const link = answer.headers.get("link");
    expect(link).toBe('</docs/errors/10>; rel="help"');

    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (error) => problems.push(error.message));
    const index = await page.goto(`${api.base}/docs/errors`, { waitUntil: "load" });
    expect(index?.status()).toBe(200);
    expect(await page.title()).toBe("Reference API error codes");
    const hrefs = await page
      .locator("tbody a")
      .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(hrefs).toStrictEqual([
      ...Array.from({ length: 13 }, (_, code) => `/docs/errors/${code}`),
      "/docs/errors/100",
    ]);
    for (const href of hrefs) expect((await fetch(`${api.base}${href}`)).status, String(href)).toBe(200);

    await page.locator('tbody a[href="/docs/errors/10"]').click();
    await page.waitForURL(`${api.base}/docs/errors/10`);
    expect(await page.locator("h1").textContent()).toBe("10 NOT_EXIST");
    expect(await page.locator("#statuses").textContent()).toBe("404 (default 404)");
    expect(await page.locator("#retry").textContent()).toBe("No: the same request gets the same answer.");
    const example = JSON.parse((await page.locator("#example").textContent()) ?? "null");
    expect(example.error_code).toBe(10);
    const shown = await page.locator("#example").boundingBox();
    expect(shown?.height ?? 0).toBeGreaterThan(20);

    // The service's own code has its page too, and the page leads back to the index.
    await page.goto(`${api.base}/docs/errors/100`, { waitUntil: "load" });
    expect(await page.locator("h1").textContent()).toBe("100 TOO_MANY_ATTEMPTS");
    expect(await page.locator("#retry").textContent()).toBe(
      "Yes, after the time Retry-After gives (or with backoff).",
    );
    await page.locator('a[href="/docs/errors"]').click();
    await page.waitForURL(`${api.base}/docs/errors`);
    expect(problems).toStrictEqual([]);
    await page.close();
  });
});
