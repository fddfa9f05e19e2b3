/**
 * The error catalogue: Markdown and HTML pages per code (the app's included, escaped), the
 * `catalog` command, documentation URLs on codes and where they appear (Link, Problem Details'
 * `type`, OpenAPI `externalDocs`).
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../src/adapters/node/index.js";
import { catalogCommand, run } from "../src/cli/run.js";
import { ApiError, documentCodes, getCode, listCodes, parseErrorBody, registerCode } from "../src/index.js";
import {
  catalogMarkdown,
  catalogPages,
  codeSchema,
  errorComponentName,
  errorComponents,
} from "../src/openapi.js";
import { listen, type Running } from "./client/servers.js";

const dir = mkdtempSync(join(tmpdir(), "aec-catalog-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

registerCode({
  code: 140,
  name: "QUOTA_SPENT",
  status: 429,
  message: "Quota spent",
  description: "The monthly quota is spent <script>alert(1)</script> & more",
  docUrl: "https://api.example.com/errors/quota",
});

describe("pages", () => {
  it("renders a Markdown section per code with statuses, retry advice, fix and an example", () => {
    const markdown = catalogMarkdown();
    for (const { code, name } of listCodes()) expect(markdown).toContain(`\n## ${code} ${name}\n`);
    const section = markdown.slice(markdown.indexOf("## 8 AUTH_EXPIRED"), markdown.indexOf("## 9 "));
    expect(section).toContain("- Statuses: 401 (default 401)");
    expect(section).toContain("- Retry: Yes, once, after refreshing the token.");
    expect(section).toContain('"expired_at"');
    const quota = markdown.slice(markdown.indexOf("## 140 QUOTA_SPENT"));
    expect(quota).toContain("- Retry: Yes, after the time Retry-After gives (or with backoff).");
    expect(quota).toContain("- Documentation: https://api.example.com/errors/quota");
  });

  it("renders an index and one HTML page per code, linked and escaped", () => {
    const pages = catalogPages();
    expect(pages.map((p) => p.path)).toStrictEqual([
      "index.html",
      ...listCodes().map((d) => `${d.code}.html`),
    ]);
    const index = pages[0]?.html ?? "";
    for (const { code } of listCodes()) expect(index).toContain(`<a href="${code}.html">${code}</a>`);
    const three = pages.find((p) => p.path === "3.html")?.html ?? "";
    expect(three).toContain('<dd id="statuses">400, 413, 415, 408, 431 (default 400)</dd>');
    const example = /<pre id="example">([\s\S]*?)<\/pre>/.exec(three)?.[1] ?? "";
    const body = JSON.parse(
      example
        .replaceAll("&quot;", '"')
        .replaceAll("&#39;", "'")
        .replaceAll("&amp;", "&")
        .replaceAll("&lt;", "<")
        .replaceAll("&gt;", ">"),
    );
    expect(parseErrorBody(body, 400).conforming).toBe(true);
    const quota = pages.find((p) => p.path === "140.html")?.html ?? "";
    expect(quota).not.toContain("<script>");
    expect(quota).toContain("The monthly quota is spent &lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    expect(catalogPages({ base: "/docs/errors/" })[0]?.html).toContain('<a href="/docs/errors/10">10</a>');
  });
});

describe("the catalog command", () => {
  it("prints Markdown, writes HTML pages, and loads the app's codes first", async () => {
    const module = join(dir, "codes.mjs");
    const core = new URL("../dist/index.js", import.meta.url).href;
    writeFileSync(
      module,
      `import { registerCode } from ${JSON.stringify(core)};\nregisterCode({ code: 150, name: "LATE", status: 409, message: "Too late" });\n`,
    );
    const markdown = await run(["catalog", "--codes", module]);
    expect(markdown.exitCode).toBe(0);
    expect(markdown.stdout).toContain("## 150 LATE");
    const out = join(dir, "site");
    const html = await catalogCommand(["--format", "html", "--out", out]);
    expect(html).toStrictEqual({
      exitCode: 0,
      stdout: `${listCodes().length + 1} pages in ${out}\n`,
      stderr: "",
    });
    expect(readdirSync(out)).toContain("150.html");
    expect(readFileSync(join(out, "10.html"), "utf8")).toContain("<h1>10 NOT_EXIST</h1>");
  });

  it.each([
    [["--format", "pdf"], 'catalog: --format must be markdown or html, got "pdf"'],
    [["--format", "html"], "catalog: --format html needs --out <dir>"],
    [["--nope"], "catalog: Unknown option '--nope'"],
  ])("refuses %j", async (args, message) => {
    const result = await catalogCommand(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("says which module could not be loaded", async () => {
    const result = await catalogCommand(["--codes", join(dir, "missing.mjs")]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^api-error-codes: catalog: cannot load .*missing\.mjs: /);
  });
});

describe("documentation URLs", () => {
  let app: Running;
  beforeAll(async () => {
    documentCodes("https://api.example.com/docs/errors/{code}");
    const api = createApi({ docLinks: true, problemDetails: true, logger: false });
    api.route("GET", "/quota", {}, () => {
      throw new ApiError(140, null);
    });
    app = await listen(api.createServer());
  });
  afterAll(() => app.close());

  it("documentCodes gives every code without a page one; a code's own stays", () => {
    expect(getCode(10)?.docUrl).toBe("https://api.example.com/docs/errors/10");
    expect(getCode(140)?.docUrl).toBe("https://api.example.com/errors/quota");
    expect(() => documentCodes("https://api.example.com/errors")).toThrow("names neither {code} nor {name}");
    expect(() =>
      registerCode({ code: 141, name: "X", status: 400, message: "x", docUrl: "javascript:alert(1)" }),
    ).toThrow('must be an http(s) URL or a path starting with "/"');
  });

  it("answers carry Link: rel=help, and Problem Details name the page as type", async () => {
    const missing = await fetch(`${app.url}/nowhere`);
    expect(missing.headers.get("link")).toBe('<https://api.example.com/docs/errors/10>; rel="help"');
    const quota = await fetch(`${app.url}/quota`, { headers: { accept: "application/problem+json" } });
    expect(quota.headers.get("link")).toBe('<https://api.example.com/errors/quota>; rel="help"');
    expect(await quota.json()).toStrictEqual({
      type: "https://api.example.com/errors/quota",
      title: "Quota spent",
      status: 429,
      detail: "Quota spent",
      instance: "/quota",
      error_code: 140,
      details: null,
    });
  });

  it("the OpenAPI response of a code links its page; its schema stays one strict ajv compiles", () => {
    const response = errorComponents().responses[errorComponentName(10)];
    expect(response?.description).toBe(
      "10 NOT_EXIST: No route for the path, or the resource is absent or not visible to the caller. (https://api.example.com/docs/errors/10)",
    );
    expect(() => new Ajv({ strict: true }).compile(codeSchema(10))).not.toThrow();
  });
});
