/**
 * `/docs`: Swagger UI for `/openapi.json`, served entirely from this server (swagger-ui-dist from
 * node_modules, no CDN, validator badge off) under a Content-Security-Policy that allows no other
 * origin, plus the error catalogue rendered as HTML from the code registry, readable without
 * JavaScript.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { ApiError, listCodes } from "api-error-codes";
import type { OpenApiDocument } from "./openapi.js";
import { type RouteSpec, route } from "./routes/spec.js";

const swaggerDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The only files served from swagger-ui-dist, with their media types. */
const DIST_FILES: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

// An external file rather than an inline script, so that the policy can forbid inline scripts.
// The page shows the catalogue once, in its own section above (readable without JavaScript): Swagger
// UI gets the document with its description's copy of the catalogue left out.
const INIT_JS = `window.addEventListener("load", function () {
  fetch("/openapi.json").then(function (response) { return response.json(); }).then(function (spec) {
    var description = spec.info && spec.info.description;
    var at = typeof description === "string" ? description.indexOf("## Error catalogue") : -1;
    if (at !== -1) spec.info.description = description.slice(0, at).trim();
    window.ui = SwaggerUIBundle({
      spec: spec,
      dom_id: "#swagger-ui",
      deepLinking: true,
      validatorUrl: null,
      defaultModelsExpandDepth: 0,
      presets: [SwaggerUIBundle.presets.apis],
      layout: "BaseLayout",
    });
  });
});
`;

const PAGE_CSS = `body { margin: 0; font-family: system-ui, sans-serif; color: #1b1b1b; }
header, #error-catalogue { max-width: 1460px; margin: 0 auto; padding: 0 20px; }
header h1 { font-size: 1.6rem; margin: 1.2rem 0 0.3rem; }
#error-catalogue table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
#error-catalogue th, #error-catalogue td { border: 1px solid #d0d0d0; padding: 4px 8px; text-align: left; vertical-align: top; }
#error-catalogue th { background: #f3f3f3; }
#error-catalogue code { font-size: 0.85rem; }
`;

const OWN_FILES: Readonly<Record<string, { type: string; body: string } | undefined>> = {
  "init.js": { type: "text/javascript; charset=utf-8", body: INIT_JS },
  "page.css": { type: "text/css; charset=utf-8", body: PAGE_CSS },
};

/**
 * The policy of the page: scripts, styles, images and requests from this origin only. Swagger UI
 * sets inline styles and uses data: images, hence those two allowances.
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The catalogue as an HTML table: one row per registered code, the service's own included. */
export function catalogueHtml(): string {
  const rows = listCodes()
    .map((d) => {
      const also = d.statuses.filter((s) => s !== d.status).join(", ");
      return `<tr><td>${d.code}</td><td><code>${escapeHtml(d.name)}</code></td><td>${d.status}</td><td>${also}</td><td>${escapeHtml(d.description)}</td></tr>`;
    })
    .join("\n");
  return `<section id="error-catalogue" aria-labelledby="catalogue-title">
<h2 id="catalogue-title">Error catalogue</h2>
<p>Every answer with status 400 or more has the JSON body <code>{"error_code", "error_message", "details"}</code>.
Codes 0-99 belong to the contract; 100 and up are this service's own.</p>
<table>
<thead><tr><th>code</th><th>name</th><th>status</th><th>also allowed</th><th>when</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

function page(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - docs</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/page.css">
</head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>The OpenAPI 3.1 document: <a href="/openapi.json">/openapi.json</a></p></header>
${catalogueHtml()}
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
}

const files = new Map<string, Promise<Buffer>>();

/** A file of swagger-ui-dist, read once. */
function distFile(name: string): Promise<Buffer> {
  let file = files.get(name);
  if (file === undefined) {
    file = readFile(join(swaggerDir, name));
    files.set(name, file);
    file.catch(() => files.delete(name));
  }
  return file;
}

export function docsRoutes(document: () => OpenApiDocument): RouteSpec[] {
  let html: string | undefined;
  return [
    route({
      method: "GET",
      url: "/openapi.json",
      operationId: "getOpenApi",
      tag: "service",
      summary: "This OpenAPI document",
      success: { status: 200, description: "The OpenAPI 3.1 document.", schema: { type: "object" } },
      errors: [0],
      handler: async () => document(),
    }),
    route({
      method: "GET",
      url: "/docs",
      operationId: "getDocs",
      tag: "service",
      summary: "The documentation page",
      description: "Swagger UI and the error catalogue, served without any outside request.",
      success: {
        status: 200,
        description: "An HTML page.",
        mediaType: "text/html",
        schema: { type: "string" },
      },
      errors: [0],
      handler: async (_request, reply) => {
        html ??= page(String(document().info.title));
        return reply.header("content-security-policy", DOCS_CSP).type("text/html; charset=utf-8").send(html);
      },
    }),
    route({
      method: "GET",
      url: "/docs/:file",
      operationId: "getDocsFile",
      tag: "service",
      summary: "A static file of the documentation page",
      hidden: true,
      params: { type: "object", required: ["file"], properties: { file: { type: "string", maxLength: 64 } } },
      success: { status: 200, description: "The file." },
      errors: [10],
      handler: async (request, reply) => {
        const { file } = request.params;
        const own = Object.hasOwn(OWN_FILES, file) ? OWN_FILES[file] : undefined;
        const type = own?.type ?? (Object.hasOwn(DIST_FILES, file) ? DIST_FILES[file] : undefined);
        if (type === undefined) throw ApiError.notExist({ resource: "file", id: file });
        const body = own?.body ?? (await distFile(file));
        return reply.header("cache-control", "public, max-age=3600").type(type).send(body);
      },
    }),
  ];
}
