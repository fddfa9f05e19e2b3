/**
 * The packed tarballs as a user installs them: `npm pack` into a temp dir, check the files, install them
 * with plain `npm install` (a peer range conflict is ERESOLVE, so it fails here) into fresh projects
 * outside the workspace, one on Express 4 and one on Express 5 + Fastify 5 + Hono + @hono/node-server + Koa 3,
 * then compile the quickstarts and an import of every `exports` subpath with the `tsc --init` settings
 * of TypeScript 5.9 and 7, under its default resolution and node16 and bundler (node10 by 5.9 only: 7
 * removed it), and run are-the-types-wrong over the tarball. Needs the npm registry; `npm test` builds dist/ first.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const checkerRoot = join(root, "..", "checker");

interface Manifest {
  name: string;
  exports: Record<string, string | Record<string, { types: string; default: string }>>;
  typesVersions?: Record<string, Record<string, string[]>>;
  bin?: Record<string, string>;
  types?: string;
  main?: string;
  module?: string;
}
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Manifest;
const checkerManifest = JSON.parse(readFileSync(join(checkerRoot, "package.json"), "utf8")) as Manifest;

/** `api-error-codes/x` for every subpath in `exports` but package.json. */
function specifiers(pkg: Manifest): string[] {
  return Object.keys(pkg.exports)
    .filter((key) => key !== "./package.json")
    .map((key) => (key === "." ? pkg.name : `${pkg.name}/${key.slice(2)}`));
}

/** Every file the manifest points at, as `package/<path>` like `npm pack` lists them. */
function pointedAt(pkg: Manifest): string[] {
  const paths = new Set<string>();
  for (const target of Object.values(pkg.exports)) {
    if (typeof target === "string") continue;
    for (const condition of Object.values(target)) {
      paths.add(condition.types);
      paths.add(condition.default);
    }
  }
  for (const map of Object.values(pkg.typesVersions ?? {}))
    for (const list of Object.values(map)) for (const p of list) paths.add(p);
  for (const p of [pkg.types, pkg.main, pkg.module, ...Object.values(pkg.bin ?? {})])
    if (p !== undefined) paths.add(p);
  return [...paths].map((p) => p.replace(/^\.\//, "")).sort();
}

const work = mkdtempSync(join(tmpdir(), "api-error-codes-tarball-"));
const npmEnv = {
  ...process.env,
  npm_config_audit: "false",
  npm_config_fund: "false",
  npm_config_update_notifier: "false",
};

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    env: npmEnv,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

interface Packed {
  filename: string;
  files: string[];
}
function pack(dir: string): Packed {
  const [result] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], dir)) as {
    filename: string;
    files: { path: string }[];
  }[];
  if (result === undefined) throw new Error(`npm pack printed nothing in ${dir}`);
  return { filename: join(work, result.filename), files: result.files.map((f) => f.path).sort() };
}

function project(name: string, dependencies: Record<string, string>): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name, private: true, type: "module", dependencies }),
  );
  run("npm", ["install"], dir);
  return dir;
}

let core: Packed;
let checker: Packed;
let tools: string;
let express4: string;
let modern: string;

beforeAll(() => {
  core = pack(root);
  checker = pack(checkerRoot);
  tools = project("tools", {
    typescript: "~5.9.3",
    typescript7: "npm:typescript@^7.0.0",
    "@arethetypeswrong/cli": "^0.18.0",
  });
  express4 = project("express4", {
    "api-error-codes": `file:${core.filename}`,
    express: "~4.21.2",
    "@types/express": "^4.17.21",
    "@types/node": "^20.19.0",
  });
  modern = project("modern", {
    "api-error-codes": `file:${core.filename}`,
    "api-error-codes-checker": `file:${checker.filename}`,
    express: "^5.1.0",
    "@types/express": "^5.0.0",
    fastify: "^5.0.0",
    hono: "^4.8.0",
    "@hono/node-server": "^1.19.10 || ^2.0.0",
    koa: "^3.0.0",
    "@koa/router": "^15.0.0",
    "@types/koa": "^3.0.0",
    "@nestjs/common": "^12.0.0",
    "@nestjs/core": "^12.0.0",
    "@nestjs/platform-express": "^12.0.0",
    "reflect-metadata": "^0.2.0",
    rxjs: "^7.1.0",
    zod: "^4.0.0",
    "@types/node": "^20.19.0",
  });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("packed tarballs", () => {
  it.each([
    ["api-error-codes", () => core, manifest],
    ["api-error-codes-checker", () => checker, checkerManifest],
  ] as const)(
    "%s ships README.md, LICENSE, package.json and every file its manifest points at",
    (name, packed, pkg) => {
      const files = packed().files;
      for (const file of ["README.md", "LICENSE", "package.json", ...pointedAt(pkg)])
        expect(files).toContain(file);
      // The library also ships the repository's guides, which its README points at.
      const guides =
        name === "api-error-codes"
          ? readdirSync(join(root, "..", "..", "docs")).map((page) => `docs/${page}`)
          : [];
      expect(files.filter((f) => !f.startsWith("dist/"))).toStrictEqual(
        ["LICENSE", "README.md", ...guides, "package.json"].sort(),
      );
    },
  );

  it("typesVersions gives node10 resolution a declaration file for every subpath", () => {
    const mapped = Object.keys(manifest.typesVersions?.["*"] ?? {}).sort();
    const subpaths = Object.keys(manifest.exports)
      .filter((key) => key !== "." && key !== "./package.json")
      .map((key) => key.slice(2))
      .sort();
    expect(mapped).toStrictEqual(subpaths);
  });

  it("every subpath loads with import() and require() in the installed Express 5 project", () => {
    const all = specifiers(manifest).concat(specifiers(checkerManifest));
    const script = `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
for (const s of ${JSON.stringify(all)}) {
  const esm = await import(s); const cjs = require(s);
  if (Object.keys(esm).length < 1 || Object.keys(cjs).length < 1) throw new Error("empty " + s);
}
console.log("loaded " + ${all.length});`;
    writeFileSync(join(modern, "load.mjs"), script);
    expect(run("node", ["load.mjs"], modern).trim()).toBe(`loaded ${all.length}`);
  });

  it("are-the-types-wrong finds no problem in the tarball", () => {
    const attw = join(tools, "node_modules", ".bin", "attw");
    // exit status 0 only when every entry point resolves under node10, node16 (CJS and ESM) and bundler
    const out = run(attw, [core.filename, "--format", "table-flipped"], tools);
    expect(out).toContain("No problems found");
  }, 120_000);
});

const compilers = [
  { version: "5.9", tsc: () => join(tools, "node_modules", "typescript", "bin", "tsc") },
  { version: "7", tsc: () => join(tools, "node_modules", "typescript7", "bin", "tsc") },
] as const;

/** compilerOptions laid over what `tsc --init` wrote, per resolution. */
const resolutions: Record<string, Record<string, unknown>> = {
  "tsc --init default": {},
  node16: { module: "node16", moduleResolution: "node16" },
  bundler: { module: "esnext", moduleResolution: "bundler" },
  // an older CommonJS project: its tsconfig had esModuleInterop, which `tsc --init` of 5.9 leaves to nodenext
  node10: {
    module: "commonjs",
    moduleResolution: "node10",
    verbatimModuleSyntax: false,
    esModuleInterop: true,
  },
};

/** Copies the quickstarts and writes `subpaths.ts`, which uses every subpath the project can load. */
function sources(dir: string, examples: string[], skip: string[]): string[] {
  const all = specifiers(manifest)
    .concat(dir === modern ? specifiers(checkerManifest) : [])
    .filter((s) => !skip.includes(s));
  const lines = all.map((s, i) => `import * as m${i} from "${s}";`);
  lines.push(`export const modules = [${all.map((_, i) => `m${i}`).join(", ")}];`);
  writeFileSync(join(dir, "subpaths.ts"), `${lines.join("\n")}\n`);
  for (const example of examples) copyFileSync(join(root, "examples", example), join(dir, example));
  return ["subpaths.ts", ...examples];
}

/**
 * Writes what `tsc --init` of that compiler writes into `<dir>/init-<version>`, a tsconfig extending it
 * with `overrides` over `files`, and returns what tsc prints (empty when it compiles).
 */
function compile(
  tsc: string,
  version: string,
  dir: string,
  label: string,
  overrides: object,
  files: string[],
): string {
  const initDir = join(dir, `init-${version}`);
  rmSync(initDir, { recursive: true, force: true });
  mkdirSync(initDir);
  run(tsc, ["--init"], initDir);
  const config = `tsconfig.${version}.${label.replace(/\W+/g, "-")}.json`;
  const compilerOptions = { noEmit: true, rootDir: ".", ...overrides };
  writeFileSync(
    join(dir, config),
    JSON.stringify({ extends: `./init-${version}/tsconfig.json`, compilerOptions, files }),
  );
  try {
    run(tsc, ["-p", config], dir);
    return "";
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}

describe.each(compilers)(
  "TypeScript $version compiles the quickstarts against the installed tarball",
  ({ version, tsc }) => {
    // TypeScript 7 removed moduleResolution node10 (error TS5108), so node10 is compiled by 5.9 only
    const cases = Object.keys(resolutions)
      .filter((resolution) => version !== "7" || resolution !== "node10")
      .flatMap((resolution) => [
        { project: "express4", resolution },
        { project: "modern", resolution },
      ]);

    // Nothing else in this file loads the node types (no express or fastify): with `types: []` they come
    // only from the `/// <reference types="node" />` the build puts in the node entry's declarations.
    it("a node:http-only file with the tsc --init settings", () => {
      writeFileSync(
        join(modern, "node-only.ts"),
        'import type { Server } from "node:http";\nimport { createApi } from "api-error-codes/node";\n\nexport function start(): Promise<Server> {\n  return createApi().listen(0);\n}\n',
      );
      expect(compile(tsc(), version, modern, "node-only", {}, ["node-only.ts"])).toBe("");
    }, 180_000);

    it.each(cases)(
      "$project with $resolution",
      ({ project: name, resolution }) => {
        const dir = name === "express4" ? express4 : modern;
        const files =
          name === "express4"
            ? sources(dir, ["express.ts"], ["api-error-codes/fastify", "api-error-codes/hono"])
            : sources(dir, ["express.ts", "fastify.ts", "hono.ts", "koa.ts", "node.ts"], []);
        expect(compile(tsc(), version, dir, resolution, resolutions[resolution] ?? {}, files)).toBe("");
      },
      180_000,
    );
  },
);
