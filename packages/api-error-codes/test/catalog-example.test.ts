/**
 * docs/catalog.md's example, in a file of its own: documentCodes() changes the process's registry,
 * which the other docs examples must not see.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { setUpCodes, writeCatalog } from "../examples/docs/catalog.js";
import { getCode } from "../src/index.js";

const folder = mkdtempSync(join(tmpdir(), "aec-catalog-example-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("docs/catalog.md", () => {
  it("documents every code and writes a page for each", () => {
    setUpCodes();
    expect(getCode(120)?.docUrl).toBe("https://api.example.com/docs/errors/quota");
    expect(getCode(8)?.docUrl).toBe("https://api.example.com/docs/errors/8");
    writeCatalog(folder);
    expect(readdirSync(folder).sort()).toStrictEqual(
      ["index.html", ...Array.from({ length: 13 }, (_, code) => `${code}.html`), "120.html"].sort(),
    );
    const quota = readFileSync(join(folder, "120.html"), "utf8");
    expect(quota).toContain("<h1>120 QUOTA_SPENT</h1>");
    expect(quota).toContain('<dd id="retry">Yes, after the time Retry-After gives (or with backoff).</dd>');
  });
});
