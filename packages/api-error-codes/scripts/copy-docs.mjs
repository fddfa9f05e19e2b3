/**
 * Post-build step: the guides of the repository's docs/ go into the package (its README points
 * there), so that a user reads them in node_modules/api-error-codes/docs/ without the repository.
 */
import { cpSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const source = join(import.meta.dirname, "..", "..", "..", "docs");
const target = join(import.meta.dirname, "..", "docs");
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true, filter: (path) => !path.includes("/.") });
console.log(`copy-docs: ${readdirSync(target).length} guides in docs/`);
