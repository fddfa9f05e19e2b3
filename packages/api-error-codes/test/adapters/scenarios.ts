/**
 * The shared scenario table: one request in, the exact status, headers and body out. Every adapter
 * runs all of them against the application of `app.ts` and must answer identically (request ids
 * aside). Only requests a well-formed HTTP client can send are here; malformed HTTP is in
 * `client-error.ts`, over raw sockets.
 */

export interface Scenario {
  name: string;
  method: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  expect: {
    status: number;
    /** Exact values; `null` means the header must be absent. */
    headers?: Record<string, string | RegExp | null>;
    /** The parsed body, compared exactly (not checked for HEAD and 204). */
    body?: unknown;
  };
}

const json = { "content-type": "application/json" };
const member = { authorization: "Bearer member-token" };
const admin = { authorization: "Bearer admin-token" };
const asMember = { ...json, ...member };

type V = { in: string; pointer: string; rule: string; message: string; expected?: unknown };
const err = (code: number, message: string, details: unknown = null) => ({
  error_code: code,
  error_message: message,
  details,
});
const violations = (code: 3 | 4 | 5, list: V[], message?: string) => {
  const first = list[0] as V;
  const where = first.pointer === "" ? first.in : `${first.in} ${first.pointer}`;
  const more = list.length > 1 ? ` (and ${list.length - 1} more)` : "";
  return err(code, message ?? `Invalid request: ${where}: ${first.message}${more}`, { violations: list });
};

const ITEMS_ALLOW = "GET, HEAD, OPTIONS, POST";
const ITEM_ALLOW = "DELETE, GET, HEAD, OPTIONS, PUT";
const GENERIC = "Unknown server side error occurred";

const routing: Scenario[] = [
  {
    name: "unknown path is 404 / 10 with method and path",
    method: "GET",
    path: "/nope",
    expect: { status: 404, body: err(10, "Resource not found", { method: "GET", path: "/nope" }) },
  },
  {
    name: "unknown path ignores the query string in details",
    method: "POST",
    path: "/nope/deeper?x=1",
    expect: { status: 404, body: err(10, "Resource not found", { method: "POST", path: "/nope/deeper" }) },
  },
  {
    name: "an extra segment is an unknown path",
    method: "GET",
    path: "/items/1/extra",
    expect: { status: 404, body: err(10, "Resource not found", { method: "GET", path: "/items/1/extra" }) },
  },
  {
    name: "errors are JSON whatever Accept asks for",
    method: "GET",
    path: "/nope",
    headers: { accept: "text/html" },
    expect: { status: 404, body: err(10, "Resource not found", { method: "GET", path: "/nope" }) },
  },
  ...["PATCH", "DELETE", "PROPFIND", "PUT"].map(
    (method): Scenario => ({
      name: `${method} on a GET/POST path is 405 / 1 with Allow`,
      method,
      path: "/items",
      expect: {
        status: 405,
        headers: { allow: ITEMS_ALLOW },
        body: err(1, "Method not allowed", { method, allowed: ITEMS_ALLOW.split(", ") }),
      },
    }),
  ),
  {
    name: "405 on a parameterised path",
    method: "PATCH",
    path: "/items/1",
    expect: {
      status: 405,
      headers: { allow: ITEM_ALLOW },
      body: err(1, "Method not allowed", { method: "PATCH", allowed: ITEM_ALLOW.split(", ") }),
    },
  },
  {
    name: "405 comes before authentication",
    method: "PATCH",
    path: "/me",
    headers: { authorization: "Bearer nobody" },
    expect: {
      status: 405,
      headers: { allow: "GET, HEAD, OPTIONS" },
      body: err(1, "Method not allowed", { method: "PATCH", allowed: ["GET", "HEAD", "OPTIONS"] }),
    },
  },
  {
    name: "OPTIONS on a known path is 204 with Allow",
    method: "OPTIONS",
    path: "/items",
    expect: { status: 204, headers: { allow: ITEMS_ALLOW } },
  },
  {
    name: "OPTIONS on a parameterised path",
    method: "OPTIONS",
    path: "/items/5",
    expect: { status: 204, headers: { allow: ITEM_ALLOW } },
  },
  {
    name: "OPTIONS on an unknown path is 404",
    method: "OPTIONS",
    path: "/nope",
    expect: { status: 404, body: err(10, "Resource not found", { method: "OPTIONS", path: "/nope" }) },
  },
  {
    name: "HEAD behaves as GET without a body",
    method: "HEAD",
    path: "/items/1",
    expect: { status: 200, headers: { "content-type": /^application\/json/ } },
  },
  {
    name: "HEAD on an unknown path is 404 without a body",
    method: "HEAD",
    path: "/nope",
    expect: { status: 404, headers: { "content-type": "application/json; charset=utf-8" } },
  },
  {
    name: "a documented operation without a handler is 501 / 2",
    method: "GET",
    path: "/reports",
    expect: {
      status: 501,
      body: err(2, "Operation is not implemented", { method: "GET", path: "/reports" }),
    },
  },
  {
    name: "a notRealized() handler is 501 / 2",
    method: "POST",
    path: "/items/3/refund",
    expect: {
      status: 501,
      body: err(2, "Operation is not implemented", { method: "POST", path: "/items/{id}/refund" }),
    },
  },
  {
    name: "bad percent-encoding in the path is 400 / 3",
    method: "GET",
    path: "/items/%E0%A4%A",
    expect: {
      status: 400,
      body: violations(3, [
        { in: "path", pointer: "", rule: "parse", message: "Path is not valid percent-encoded UTF-8" },
      ]),
    },
  },
];

const parameters: Scenario[] = [
  {
    name: "a valid query is converted and passed on",
    method: "GET",
    path: "/items?limit=5&offset=0&status=open",
    expect: { status: 200, body: { items: [], limit: 5, offset: 0 } },
  },
  {
    name: "a non-integer query value is 5, never 404",
    method: "GET",
    path: "/items?limit=abc",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "query", pointer: "/limit", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "a decimal for an integer is 5",
    method: "GET",
    path: "/items?limit=3.5",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "query", pointer: "/limit", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "a repeated scalar query parameter is 5",
    method: "GET",
    path: "/items?limit=1&limit=2",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "query", pointer: "/limit", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "limit 0 is 4 (minimum)",
    method: "GET",
    path: "/items?limit=0",
    expect: {
      status: 400,
      body: violations(4, [
        { in: "query", pointer: "/limit", rule: "minimum", message: "must be >= 1", expected: 1 },
      ]),
    },
  },
  {
    name: "limit 101 is 4 (maximum)",
    method: "GET",
    path: "/items?limit=101",
    expect: {
      status: 400,
      body: violations(4, [
        { in: "query", pointer: "/limit", rule: "maximum", message: "must be <= 100", expected: 100 },
      ]),
    },
  },
  {
    name: "a negative offset is 4",
    method: "GET",
    path: "/items?offset=-1",
    expect: {
      status: 400,
      body: violations(4, [
        { in: "query", pointer: "/offset", rule: "minimum", message: "must be >= 0", expected: 0 },
      ]),
    },
  },
  {
    name: "an unknown enum value is 4",
    method: "GET",
    path: "/items?status=lost",
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "query",
          pointer: "/status",
          rule: "enum",
          message: "must be equal to one of the allowed values",
          expected: ["open", "closed"],
        },
      ]),
    },
  },
  {
    name: "type beats value and both are listed",
    method: "GET",
    path: "/items?limit=abc&offset=-1",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "query", pointer: "/limit", rule: "type", message: "must be integer", expected: "integer" },
        { in: "query", pointer: "/offset", rule: "minimum", message: "must be >= 0", expected: 0 },
      ]),
    },
  },
  {
    name: "bad percent-encoding in the query is 400 / 3",
    method: "GET",
    path: "/items?limit=%E0%A4%A",
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "query",
          pointer: "",
          rule: "parse",
          message: 'Query parameter "limit=%E0%A4%A" is not valid percent-encoded UTF-8',
        },
      ]),
    },
  },
  {
    name: "a path parameter of the wrong type is 5, never 404",
    method: "GET",
    path: "/items/abc",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "path", pointer: "/id", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "a path parameter out of range is 4",
    method: "GET",
    path: "/items/0",
    expect: {
      status: 400,
      body: violations(4, [
        { in: "path", pointer: "/id", rule: "minimum", message: "must be >= 1", expected: 1 },
      ]),
    },
  },
  {
    name: "an absent resource is 404 / 10 with resource and id",
    method: "GET",
    path: "/items/2",
    expect: { status: 404, body: err(10, "Resource not found", { resource: "item", id: "2" }) },
  },
  {
    name: "a present resource is 200",
    method: "GET",
    path: "/items/1",
    expect: { status: 200, body: { id: 1, name: "apple" } },
  },
  {
    name: "a valid header is converted",
    method: "GET",
    path: "/tenant",
    headers: { "x-tenant": "5" },
    expect: { status: 200, body: { tenant: 5 } },
  },
  {
    name: "a missing required header is 3",
    method: "GET",
    path: "/tenant",
    expect: {
      status: 400,
      body: violations(3, [{ in: "header", pointer: "/x-tenant", rule: "required", message: "is required" }]),
    },
  },
  {
    name: "a header of the wrong type is 5",
    method: "GET",
    path: "/tenant",
    headers: { "x-tenant": "abc" },
    expect: {
      status: 400,
      body: violations(5, [
        { in: "header", pointer: "/x-tenant", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "a header out of range is 4",
    method: "GET",
    path: "/tenant",
    headers: { "x-tenant": "0" },
    expect: {
      status: 400,
      body: violations(4, [
        { in: "header", pointer: "/x-tenant", rule: "minimum", message: "must be >= 1", expected: 1 },
      ]),
    },
  },
];

const bearerInvalid = 'Bearer error="invalid_token", error_description="The access token is invalid"';
const auth: Scenario[] = [
  {
    name: "no Authorization header is 401 / 6 with WWW-Authenticate",
    method: "GET",
    path: "/me",
    expect: {
      status: 401,
      headers: { "www-authenticate": "Bearer" },
      body: err(6, "Authentication is required"),
    },
  },
  {
    name: "another scheme is 6",
    method: "GET",
    path: "/me",
    headers: { authorization: "Basic dXNlcjpwYXNz" },
    expect: { status: 401, body: err(6, "Only Bearer authentication is supported") },
  },
  {
    name: "an empty Authorization header is 6",
    method: "GET",
    path: "/me",
    headers: { authorization: "" },
    expect: { status: 401, body: err(6, "Authentication is required") },
  },
  {
    name: "a token in the URL is never read: 6",
    method: "GET",
    path: "/me?access_token=member-token",
    expect: { status: 401, body: err(6, "Authentication is required") },
  },
  {
    name: "an unknown token is 7 with error=invalid_token",
    method: "GET",
    path: "/me",
    headers: { authorization: "Bearer no-such-token" },
    expect: {
      status: 401,
      headers: { "www-authenticate": bearerInvalid },
      body: err(7, "Authentication credentials are invalid"),
    },
  },
  {
    name: "an ill-formed token is 7",
    method: "GET",
    path: "/me",
    headers: { authorization: "Bearer two words" },
    expect: { status: 401, body: err(7, "The access token is malformed") },
  },
  {
    name: "an expired token is 8 with expired_at",
    method: "GET",
    path: "/me",
    headers: { authorization: "Bearer expired-token" },
    expect: {
      status: 401,
      headers: {
        "www-authenticate": 'Bearer error="invalid_token", error_description="The access token expired"',
      },
      body: err(8, "Authentication credentials have expired", { expired_at: "2020-01-02T03:04:05.000Z" }),
    },
  },
  {
    name: "the scheme is case-insensitive",
    method: "GET",
    path: "/me",
    headers: { authorization: "bearer member-token" },
    expect: { status: 200, body: { id: "u-member" } },
  },
  {
    name: "two Authorization headers are 3",
    method: "GET",
    path: "/me",
    headers: { authorization: ["Bearer member-token", "Bearer admin-token"] },
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "header",
          pointer: "/authorization",
          rule: "duplicate",
          message: "The authorization header carries more than one credential",
        },
      ]),
    },
  },
  {
    name: "a missing role is 403 / 9 naming it",
    method: "DELETE",
    path: "/items/1",
    headers: member,
    expect: { status: 403, body: err(9, "Access to this operation is forbidden", { required: "admin" }) },
  },
  {
    name: "the right role passes",
    method: "DELETE",
    path: "/items/1",
    headers: admin,
    expect: { status: 204 },
  },
  {
    name: "authentication runs before body parsing: anonymous bad JSON is 6",
    method: "POST",
    path: "/items",
    headers: json,
    body: "{not json",
    expect: { status: 401, body: err(6, "Authentication is required") },
  },
  {
    name: "authentication runs before the media type check",
    method: "POST",
    path: "/items",
    headers: { "content-type": "text/plain", authorization: "Bearer expired-token" },
    body: "hello",
    expect: {
      status: 401,
      body: err(8, "Authentication credentials have expired", { expired_at: "2020-01-02T03:04:05.000Z" }),
    },
  },
];

const item = (extra: object) => JSON.stringify({ name: "pear", quantity: 2, ...extra });
const parse = (message: string): V => ({ in: "body", pointer: "", rule: "parse", message });

const bodies: Scenario[] = [
  {
    name: "a valid body is 201 with Location",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: item({ tags: ["a"] }),
    expect: {
      status: 201,
      headers: { location: "/items/7" },
      body: { id: 7, name: "pear", quantity: 2, tags: ["a"] },
    },
  },
  {
    name: "application/*+json is JSON too",
    method: "POST",
    path: "/items",
    headers: { ...member, "content-type": "application/merge-patch+json; charset=UTF-8" },
    body: item({}),
    expect: { status: 201, body: { id: 7, name: "pear", quantity: 2 } },
  },
  {
    name: "a leading BOM is accepted",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: `\ufeff${item({})}`,
    expect: { status: 201, body: { id: 7, name: "pear", quantity: 2 } },
  },
  {
    name: "text/plain is 415 / 3",
    method: "POST",
    path: "/items",
    headers: { ...member, "content-type": "text/plain" },
    body: item({}),
    expect: {
      status: 415,
      body: violations(3, [
        {
          in: "header",
          pointer: "/content-type",
          rule: "media_type",
          message: "Content-Type must be application/json",
          expected: "application/json",
        },
      ]),
    },
  },
  {
    name: "a body without Content-Type is 415 / 3",
    method: "POST",
    path: "/items",
    headers: member,
    body: item({}),
    expect: {
      status: 415,
      body: violations(3, [
        {
          in: "header",
          pointer: "/content-type",
          rule: "media_type",
          message: "Content-Type is missing; the body must be application/json",
          expected: "application/json",
        },
      ]),
    },
  },
  {
    name: "a charset other than UTF-8 is 415 / 3",
    method: "POST",
    path: "/items",
    headers: { ...member, "content-type": "application/json; charset=latin1" },
    body: item({}),
    expect: {
      status: 415,
      body: violations(3, [
        {
          in: "header",
          pointer: "/content-type",
          rule: "media_type",
          message: "The body must be encoded as UTF-8",
          expected: "application/json",
        },
      ]),
    },
  },
  {
    name: "a body over 1 MiB is 413 / 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ name: "x".repeat(1_100_000), quantity: 1 }),
    expect: {
      status: 413,
      body: violations(3, [
        {
          in: "header",
          pointer: "/content-length",
          rule: "size",
          message: "Request body is larger than 1048576 bytes",
          expected: 1048576,
        },
      ]),
    },
  },
  {
    name: "a missing body is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    expect: {
      status: 400,
      body: violations(3, [
        { in: "body", pointer: "", rule: "required", message: "Request body is required" },
      ]),
    },
  },
  {
    name: "an empty body with a length of 0 is 3",
    method: "POST",
    path: "/items",
    headers: { ...asMember, "content-length": "0" },
    body: "",
    expect: {
      status: 400,
      body: violations(3, [
        { in: "body", pointer: "", rule: "required", message: "Request body is required" },
      ]),
    },
  },
  {
    name: "a whitespace-only body is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: "   ",
    expect: { status: 400, body: violations(3, [parse("Request body contains no JSON value")]) },
  },
  {
    name: "truncated JSON is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name": "pear", "quantity": ',
    expect: {
      status: 400,
      body: violations(3, [
        parse("Invalid JSON at line 1, column 30: unexpected end of input, expected a JSON value"),
      ]),
    },
  },
  {
    name: "invalid UTF-8 is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: Buffer.from([0x7b, 0x22, 0x6e, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
    expect: { status: 400, body: violations(3, [parse("Request body is not valid UTF-8")]) },
  },
  {
    name: "nesting past the depth limit is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: `${"[".repeat(10_000)}${"]".repeat(10_000)}`,
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: `/0`.repeat(64),
          rule: "depth",
          message: "JSON is nested deeper than 64 levels",
          expected: 64,
        },
      ]),
    },
  },
  {
    name: "a __proto__ key is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name":"pear","quantity":2,"__proto__":{"admin":true}}',
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: "/__proto__",
          rule: "forbidden_key",
          message: 'Key "__proto__" is not allowed here',
        },
      ]),
    },
  },
  {
    name: "constructor.prototype is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name":"pear","quantity":2,"constructor":{"prototype":{"x":1}}}',
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: "/constructor/prototype",
          rule: "forbidden_key",
          message: 'Key "prototype" is not allowed here',
        },
      ]),
    },
  },
  {
    name: "a duplicate key is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name":"pear","quantity":2,"name":"apple"}',
    expect: {
      status: 400,
      body: violations(3, [
        { in: "body", pointer: "/name", rule: "duplicate", message: "Key appears more than once" },
      ]),
    },
  },
  {
    name: "a number a double cannot hold is 4",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name":"pear","quantity":1e400}',
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "body",
          pointer: "/quantity",
          rule: "number_range",
          message: "Number is too large to be represented",
        },
      ]),
    },
  },
  {
    name: "a NUL character is 4",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: '{"name":"pe\\u0000ar","quantity":2}',
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "body",
          pointer: "/name",
          rule: "forbidden_character",
          message: "String contains a NUL character",
        },
      ]),
    },
  },
  {
    name: "a wrong JSON type is 5, never coerced",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ name: 123, quantity: "3" }),
    expect: {
      status: 400,
      body: violations(5, [
        { in: "body", pointer: "/name", rule: "type", message: "must be string", expected: "string" },
        { in: "body", pointer: "/quantity", rule: "type", message: "must be integer", expected: "integer" },
      ]),
    },
  },
  {
    name: "an array for an object is 5",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: "[]",
    expect: {
      status: 400,
      body: violations(5, [
        { in: "body", pointer: "", rule: "type", message: "must be object", expected: "object" },
      ]),
    },
  },
  {
    name: "a missing field is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ quantity: 1 }),
    expect: {
      status: 400,
      body: violations(3, [{ in: "body", pointer: "/name", rule: "required", message: "is required" }]),
    },
  },
  {
    name: "an unknown field is 3",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: item({ color: "green" }),
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: "/color",
          rule: "additionalProperties",
          message: "is not an allowed property",
        },
      ]),
    },
  },
  {
    name: "out-of-range values are 4, every one listed",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ name: "", quantity: 0, tags: ["a", "b", "c", "d"], email: "nope" }),
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "body",
          pointer: "/name",
          rule: "minLength",
          message: "must NOT have fewer than 1 characters",
          expected: 1,
        },
        { in: "body", pointer: "/quantity", rule: "minimum", message: "must be >= 1", expected: 1 },
        {
          in: "body",
          pointer: "/tags",
          rule: "maxItems",
          message: "must NOT have more than 3 items",
          expected: 3,
        },
        {
          in: "body",
          pointer: "/email",
          rule: "format",
          message: 'must match format "email"',
          expected: "email",
        },
      ]),
    },
  },
  {
    name: "structure beats type beats value",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ name: 5, quantity: 0, color: 1 }),
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: "/color",
          rule: "additionalProperties",
          message: "is not an allowed property",
        },
        { in: "body", pointer: "/name", rule: "type", message: "must be string", expected: "string" },
        { in: "body", pointer: "/quantity", rule: "minimum", message: "must be >= 1", expected: 1 },
      ]),
    },
  },
  {
    name: "zod: a valid body passes",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ title: "hello", count: 2 }),
    expect: { status: 201, body: { title: "hello", count: 2 } },
  },
  {
    name: "zod: a missing field is 3",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ count: 2 }),
    expect: {
      status: 400,
      body: violations(3, [{ in: "body", pointer: "/title", rule: "required", message: "is required" }]),
    },
  },
  {
    name: "zod: the message names the missing field that decided 3, not the length listed before it",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ title: "x" }),
    expect: {
      status: 400,
      body: violations(
        3,
        [
          {
            in: "body",
            pointer: "/title",
            rule: "minLength",
            message: "Too small: expected string to have >=3 characters",
            expected: 3,
          },
          { in: "body", pointer: "/count", rule: "required", message: "is required" },
        ],
        "Invalid request: body /count: is required (and 1 more)",
      ),
    },
  },
  {
    name: "the message names the type violation that decided 5, not the too-long string listed before it",
    method: "POST",
    path: "/items",
    headers: asMember,
    body: JSON.stringify({ name: "x".repeat(21), quantity: "3" }),
    expect: {
      status: 400,
      body: violations(
        5,
        [
          {
            in: "body",
            pointer: "/name",
            rule: "maxLength",
            message: "must NOT have more than 20 characters",
            expected: 20,
          },
          { in: "body", pointer: "/quantity", rule: "type", message: "must be integer", expected: "integer" },
        ],
        "Invalid request: body /quantity: must be integer (and 1 more)",
      ),
    },
  },
  {
    name: "zod: a wrong type is 5",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ title: 5, count: 2 }),
    expect: {
      status: 400,
      body: violations(5, [
        {
          in: "body",
          pointer: "/title",
          rule: "type",
          message: "Invalid input: expected string, received number",
          expected: "string",
        },
      ]),
    },
  },
  {
    name: "zod: a short string is 4",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ title: "ab", count: 2 }),
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "body",
          pointer: "/title",
          rule: "minLength",
          message: "Too small: expected string to have >=3 characters",
          expected: 3,
        },
      ]),
    },
  },
  {
    name: "zod: an unknown key is 3",
    method: "POST",
    path: "/notes",
    headers: json,
    body: JSON.stringify({ title: "abc", count: 2, extra: true }),
    expect: {
      status: 400,
      body: violations(3, [
        {
          in: "body",
          pointer: "/extra",
          rule: "additionalProperties",
          message: "is not an allowed property",
        },
      ]),
    },
  },
];

/**
 * Standard Schema routes (valibot body and query, arktype params and headers, an async valibot
 * check): the same 3 / 5 / 4 and pointers as JSON Schema, messages said without the input, and the
 * handler given the schema's output (trimmed strings, parsed numbers).
 */
const SECRET = "s3cr3t-never-echoed";
const standardSchema: Scenario[] = [
  {
    name: "standard schema (valibot): a valid body reaches the handler transformed (trimmed)",
    method: "POST",
    path: "/orders?notify=yes",
    headers: json,
    body: JSON.stringify({ item: "  tea  ", quantity: 2 }),
    expect: { status: 201, body: { order: { item: "tea", quantity: 2 }, notify: "yes" } },
  },
  {
    name: "standard schema (valibot): a missing member is 3 at its pointer",
    method: "POST",
    path: "/orders",
    headers: json,
    body: JSON.stringify({ item: "tea" }),
    expect: {
      status: 400,
      body: violations(3, [{ in: "body", pointer: "/quantity", rule: "required", message: "is required" }]),
    },
  },
  {
    name: "standard schema (valibot): an extra member is 3, named by its pointer",
    method: "POST",
    path: "/orders",
    headers: json,
    body: JSON.stringify({ item: "tea", quantity: 1, "a/b": SECRET }),
    expect: {
      status: 400,
      body: violations(3, [
        { in: "body", pointer: "/a~1b", rule: "additionalProperties", message: "is not an allowed property" },
      ]),
    },
  },
  {
    name: "standard schema (valibot): a wrong type is 5 and the rejected string is not echoed",
    method: "POST",
    path: "/orders",
    headers: json,
    body: JSON.stringify({ item: "tea", quantity: SECRET }),
    expect: {
      status: 400,
      body: violations(5, [
        { in: "body", pointer: "/quantity", rule: "type", message: "must be number", expected: "number" },
      ]),
    },
  },
  {
    name: "standard schema (valibot): a fraction is 5 (integer), a value outside the options 4",
    method: "POST",
    path: "/orders",
    headers: json,
    body: JSON.stringify({ item: "tea", quantity: 1.5, size: SECRET }),
    expect: {
      status: 400,
      body: violations(
        5,
        [
          { in: "body", pointer: "/quantity", rule: "type", message: "must be integer", expected: "integer" },
          {
            in: "body",
            pointer: "/size",
            rule: "enum",
            message: "must be equal to one of the allowed values",
            expected: ["small", "large"],
          },
        ],
        "Invalid request: body /quantity: must be integer (and 1 more)",
      ),
    },
  },
  {
    name: "standard schema (valibot): a query value outside the options is 4 in query",
    method: "POST",
    path: `/orders?notify=${SECRET}`,
    headers: json,
    body: JSON.stringify({ item: "tea", quantity: 1 }),
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "query",
          pointer: "/notify",
          rule: "enum",
          message: "must be equal to one of the allowed values",
          expected: ["yes", "no"],
        },
      ]),
    },
  },
  {
    name: "standard schema (arktype): path and header are validated; the handler gets the parsed number",
    method: "GET",
    path: "/orders/12",
    headers: { "x-region": "eu" },
    expect: { status: 200, body: { id: 12, idType: "number", region: "eu" } },
  },
  {
    name: "standard schema (arktype): a missing header is 3 in header",
    method: "GET",
    path: "/orders/12",
    expect: {
      status: 400,
      body: violations(3, [{ in: "header", pointer: "/x-region", rule: "required", message: "is required" }]),
    },
  },
  {
    name: "standard schema (arktype): a header outside the options and a path id out of range are 4",
    method: "GET",
    path: "/orders/0",
    headers: { "x-region": SECRET },
    expect: {
      status: 400,
      body: violations(4, [
        {
          in: "path",
          pointer: "/id",
          rule: "exclusiveMinimum",
          message: "must be > 0",
          expected: 0,
        },
        {
          in: "header",
          pointer: "/x-region",
          rule: "enum",
          message: "must be equal to one of the allowed values",
          expected: ["eu", "us"],
        },
      ]),
    },
  },
  {
    name: "standard schema (valibot, async): a passing async check reaches the handler",
    method: "POST",
    path: "/coupons",
    headers: json,
    body: JSON.stringify({ code: "SPRING" }),
    expect: { status: 201, body: { code: "SPRING" } },
  },
  {
    name: "standard schema (valibot, async): a failing async check is 4 with the schema's message",
    method: "POST",
    path: "/coupons",
    headers: json,
    body: JSON.stringify({ code: "USED" }),
    expect: {
      status: 400,
      body: violations(4, [
        { in: "body", pointer: "", rule: "custom", message: "this coupon was used already" },
      ]),
    },
  },
  {
    name: "standard schema (valibot, async): a type error inside the async schema is 5",
    method: "POST",
    path: "/coupons",
    headers: json,
    body: JSON.stringify({ code: 1234 }),
    expect: {
      status: 400,
      body: violations(5, [
        { in: "body", pointer: "/code", rule: "type", message: "must be string", expected: "string" },
      ]),
    },
  },
];

const thrown: Scenario[] = [
  {
    name: "a thrown Error is 500 / 0 with the generic message only",
    method: "GET",
    path: "/boom",
    expect: { status: 500, body: err(0, GENERIC) },
  },
  {
    name: "a refused upstream connection is 502 / 11",
    method: "GET",
    path: "/upstream",
    expect: {
      status: 502,
      body: err(11, "External service is unavailable", { service: "upstream", reason: "unavailable" }),
    },
  },
  {
    name: "a database outage is 503 / 12 with Retry-After",
    method: "GET",
    path: "/db",
    expect: {
      status: 503,
      headers: { "retry-after": "7" },
      body: err(12, "Database is unavailable", { reason: "unavailable" }),
    },
  },
  {
    name: "a conflict is 409 / 4",
    method: "PUT",
    path: "/items/1",
    headers: member,
    expect: {
      status: 409,
      body: violations(4, [{ in: "body", pointer: "/name", rule: "unique", message: "name is taken" }]),
    },
  },
];

const requestIds: Scenario[] = [
  {
    name: "a well-formed X-Request-Id is echoed on errors",
    method: "GET",
    path: "/nope",
    headers: { "x-request-id": "trace-42.a:b" },
    expect: { status: 404, headers: { "x-request-id": "trace-42.a:b" } },
  },
  {
    name: "a well-formed X-Request-Id is echoed on success",
    method: "GET",
    path: "/items/1",
    headers: { "x-request-id": "ok-1" },
    expect: { status: 200, headers: { "x-request-id": "ok-1" } },
  },
  {
    name: "an ill-formed X-Request-Id is replaced by a UUID",
    method: "GET",
    path: "/nope",
    headers: { "x-request-id": "bad id <script>" },
    expect: { status: 404, headers: { "x-request-id": /^[0-9a-f-]{36}$/ } },
  },
];

export const scenarios: Scenario[] = [
  ...routing,
  ...parameters,
  ...auth,
  ...bodies,
  ...standardSchema,
  ...thrown,
  ...requestIds,
];
