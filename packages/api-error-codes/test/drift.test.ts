/**
 * Everything derived from the registry must agree with it: the README's code table and the
 * OpenAPI components. Every code block of the README and of docs/ is a file the tests type-check
 * and run, or is checked here another way. A failure here means "regenerate", not "edit by hand":
 *   node --import tsx packages/api-error-codes/scripts/sync-docs.ts
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { type Block, blocksOf, docPages, ROOT, renderPage, sourceText } from "../scripts/doc-blocks.js";
import { codesJson, codesMarkdownTable } from "../src/catalog.js";
import { BUILTIN_CODES, listCodes, parseErrorBody } from "../src/index.js";
import { API_ERROR_SCHEMA_NAME, errorComponentName, errorComponents } from "../src/openapi.js";
import { optionKeys } from "../src/pipeline/options.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const BLOCK = /<!-- codes:start -->\n([\s\S]*?)<!-- codes:end -->/;
const SYNC = "run: node --import tsx packages/api-error-codes/scripts/sync-docs.ts";

const pages = docPages().filter((page) => existsSync(`${ROOT}${page}`));
const blocks: Block[] = pages.flatMap((page) => blocksOf(page, readFileSync(`${ROOT}${page}`, "utf8")));
const where = (block: Block) => `${block.page}:${block.line}`;

/** TypeScript and JavaScript blocks: each must be a file the typecheck covers. */
const CODE = new Set(["ts", "typescript", "tsx", "js", "javascript", "mjs", "cjs"]);
/** Where those files live: packages/api-error-codes/tsconfig.json includes examples/, so `npm run typecheck` checks them. */
const TYPE_CHECKED = "packages/api-error-codes/examples/";
/** Text sources and the test that makes their content true. */
const CHECKED_TEXT: Readonly<Record<string, string>> = {
  "packages/api-error-codes/examples/docs/startup-mistakes.txt": "test/docs-examples.test.ts",
};
/**
 * Sample output of the checker in docs/checker.md, abridged with "...": packages/checker/test/docs.test.ts
 * runs the checker against the Petstore fixture and finds every line of them in what it prints.
 * Here: they are those samples (their first and last lines have the checker's form).
 */
const SAMPLES = [/^api-error-codes-check http:\/\/\S+ \(spec: /, /^::error file=/];

/** The commands a shell block may run: npm scripts that exist, the packages and binaries we publish. */
function shellProblems(block: Block): string[] {
  const root = JSON.parse(readFileSync(`${ROOT}package.json`, "utf8")) as { scripts: Record<string, string> };
  const library = JSON.parse(readFileSync(`${ROOT}packages/api-error-codes/package.json`, "utf8")) as {
    name: string;
    peerDependencies: Record<string, string>;
    devDependencies: Record<string, string>;
    bin: Record<string, string>;
  };
  const checker = JSON.parse(readFileSync(`${ROOT}packages/checker/package.json`, "utf8")) as {
    bin: Record<string, string>;
  };
  // The library, its peers, and what its tests install beside them (zod, @types/express...).
  const installable = new Set([
    library.name,
    ...Object.keys(library.peerDependencies),
    ...Object.keys(library.devDependencies),
  ]);
  const problems: string[] = [];
  for (const line of block.content.split("\n")) {
    const code = line.replace(/\s#.*$/, "").trim();
    if (code === "" || code.startsWith("#")) continue;
    for (const command of code.split("&&").map((part) => part.trim())) {
      const words = command.split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word));
      const [tool, verb, ...rest] = words;
      const ok =
        (tool === "npm" && (verb === "ci" || verb === "test" || verb === "start")) ||
        (tool === "npm" && verb === "run" && rest[0] !== undefined && rest[0] in root.scripts) ||
        (tool === "npm" &&
          verb === "install" &&
          rest.every((word) => word === "--save-dev" || installable.has(word))) ||
        (tool === "npx" && verb !== undefined && verb in checker.bin) ||
        // The library's own commands, tested in test/cli.test.ts and test/catalog-pages.test.ts.
        (tool === "npx" &&
          verb !== undefined &&
          verb in library.bin &&
          ["codes", "catalog"].includes(rest[0] ?? "")) ||
        (tool === "node" && verb === "--import" && rest[0] === "tsx" && existsSync(`${ROOT}${rest[1]}`));
      if (!ok) problems.push(`${where(block)}: "${command}" is not a command the repository has`);
    }
  }
  return problems;
}

describe("drift", () => {
  it("the README's code table is the generated one", () => {
    const match = BLOCK.exec(readFileSync(README, "utf8"));
    expect(match, "README.md needs a <!-- codes:start --> ... <!-- codes:end --> block").not.toBeNull();
    expect(match?.[1], SYNC).toBe(codesMarkdownTable());
  });

  it("the README is an overview: under 300 lines, with the setup and test commands CI runs", () => {
    const text = readFileSync(README, "utf8");
    expect(text.split("\n").length).toBeLessThan(300);
    expect(text).toContain("npm ci && npm test");
  });

  it("every page's sourced blocks are their files, as they are now", () => {
    for (const page of pages) {
      const text = readFileSync(`${ROOT}${page}`, "utf8");
      expect(renderPage(page, text), `${page}: ${SYNC}`).toBe(text);
    }
  });

  it("every TypeScript block names its source, a file the typecheck covers", () => {
    const code = blocks.filter((block) => CODE.has(block.lang));
    expect(code.length).toBeGreaterThan(30);
    for (const block of code) {
      expect(
        block.source,
        `${where(block)}: a \`\`\`${block.lang} block needs <!-- file: path --> above it`,
      ).toBeDefined();
      expect(
        block.source?.startsWith(TYPE_CHECKED),
        `${where(block)}: ${block.source} is not under ${TYPE_CHECKED}`,
      ).toBe(true);
      expect(block.source?.split("#")[0]).toMatch(/\.ts$/);
      expect(block.content, where(block)).toBe(sourceText(block.source as string));
    }
  });

  it("a block without a source fails the check (the check itself)", () => {
    const [block] = blocksOf("x.md", "text\n\n```ts\nconst a = 1;\n```\n");
    expect(block?.source).toBeUndefined();
    const [sourced] = blocksOf(
      "x.md",
      "<!-- file: packages/api-error-codes/examples/node.ts -->\n```ts\nx\n```\n",
    );
    expect(sourced?.source).toBe("packages/api-error-codes/examples/node.ts");
    expect(
      renderPage("x.md", "<!-- file: packages/api-error-codes/examples/node.ts -->\n```ts\nx\n```\n"),
    ).not.toContain("\nx\n");
  });

  it("every other block is checked another way", () => {
    const problems: string[] = [];
    for (const block of blocks.filter((b) => !CODE.has(b.lang))) {
      const at = where(block);
      if (block.source !== undefined) {
        const path = block.source.split("#")[0] as string;
        if (CHECKED_TEXT[path] === undefined) problems.push(`${at}: no test makes ${path} true`);
        else if (block.content !== sourceText(block.source)) problems.push(`${at}: not ${path}; ${SYNC}`);
      } else if (block.lang === "json") {
        // An answer: JSON, and an error body keeps the contract.
        const value = JSON.parse(block.content) as Record<string, unknown>;
        if ("error_code" in value && !parseErrorBody(value).conforming)
          problems.push(`${at}: ${JSON.stringify(parseErrorBody(value))}`);
      } else if (block.lang === "sh") {
        problems.push(...shellProblems(block));
      } else if (block.lang === "yaml") {
        // YAML; the checker's own tests load the config file of docs/checker.md (packages/checker/test/docs.test.ts).
        parseYaml(block.content);
      } else if (block.lang === "text" && block.page === "docs/checker.md") {
        const first = block.content.split("\n")[0] ?? "";
        const last = block.content.trimEnd().split("\n").pop() ?? "";
        if (
          !SAMPLES.some((sample) => sample.test(first)) ||
          !/^\d+ checks: \d+ passed, \d+ failed, \d+ skipped$/.test(last)
        )
          problems.push(`${at}: not a sample of the checker's output`);
      } else {
        problems.push(
          `${at}: a \`\`\`${block.lang} block nothing checks; name its source with <!-- file: ... -->`,
        );
      }
    }
    expect(problems).toStrictEqual([]);
  });

  it("docs/options.md lists every option of every adapter, and no other", () => {
    const doc = readFileSync(`${ROOT}docs/options.md`, "utf8");
    const table = /<!-- options:start -->\n([\s\S]*?)<!-- options:end -->/.exec(doc)?.[1] ?? "";
    const rows = table
      .split("\n")
      .slice(2)
      .filter((row) => row.startsWith("| `"))
      .map((row) => row.split("|").map((cell) => cell.trim()));
    expect(rows.length).toBeGreaterThan(10);
    for (const adapter of ["express", "fastify", "hono", "node", "koa", "fetch", "nest"]) {
      const listed = rows
        .filter(([, , adapters]) => adapters === "all" || (adapters ?? "").split(", ").includes(adapter))
        .map(([, key]) => (key ?? "").replaceAll("`", ""));
      expect(listed.sort(), adapter).toStrictEqual(optionKeys(`api-error-codes/${adapter}`).sort());
    }
  });

  it("docs/adapter.md shows the adapter example the tests run", () => {
    const doc = readFileSync(new URL("../../../docs/adapter.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/adapter.ts", import.meta.url), "utf8");
    expect(doc).toContain(
      `<!-- example:adapter:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:adapter:end -->`,
    );
  });

  it("docs/existing-app.md shows the existing-app example the tests run", () => {
    const doc = readFileSync(new URL("../../../docs/existing-app.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/existing-app.ts", import.meta.url), "utf8");
    expect(doc).toContain(
      `<!-- example:existing-app:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:existing-app:end -->`,
    );
  });

  it.each(["standard-schema", "standard-schema-hono"])(
    "docs/validation-standard-schema.md shows examples/%s.ts, which the tests run",
    (name) => {
      const doc = readFileSync(
        new URL("../../../docs/validation-standard-schema.md", import.meta.url),
        "utf8",
      );
      const example = readFileSync(new URL(`../examples/${name}.ts`, import.meta.url), "utf8");
      expect(doc).toContain(
        `<!-- example:${name}:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:${name}:end -->`,
      );
      // Every code block of the page is one of the examples.
      expect(doc.match(/```/g)?.length).toBe(4);
    },
  );

  it("the registry holds exactly the built-in codes here (no test registered extras)", () => {
    expect(listCodes().map((d) => d.code)).toStrictEqual(BUILTIN_CODES.map((d) => d.code));
  });

  it("the OpenAPI components cover exactly the registry's codes", () => {
    const codes = listCodes().map((d) => d.code);
    const names = codes.map(errorComponentName);
    const components = errorComponents();
    expect(Object.keys(components.responses)).toStrictEqual(names);
    expect(Object.keys(components.schemas)).toStrictEqual([API_ERROR_SCHEMA_NAME, ...names]);
    const schemaCodes = names.map((name) => {
      const properties = components.schemas[name]?.["properties"] as { error_code: { const: number } };
      return properties.error_code.const;
    });
    expect(schemaCodes).toStrictEqual(codes);
    const exampleCodes = names.map((name) => {
      const example = components.responses[name]!.content["application/json"]!.example as {
        error_code: number;
      };
      return example.error_code;
    });
    expect(exampleCodes).toStrictEqual(codes);
  });

  it("the JSON catalog covers exactly the registry's codes", () => {
    expect((JSON.parse(codesJson()) as { code: number }[]).map((d) => d.code)).toStrictEqual(
      listCodes().map((d) => d.code),
    );
  });
});
