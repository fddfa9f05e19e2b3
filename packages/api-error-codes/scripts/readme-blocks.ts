/**
 * The generated parts of the repository README: the code table (from the registry) and one
 * quickstart per adapter (the example files the tests run). `sync-readme.ts` writes them,
 * `test/drift.test.ts` fails when the README and the sources drift apart.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { codesMarkdownTable } from "../src/catalog.js";

export const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
export const EXAMPLES = ["node", "express", "fastify", "hono", "client", "openapi"] as const;

/** Marker name -> the text that belongs between its start and end markers. */
export function generatedBlocks(): Map<string, string> {
  const blocks = new Map([["codes", codesMarkdownTable()]]);
  for (const name of EXAMPLES) {
    const source = readFileSync(new URL(`../examples/${name}.ts`, import.meta.url), "utf8");
    blocks.set(`example:${name}`, `\`\`\`ts\n${source.trimEnd()}\n\`\`\`\n`);
  }
  return blocks;
}

/** The README with every generated block brought up to date; throws when a marker is missing. */
export function renderReadme(text: string): string {
  let out = text;
  for (const [name, content] of generatedBlocks()) {
    const start = `<!-- ${name}:start -->`;
    const end = `<!-- ${name}:end -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from === -1 || to === -1) throw new Error(`README.md has no "${start}" ... "${end}" block`);
    out = `${out.slice(0, from)}${start}\n${content}${out.slice(to)}`;
  }
  return out;
}
