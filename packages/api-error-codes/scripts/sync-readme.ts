/**
 * Rewrites the generated parts of the repository README (code table, adapter quickstarts).
 *
 *   node --import tsx packages/api-error-codes/scripts/sync-readme.ts          # rewrite
 *   node --import tsx packages/api-error-codes/scripts/sync-readme.ts --check  # exit 1 if stale
 *
 * Only the text between the markers changes; `test/drift.test.ts` fails until this has been run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { README, renderReadme } from "./readme-blocks.js";

const text = readFileSync(README, "utf8");
let updated: string;
try {
  updated = renderReadme(text);
} catch (error) {
  process.stderr.write(`sync-readme: ${(error as Error).message}\n`);
  process.exit(1);
}

if (process.argv.includes("--check")) {
  if (updated !== text) {
    process.stderr.write("sync-readme: the README is out of date; run without --check\n");
    process.exit(1);
  }
} else if (updated !== text) {
  writeFileSync(README, updated);
  process.stdout.write(`sync-readme: updated ${README}\n`);
} else {
  process.stdout.write("sync-readme: README already up to date\n");
}
