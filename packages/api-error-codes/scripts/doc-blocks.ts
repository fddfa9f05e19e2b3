/**
 * The generated parts of the Markdown pages (README.md, docs/*.md, the reference API's README): the
 * code table (from the registry) and every TypeScript block, which is a file the tests type-check
 * and run. `sync-docs.ts` writes them, `test/drift.test.ts` fails when a page and its sources drift.
 *
 * A TypeScript block is preceded by the comment naming its source, relative to the repository root:
 *
 *   <!-- file: packages/api-error-codes/examples/docs/auth.ts -->            the whole file
 *   <!-- file: packages/api-error-codes/examples/docs/auth.ts#roles -->      a `// #region roles` of it
 *
 * or wrapped in `<!-- example:NAME:start -->` ... `<!-- example:NAME:end -->` for
 * `packages/api-error-codes/examples/NAME.ts`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { codesMarkdownTable } from "../src/catalog.js";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const README = `${ROOT}README.md`;

/** Every page whose blocks are checked, relative to the root. */
export function docPages(): string[] {
  const docs = readdirSync(`${ROOT}docs`)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs, "apps/reference-api/README.md", "packages/api-error-codes/README.md"];
}

/** One fenced block of a page. */
export interface Block {
  readonly page: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly content: string;
  /** The source named by the comment right above the fence (`path` or `path#region`), if any. */
  readonly source: string | undefined;
}

const FILE_MARKER = /^<!-- file: (\S+) -->$/;
const EXAMPLE_MARKER = /^<!-- example:([\w-]+):start -->$/;
const FENCE = /^(\s*)```(\w*)\s*$/;
/** `// #region NAME` and `// #endregion`: kept out of a page that shows the whole file. */
const REGION_MARK = /^\s*\/\/ #(?:end)?region\b/;

/** The fenced blocks of a page, with the source each names. */
export function blocksOf(page: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i] as string);
    if (open === null) continue;
    const indent = open[1] as string;
    const end = lines.findIndex((line, j) => j > i && line === `${indent}\`\`\``);
    if (end === -1) throw new Error(`${page}:${i + 1}: unclosed code block`);
    const above = i > 0 ? (lines[i - 1] as string).trim() : "";
    const file = FILE_MARKER.exec(above)?.[1];
    const example = EXAMPLE_MARKER.exec(above)?.[1];
    const source =
      file ?? (example === undefined ? undefined : `packages/api-error-codes/examples/${example}.ts`);
    const content = lines
      .slice(i + 1, end)
      .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
      .join("\n");
    blocks.push({ page, line: i + 1, lang: open[2] as string, content, source });
    i = end;
  }
  return blocks;
}

/**
 * The text a source names: a whole file, or its lines between `// #region NAME` and `// #endregion`.
 * A name may mark several regions (the imports and the code that uses them); they are joined by a
 * blank line.
 */
export function sourceText(source: string): string {
  const [path, region] = source.split("#") as [string, string | undefined];
  const text = readFileSync(`${ROOT}${path}`, "utf8");
  const lines = text.split("\n");
  if (region === undefined)
    return lines
      .filter((line) => !REGION_MARK.test(line))
      .join("\n")
      .trimEnd();
  const parts: string[] = [];
  for (let start = 0; start < lines.length; start++) {
    if ((lines[start] as string).trim() !== `// #region ${region}`) continue;
    const end = lines.findIndex((line, i) => i > start && line.trim().startsWith("// #endregion"));
    if (end === -1) throw new Error(`${path}: region ${region} has no "// #endregion"`);
    const body = lines.slice(start + 1, end).filter((line) => !REGION_MARK.test(line));
    // A region inside a function keeps its relative indentation only.
    const indent = Math.min(
      ...body.filter((line) => line.trim() !== "").map((line) => /^ */.exec(line)![0].length),
    );
    parts.push(
      body
        .map((line) => line.slice(indent))
        .join("\n")
        .trimEnd(),
    );
    start = end;
  }
  if (parts.length === 0) throw new Error(`${path} has no "// #region ${region}"`);
  return parts.join("\n\n");
}

/** The page with the code table and every sourced block brought up to date. */
export function renderPage(page: string, text: string): string {
  let out = text;
  const table = /<!-- codes:start -->\n[\s\S]*?<!-- codes:end -->/;
  out = out.replace(table, () => `<!-- codes:start -->\n${codesMarkdownTable()}<!-- codes:end -->`);
  // From the last block back, so that earlier line numbers stay right.
  for (const block of blocksOf(page, out).reverse()) {
    if (block.source === undefined) continue;
    const lines = out.split("\n");
    const indent = FENCE.exec(lines[block.line - 1] as string)![1] as string;
    const end = lines.findIndex((line, j) => j >= block.line && line === `${indent}\`\`\``);
    const fresh = sourceText(block.source)
      .split("\n")
      .map((line) => (line === "" ? "" : `${indent}${line}`));
    lines.splice(block.line, end - block.line, ...fresh);
    out = lines.join("\n");
  }
  return out;
}
