/**
 * Rewrites the generated parts of the Markdown pages (the code table, every sourced code block).
 *
 *   node --import tsx packages/api-error-codes/scripts/sync-docs.ts          # rewrite
 *   node --import tsx packages/api-error-codes/scripts/sync-docs.ts --check  # exit 1 if stale
 *
 * Only generated text changes; `test/drift.test.ts` fails until this has been run.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { docPages, ROOT, renderPage } from "./doc-blocks.js";

let stale = 0;
for (const page of docPages()) {
  const path = `${ROOT}${page}`;
  if (!existsSync(path)) continue;
  const text = readFileSync(path, "utf8");
  let updated: string;
  try {
    updated = renderPage(page, text);
  } catch (error) {
    process.stderr.write(`sync-docs: ${page}: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (updated === text) continue;
  stale++;
  if (process.argv.includes("--check")) process.stderr.write(`sync-docs: ${page} is out of date\n`);
  else {
    writeFileSync(path, updated);
    process.stdout.write(`sync-docs: updated ${page}\n`);
  }
}
if (stale === 0) process.stdout.write("sync-docs: every page up to date\n");
else if (process.argv.includes("--check")) process.exit(1);
