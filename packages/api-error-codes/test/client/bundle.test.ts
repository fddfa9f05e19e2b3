/**
 * The `./client` subpath must run in browsers: no Node-only API in its sources, and a bundle of it
 * that pulls neither ajv nor the modules built on it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";

const CLIENT_DIR = fileURLToPath(new URL("../../src/client/", import.meta.url));
const ENTRY = fileURLToPath(new URL("../../src/client/index.ts", import.meta.url));

describe("client subpath", () => {
  const sources = readdirSync(CLIENT_DIR)
    .filter((name) => name.endsWith(".ts"))
    .map((name) => [name, readFileSync(`${CLIENT_DIR}${name}`, "utf8")] as const);

  it.each(sources.map(([name, text]) => [name, text] as const))("%s uses no Node-only API", (_name, text) => {
    const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
    expect(code).not.toMatch(/from\s+["']node:|require\(|import\(\s*["']node:/);
    expect(code).not.toMatch(/\bBuffer\b|\bprocess\b|\b__dirname\b|\bsetImmediate\b/);
    expect(code).not.toMatch(/from\s+["']\.\.\/(contract|schema|validation|adapters\/[^"']*)\.js["']/);
  });

  it("bundles for the browser without ajv, zod or the contract modules", () => {
    const result = buildSync({
      entryPoints: [ENTRY],
      bundle: true,
      format: "esm",
      platform: "browser",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((path) => /node_modules|contract\.ts|schema\.ts|validation\.ts/.test(path))).toEqual(
      [],
    );
    const text = result.outputFiles[0]?.text ?? "";
    expect(text).not.toMatch(/\bajv\b|node:/);
    // Small: the client, ApiError, the registry and the wire parser.
    expect(text.length).toBeLessThan(60_000);
  });
});
