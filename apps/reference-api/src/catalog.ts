/**
 * `/docs/errors`: the service's error catalogue (every code, its own 100 included), a page per
 * code, rendered once by the library. Every code's `docUrl` points here, so answers' `Link`
 * headers and Problem Details' `type` lead a client to the page. Served, left out of the OpenAPI
 * document.
 */
import { ApiError, documentCodes } from "api-error-codes";
import { catalogPages } from "api-error-codes/openapi";
import { type RouteSpec, route } from "./routes/spec.js";

const BASE = "/docs/errors/";
/** Static pages: no script, no inline style beyond the page's own. */
const CATALOG_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

export function catalogRoutes(): RouteSpec[] {
  documentCodes(`${BASE}{code}`);
  const [index, ...pages] = catalogPages({
    base: BASE,
    index: "/docs/errors",
    title: "Reference API error codes",
  });
  const byCode = new Map(pages.map((page) => [page.path.replace(/\.html$/, ""), page.html]));
  const html = { status: 200, description: "An HTML page.", mediaType: "text/html" } as const;
  const hidden = { tag: "service", hidden: true } as const;
  return [
    route({
      ...hidden,
      method: "GET",
      url: "/docs/errors",
      operationId: "getErrorCatalog",
      summary: "The error catalogue",
      success: html,
      errors: [0],
      handler: async (_request, reply) =>
        reply
          .header("content-security-policy", CATALOG_CSP)
          .type("text/html; charset=utf-8")
          .send(index?.html),
    }),
    route({
      ...hidden,
      method: "GET",
      url: "/docs/errors/:code",
      operationId: "getErrorCatalogPage",
      summary: "One code of the error catalogue",
      params: { type: "object", required: ["code"], properties: { code: { type: "string", maxLength: 16 } } },
      success: html,
      errors: [10],
      handler: async (request, reply) => {
        const page = byCode.get(request.params.code);
        if (page === undefined) throw ApiError.notExist({ resource: "error code", id: request.params.code });
        return reply
          .header("content-security-policy", CATALOG_CSP)
          .type("text/html; charset=utf-8")
          .send(page);
      },
    }),
  ];
}
