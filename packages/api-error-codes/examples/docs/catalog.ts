// The error catalogue: documentation pages for every code, the app's own included, and the codes
// pointing at them.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { documentCodes, registerCode } from "api-error-codes";
import { catalogPages } from "api-error-codes/openapi";

export function setUpCodes() {
  // #region codes
  // An app code with its own page, then a page for every other code (the built-in ones) by template.
  registerCode({
    code: 120,
    name: "QUOTA_SPENT",
    status: 429,
    message: "The monthly quota is spent",
    description: "The account used its monthly quota of requests; Retry-After says when it renews.",
    docUrl: "https://api.example.com/docs/errors/quota",
  });
  documentCodes("https://api.example.com/docs/errors/{code}");
  // #endregion
}

export function writeCatalog(folder: string) {
  // #region pages
  // index.html and one page per code; a server can send the same strings (catalogPages({ base })).
  mkdirSync(folder, { recursive: true });
  for (const { path, html } of catalogPages({ title: "Example API errors" })) {
    writeFileSync(join(folder, path), html);
  }
  // #endregion
}
