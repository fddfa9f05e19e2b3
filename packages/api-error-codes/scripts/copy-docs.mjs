/**
 * Post-build step: the guides of the repository's docs/ go into the package (its README points
 * there), so that a user reads them in node_modules/api-error-codes/docs/ without the repository.
 */
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const source = join(import.meta.dirname, "..", "..", "..", "docs");
const target = join(import.meta.dirname, "..", "docs");
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !path.includes("/.") });
// A link out of docs/ (to BENCHMARKS.md, the reference API) has no target in the package: its text
// stays, with the path in the repository.
for (const page of readdirSync(target)) {
  const file = join(target, page);
  const text = readFileSync(file, "utf8");
  const local = text.replace(/\[([^\]]+)\]\(\.\.\/([^)#]+)(#[^)]*)?\)/g, (_link, words, path) =>
    words === path ? `${words} (in the repository)` : `${words} (${path} in the repository)`,
  );
  if (local !== text) writeFileSync(file, local);
}
console.log(`copy-docs: ${readdirSync(target).length} guides in docs/`);
