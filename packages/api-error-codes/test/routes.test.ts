import { describe, expect, it } from "vitest";
import {
  createRouteTable,
  notRealized,
  type RouteResolution,
  RouteTable,
  toOpenApiTemplate,
} from "../src/pipeline/routes.js";
import { errorResponse } from "../src/response.js";

const spec = {
  openapi: "3.1.0",
  paths: {
    "/orders": { get: { responses: {} }, post: { responses: {} }, parameters: [], "x-internal": {} },
    "/orders/{id}": { get: { responses: {} }, delete: { responses: {} } },
    "/orders/{id}/refund": { post: { responses: {} } },
    "/reports": { $ref: "#/components/pathItems/reports" },
    "/search": { additionalOperations: { PROPFIND: { responses: {} } } },
  },
  components: { pathItems: { reports: { get: { responses: {} } } } },
};

function table(): RouteTable {
  return createRouteTable()
    .fromOpenApi(spec)
    .add("GET", "/orders")
    .add("POST", "/orders")
    .add("GET", "/orders/:id")
    .add("DELETE", "/orders/{id}")
    .add("GET", "/orders/special")
    .add("GET", "/health")
    .add("GET", "/")
    .add("PUT", "/users/{userId}/orders/{orderId}")
    .add("GET", "/files/:name");
}

const routes = table();

/** The status, code and details the adapter will send, or the match. */
function outcome(r: RouteResolution): unknown {
  if (r.kind === "match")
    return { kind: r.kind, method: r.method, template: r.template, params: { ...r.params } };
  if (r.kind === "options") return { kind: r.kind, allow: r.allow, headers: r.headers };
  return { kind: r.kind, status: r.error.status, code: r.error.code, details: r.error.details };
}

describe("RouteTable.resolve", () => {
  const match = (method: string, template: string, params: Record<string, string> = {}) => ({
    kind: "match",
    method,
    template,
    params,
  });
  const notAllowed = (method: string, allowed: string[]) => ({
    kind: "not_allowed",
    status: 405,
    code: 1,
    details: { method, allowed },
  });
  const notFound = (method: string, path: string) => ({
    kind: "not_found",
    status: 404,
    code: 10,
    details: { method, path },
  });
  const badPath = {
    kind: "bad_request",
    status: 400,
    code: 3,
    details: {
      violations: [
        { in: "path", pointer: "", rule: "parse", message: "Path is not valid percent-encoded UTF-8" },
      ],
    },
  };
  const ORDERS = ["GET", "HEAD", "OPTIONS", "POST"];
  const ORDER = ["DELETE", "GET", "HEAD", "OPTIONS"];

  it.each<[string, string, unknown]>([
    ["GET", "/orders", match("GET", "/orders")],
    ["POST", "/orders", match("POST", "/orders")],
    ["HEAD", "/orders", match("GET", "/orders")],
    ["GET", "/orders?status=open&x=/y", match("GET", "/orders")],
    ["GET", "/orders#frag", match("GET", "/orders")],
    ["GET", "http://api.example.com/orders?x=1", match("GET", "/orders")],
    ["GET", "/", match("GET", "/")],
    ["GET", "/orders/42", match("GET", "/orders/{id}", { id: "42" })],
    ["DELETE", "/orders/42", match("DELETE", "/orders/{id}", { id: "42" })],
    [
      "PUT",
      "/users/u1/orders/o2",
      match("PUT", "/users/{userId}/orders/{orderId}", { userId: "u1", orderId: "o2" }),
    ],
    // Literal segments win; a method the literal route lacks falls through to the parameter route.
    ["GET", "/orders/special", match("GET", "/orders/special")],
    ["DELETE", "/orders/special", match("DELETE", "/orders/{id}", { id: "special" })],
    // Percent-decoding is per segment: an encoded slash stays inside its parameter.
    ["GET", "/files/a%20b", match("GET", "/files/{name}", { name: "a b" })],
    ["GET", "/files/a%2Fb", match("GET", "/files/{name}", { name: "a/b" })],
    ["GET", "/files/%E2%82%AC", match("GET", "/files/{name}", { name: "€" })],
    ["GET", "/%6Frders", match("GET", "/orders")],
  ])("%s %s matches", (method, target, expected) => {
    expect(outcome(routes.resolve(method, target))).toEqual(expected);
  });

  it.each<[string, string, unknown]>([
    ["PATCH", "/orders", notAllowed("PATCH", ORDERS)],
    ["PUT", "/orders?x=1", notAllowed("PUT", ORDERS)],
    // Methods are case-sensitive: `get` is a method nobody registered, on a path that exists.
    ["get", "/orders", notAllowed("get", ORDERS)],
    ["Get", "/orders/1", notAllowed("Get", ORDER)],
    ["CONNECT", "/orders", notAllowed("CONNECT", ORDERS)],
    ["PROPFIND", "/orders/1", notAllowed("PROPFIND", ORDER)],
    ["TRACE", "/health", notAllowed("TRACE", ["GET", "HEAD", "OPTIONS"])],
    // Both the literal and the parameter route match the path: Allow is their union.
    ["PUT", "/orders/special", notAllowed("PUT", ORDER)],
    // A documented-only operation still counts as allowed (it answers 501, not 405).
    ["GET", "/orders/1/refund", notAllowed("GET", ["OPTIONS", "POST"])],
    ["GET", "/search", notAllowed("GET", ["OPTIONS", "PROPFIND"])],
  ])("%s %s is 405", (method, target, expected) => {
    expect(outcome(routes.resolve(method, target))).toEqual(expected);
  });

  it.each<[string, string, unknown]>([
    ["GET", "/nope", notFound("GET", "/nope")],
    ["GET", "/nope?secret=1", notFound("GET", "/nope")],
    ["get", "/nope", notFound("get", "/nope")],
    ["OPTIONS", "/nope", notFound("OPTIONS", "/nope")],
    ["OPTIONS", "*", notFound("OPTIONS", "*")],
    // The trailing slash is significant, and a parameter never matches an empty segment.
    ["GET", "/orders/", notFound("GET", "/orders/")],
    ["GET", "/orders//refund", notFound("GET", "/orders//refund")],
    ["GET", "/orders/1/refund/x", notFound("GET", "/orders/1/refund/x")],
    ["GET", `/${"a/".repeat(10_000)}`, notFound("GET", `/${"a/".repeat(10_000)}`)],
    // details.path is the path as received, still encoded.
    ["GET", "/n%6Fpe", notFound("GET", "/n%6Fpe")],
  ])("%s %s is 404", (method, target, expected) => {
    expect(outcome(routes.resolve(method, target))).toEqual(expected);
  });

  it.each([
    "/orders/%E0%A4%A",
    "/orders/%zz",
    "/orders/%",
    "/orders/%C0%80",
    "/orders/%ED%A0%80",
    "/nope/%E0%A4%A?x=1",
  ])("bad percent-encoding %s is 400 / 3", (target) => {
    expect(outcome(routes.resolve("GET", target))).toEqual(badPath);
  });

  it("answers 501 / 2 for a documented operation without a handler", () => {
    expect(outcome(routes.resolve("POST", "/orders/7/refund?x=1"))).toEqual({
      kind: "not_realized",
      status: 501,
      code: 2,
      details: { method: "POST", path: "/orders/{id}/refund" },
    });
    expect(outcome(routes.resolve("GET", "/reports"))).toMatchObject({ kind: "not_realized", code: 2 });
    expect(outcome(routes.resolve("PROPFIND", "/search"))).toMatchObject({ kind: "not_realized" });
  });

  it("answers OPTIONS on a known path with Allow, including OPTIONS and HEAD for GET", () => {
    expect(outcome(routes.resolve("OPTIONS", "/orders?x=1"))).toEqual({
      kind: "options",
      allow: ORDERS,
      headers: { Allow: "GET, HEAD, OPTIONS, POST" },
    });
    expect(outcome(routes.resolve("OPTIONS", "/orders/special"))).toEqual({
      kind: "options",
      allow: ORDER,
      headers: { Allow: "DELETE, GET, HEAD, OPTIONS" },
    });
  });

  it("prefers a registered OPTIONS handler, and keeps HEAD on GET when HEAD is only documented", () => {
    const t = createRouteTable()
      .add("OPTIONS", "/cors")
      .add("GET", "/cors")
      .fromOpenApi({ paths: { "/items": { head: {}, get: {}, options: {} } } })
      .markRealized("GET", "/items");
    expect(t.resolve("OPTIONS", "/cors")).toMatchObject({ kind: "match", method: "OPTIONS" });
    expect(t.resolve("HEAD", "/items")).toMatchObject({ kind: "match", method: "GET" });
    expect(t.resolve("OPTIONS", "/items")).toMatchObject({
      kind: "options",
      allow: ["GET", "HEAD", "OPTIONS"],
    });
  });

  it("puts Allow on the 405 error itself and in errorResponse, identical to details.allowed", () => {
    const r = routes.resolve("PATCH", "/orders/1");
    if (r.kind !== "not_allowed") throw new Error(r.kind);
    expect(r.error.headers).toEqual({ Allow: "DELETE, GET, HEAD, OPTIONS" });
    const response = errorResponse(r.error);
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe("DELETE, GET, HEAD, OPTIONS");
    expect(JSON.parse(response.body)).toEqual({
      error_code: 1,
      error_message: "Method not allowed",
      details: { method: "PATCH", allowed: ["DELETE", "GET", "HEAD", "OPTIONS"] },
    });
    // details are the error's own copy; the precomputed list stays intact.
    r.error.details.allowed.push("X");
    expect(routes.resolve("OPTIONS", "/orders/1")).toMatchObject({ allow: ORDER });
  });

  it("precomputes Allow per path and recomputes it after a change", () => {
    const t = createRouteTable().add("GET", "/a");
    const first = t.resolve("OPTIONS", "/a");
    const second = t.resolve("OPTIONS", "/a");
    if (first.kind !== "options" || second.kind !== "options") throw new Error("expected options");
    expect(second.headers).toBe(first.headers);
    expect(Object.isFrozen(first.headers) && Object.isFrozen(first.allow)).toBe(true);
    t.add("PUT", "/a");
    expect(t.resolve("OPTIONS", "/a")).toMatchObject({ headers: { Allow: "GET, HEAD, OPTIONS, PUT" } });
  });

  it("ignores the trailing slash only when asked to", () => {
    const t = createRouteTable({ ignoreTrailingSlash: true }).add("GET", "/orders/").add("GET", "/x/{id}");
    expect(t.resolve("GET", "/orders")).toMatchObject({ kind: "match", template: "/orders" });
    expect(t.resolve("GET", "/orders/")).toMatchObject({ kind: "match", template: "/orders" });
    expect(t.resolve("GET", "/x/1/")).toMatchObject({ kind: "match", params: { id: "1" } });
    expect(t.resolve("GET", "/")).toMatchObject({ kind: "not_found" });
  });

  it("builds parameters on an object without a prototype", () => {
    const t = createRouteTable().add("GET", "/p/{__proto__}/{constructor}");
    const r = t.resolve("GET", "/p/a/b");
    if (r.kind !== "match") throw new Error(r.kind);
    expect(Object.getPrototypeOf(r.params)).toBeNull();
    expect(Object.keys(r.params)).toEqual(["__proto__", "constructor"]);
    expect(Object.entries(r.params)[0]).toStrictEqual(["__proto__", "a"]);
  });
});

describe("documented operations", () => {
  it("lists unrealized operations and realizes them in either order", () => {
    const t = createRouteTable().add("GET", "/orders/:id").fromOpenApi(spec, { basePath: "/v1/" });
    expect(t.unrealized()).toEqual([
      { method: "GET", template: "/v1/orders" },
      { method: "POST", template: "/v1/orders" },
      { method: "GET", template: "/v1/orders/{id}" },
      { method: "DELETE", template: "/v1/orders/{id}" },
      { method: "POST", template: "/v1/orders/{id}/refund" },
      { method: "GET", template: "/v1/reports" },
      { method: "PROPFIND", template: "/v1/search" },
    ]);
    t.markRealized("POST", "/v1/orders/:id/refund");
    expect(t.resolve("POST", "/v1/orders/9/refund")).toMatchObject({ kind: "match", params: { id: "9" } });
    expect(t.resolve("GET", "/orders/9")).toMatchObject({ kind: "match" });
  });

  it("skips path items it cannot read", () => {
    const t = createRouteTable().fromOpenApi({
      paths: {
        "/a": { $ref: "https://example.com/other.json#/x" },
        "/b": { $ref: "#/missing/%zz" },
        "/c": null,
        "/d": { get: "not an operation" },
        "/e": { $ref: "#/paths/~1e" },
      },
    });
    expect(t.unrealized()).toEqual([]);
    expect(createRouteTable().fromOpenApi({}).unrealized()).toEqual([]);
  });

  it("notRealized builds the 501 error with the OpenAPI form of the template", () => {
    const error = notRealized("POST", "/orders/:id/refund");
    expect([error.status, error.code, error.details]).toEqual([
      501,
      2,
      { method: "POST", path: "/orders/{id}/refund" },
    ]);
    expect(error.stack?.split("\n").length ?? 0).toBeGreaterThan(1);
  });

  it("converts templates between the two syntaxes", () => {
    expect(toOpenApiTemplate("/a/:id/b/:other_id")).toBe("/a/{id}/b/{other_id}");
    expect(toOpenApiTemplate("/a/{id}")).toBe("/a/{id}");
  });
});

describe("RouteTable.add", () => {
  it("registers method names in upper case", () => {
    const t = new RouteTable().add("get", "/x");
    expect(t.resolve("GET", "/x")).toMatchObject({ kind: "match", method: "GET" });
    expect(t.resolve("get", "/x")).toMatchObject({ kind: "not_allowed" });
  });

  it.each(["orders", "/files/{name}.json", "/a/:id?", "/*", "/a/*splat", "/a/{b"])(
    "refuses the unsupported template %s",
    (template) => {
      expect(() => createRouteTable().add("GET", template)).toThrow(TypeError);
    },
  );

  it("keeps a colon inside a segment literal (`/items:batchGet`)", () => {
    const t = createRouteTable().add("POST", "/v1/items:batchGet");
    expect(t.resolve("POST", "/v1/items:batchGet")).toMatchObject({
      kind: "match",
      template: "/v1/items:batchGet",
    });
    expect(t.resolve("POST", "/v1/items")).toMatchObject({ kind: "not_found" });
  });

  it("refuses a method that is not a token", () => {
    expect(() => createRouteTable().add("GE T", "/x")).toThrow(TypeError);
    expect(() => createRouteTable().add("", "/x")).toThrow(TypeError);
  });

  it("does not capture a stack trace for 4xx outcomes", () => {
    const r = routes.resolve("GET", "/nope");
    if (r.kind !== "not_found") throw new Error(r.kind);
    expect(r.error.stack?.includes("\n    at ")).toBe(false);
  });
});
