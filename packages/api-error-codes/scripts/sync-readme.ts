/**
 * Rewrites the code table in the repository README from the registry.
 *
 *   node --import tsx packages/api-error-codes/scripts/sync-readme.ts          # rewrite
 *   node --import tsx packages/api-error-codes/scripts/sync-readme.ts --check  # exit 1 if stale
 *
 * Only the text between the markers changes; `test/drift.test.ts` fails until this has been run.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { codesMarkdownTable } from "../src/catalog.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const START = "<!-- codes:start -->";
const END = "<!-- codes:end -->";

const text = readFileSync(README, "utf8");
const start = text.indexOf(START);
const end = text.indexOf(END, start);
if (start === -1 || end === -1) {
  process.stderr.write(`sync-readme: ${README} has no "${START}" ... "${END}" block\n`);
  process.exit(1);
}
const updated = `${text.slice(0, start)}${START}\n${codesMarkdownTable()}${text.slice(end)}`;

if (process.argv.includes("--check")) {
  if (updated !== text) {
    process.stderr.write("sync-readme: the README code table is out of date; run without --check\n");
    process.exit(1);
  }
} else if (updated !== text) {
  writeFileSync(README, updated);
  process.stdout.write(`sync-readme: updated ${README}\n`);
} else {
  process.stdout.write("sync-readme: README already up to date\n");
}
