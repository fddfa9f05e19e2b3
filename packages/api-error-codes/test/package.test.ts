/**
 * The built package as a user gets it: every subpath export resolves through package.json for both
 * `import` and `require`, has its type declarations, and publint finds nothing to fix.
 * Runs against dist/, which `npm test` builds first.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { describe, expect, it } from "vitest";
import { entries } from "../tsup.config.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  exports: Record<string, unknown>;
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
};
const subpaths = Object.keys(manifest.exports).filter((key) => key !== "./package.json");
const require = createRequire(import.meta.url);

/**
 * Package specifiers a built file loads, following its relative chunks; in a declaration file a
 * chunk `./x.js` / `./x.cjs` is the declarations `./x.d.ts` / `./x.d.cts`.
 */
function bareImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(join(root, file), "utf8");
  const declarations = /\.d\.c?ts$/.test(file);
  const found: string[] = [];
  for (const [, specifier] of text.matchAll(/(?:from\s*|import\(\s*|require\(\s*)["']([^"']+)["']/g)) {
    if (specifier === undefined || specifier.startsWith("node:")) continue;
    if (!specifier.startsWith(".")) found.push(specifier);
    else {
      const chunk = declarations ? specifier.replace(/\.(c?)js$/, ".d.$1ts") : specifier;
      found.push(...bareImports(join(dirname(file), chunk), seen));
    }
  }
  return found;
}

describe("built package", () => {
  it("was built", () => {
    expect(existsSync(join(root, "dist/index.js")), "run `npm run build` first").toBe(true);
  });

  it("exports one subpath per build entry", () => {
    const fromEntries = Object.keys(entries)
      .filter((name) => !name.startsWith("cli/"))
      .map((name) => (name === "index" ? "." : `./${name}`));
    expect(subpaths.sort()).toStrictEqual(fromEntries.sort());
  });

  it.each(subpaths)("%s loads with import() and require() and ships .d.ts and .d.cts", async (subpath) => {
    const specifier = subpath === "." ? "api-error-codes" : `api-error-codes/${subpath.slice(2)}`;
    const esm = (await import(specifier)) as Record<string, unknown>;
    const cjs = require(specifier) as Record<string, unknown>;
    expect(Object.keys(cjs).sort()).toStrictEqual(
      Object.keys(esm)
        .filter((k) => k !== "default")
        .sort(),
    );
    const conditions = manifest.exports[subpath] as Record<string, { types: string; default: string }>;
    for (const condition of ["import", "require"]) {
      const target = conditions[condition]!;
      expect(Object.keys(target)[0], "types must come first").toBe("types");
      expect(existsSync(join(root, target.types))).toBe(true);
      expect(existsSync(join(root, target.default))).toBe(true);
    }
  });

  it.each(["dist/nest.d.ts", "dist/nest.d.cts"])(
    "%s names neither platform's types: a Nest app has only one of them installed",
    (file) => {
      const specifiers = bareImports(file);
      expect(specifiers).toContain("@nestjs/common");
      expect(specifiers.filter((name) => /^(express|fastify)(\/|$)/.test(name))).toStrictEqual([]);
    },
  );

  it("gives the same core to ESM and CJS users", async () => {
    // A variable specifier keeps type-checking independent of whether dist/ exists yet.
    const name: string = "api-error-codes";
    const esm = (await import(name)) as typeof import("../src/index.js");
    const cjs = require(name) as typeof esm;
    const error = cjs.ApiError.notExist();
    expect(esm.isApiError(error, 10)).toBe(true);
    expect(esm.serializeError(error)).toBe(cjs.serializeError(error));
  });

  it("pulls in no dependency from the core entry: ajv where schemas are compiled, negotiator where answers are negotiated", () => {
    expect(Object.keys(manifest.dependencies ?? {}).sort()).toStrictEqual([
      "ajv",
      "ajv-formats",
      "negotiator",
    ]);
    expect(bareImports("dist/index.js")).toStrictEqual([]);
    expect(bareImports("dist/index.cjs")).toStrictEqual([]);
  });

  it("ships what its `files` list names: the build, the guides, README and LICENSE (publint does not check it)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { files: string[] };
    expect(manifest.files).toStrictEqual(["dist", "docs", "README.md", "LICENSE"]);
    for (const file of manifest.files) expect(existsSync(join(root, file)), file).toBe(true);
    expect(readFileSync(join(root, "LICENSE"), "utf8")).toMatch(/^MIT License/);
  });

  it("ships the guides with no link out of the package: one to the repository keeps its text and path", () => {
    const pages = readdirSync(join(root, "docs"));
    expect(pages).toContain("express.md");
    for (const page of pages)
      expect(readFileSync(join(root, "docs", page), "utf8"), page).not.toMatch(/\]\(\.\.\//);
    expect(readFileSync(join(root, "docs", "observability.md"), "utf8")).toContain(
      "BENCHMARKS.md (in the repository)",
    );
  });

  it("maps every subpath in typesVersions, for moduleResolution node10 (older CommonJS projects)", () => {
    const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      exports: Record<string, unknown>;
      typesVersions: Record<string, Record<string, string[]>>;
    };
    const subpaths = Object.keys(manifest.exports)
      .filter((key) => key !== "." && key !== "./package.json")
      .map((key) => key.slice(2));
    expect(Object.keys(manifest.typesVersions["*"] ?? {}).sort()).toStrictEqual([...subpaths].sort());
    for (const [subpath, [file]] of Object.entries(manifest.typesVersions["*"] ?? {})) {
      expect(existsSync(join(root, file as string)), subpath).toBe(true);
    }
  });

  it("has an executable bin", () => {
    const bin = join(root, manifest.bin["api-error-codes"]!);
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
  });

  it("passes publint", async () => {
    const { messages } = await publint({ pkgDir: root, level: "warning", strict: true });
    expect(messages).toStrictEqual([]);
  });
});
