/**
 * Post-build step: a declaration file that imports from `node:*` gets `/// <reference types="node" />`
 * at its top, so a project compiles with `types: []` (the TypeScript 7 `tsc --init` default) without
 * editing its tsconfig. Runs after tsup over dist/*.d.ts and dist/*.d.cts.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const reference = '/// <reference types="node" />\n';
const dist = join(import.meta.dirname, "..", "dist");
let changed = 0;
for (const name of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
  if (!name.endsWith(".d.ts") && !name.endsWith(".d.cts")) continue;
  const file = join(dist, name);
  const text = readFileSync(file, "utf8");
  if (text.startsWith(reference) || !/from ["']node:/.test(text)) continue;
  writeFileSync(file, reference + text);
  changed += 1;
}
console.log(`dts-node-reference: ${changed} declaration files reference the node types`);
