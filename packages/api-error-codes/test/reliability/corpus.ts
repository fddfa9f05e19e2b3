/**
 * The bad-input corpus: hostile requests written out as exact bytes, each with the status and code
 * every adapter must answer (the shared app of test/adapters/app.ts). It complements the shared
 * scenarios (scenarios.ts), which pin exact bodies for what a well-behaved client sends, and the
 * MALFORMED table of raw-socket.ts: the rows here are variations those do not have (escaped keys,
 * encodings, smuggling variants, Host, CONNECT, slow clients on every adapter...), grouped by category.
 *
 * Every request goes over a real socket, byte for byte. Where an adapter answers differently, the
 * row says so in `except` with the reason; such an answer must still conform.
 */
import type { TargetName } from "../adapters/builders.js";
import { http } from "../adapters/raw-socket.js";

export type Category =
  | "json syntax"
  | "encoding"
  | "nesting"
  | "prototype keys"
  | "duplicate keys"
  | "numbers"
  | "NUL and controls"
  | "size"
  | "media type"
  | "query"
  | "path"
  | "method"
  | "smuggling"
  | "host"
  | "header overflow"
  | "slow client"
  | "auth"
  | "token in URL"
  | "request id"
  | "expect and upgrade";

export interface Expected {
  status: number;
  /** The error code of a >= 400 answer. */
  code?: number;
  /** Exact values, patterns, or `null` for "absent". */
  headers?: Record<string, string | RegExp | null>;
}

export interface CorpusCase {
  name: string;
  category: Category;
  /** Raw bytes, or pieces written with pauses (numbers, in ms) in between. */
  bytes: string | Buffer | readonly (string | number)[];
  expect: Expected;
  /** Adapters that answer differently, and why (a known gap, reported). */
  except?: Partial<Record<TargetName, Expected & { why: string }>>;
  /** Time to wait for the answer (slow clients). */
  timeoutMs?: number;
}

const MEMBER = "Bearer member-token";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** POST /items as a member with a JSON media type: what every body row sends. */
const item = (body: string | Buffer, type = "application/json") =>
  http("POST", "/items", { Authorization: MEMBER, "Content-Type": type }, body);
const get = (target: string, headers: Record<string, string> = {}) => http("GET", target, headers);
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : Buffer.from(p))));

const created: Expected = { status: 201 };
const ok: Expected = { status: 200 };
const e3: Expected = { status: 400, code: 3 };
const e4: Expected = { status: 400, code: 4 };
const e5: Expected = { status: 400, code: 5 };
const notFound: Expected = { status: 404, code: 10 };

export const corpus: CorpusCase[] = [
  // JSON syntax: truncated, empty and not-quite-JSON bodies are all 3.
  { category: "json syntax", name: "a lone opening brace", bytes: item("{"), expect: e3 },
  {
    category: "json syntax",
    name: "an unclosed array",
    bytes: item('{"name":"a","quantity":1,"tags":["x"'),
    expect: e3,
  },
  { category: "json syntax", name: "an unterminated string", bytes: item('{"name":"pe'), expect: e3 },
  {
    category: "json syntax",
    name: "a trailing comma",
    bytes: item('{"name":"a","quantity":1,}'),
    expect: e3,
  },
  { category: "json syntax", name: "single quotes", bytes: item("{'name':'a','quantity':1}"), expect: e3 },
  { category: "json syntax", name: "a comment", bytes: item('{"name":"a",/* x */"quantity":1}'), expect: e3 },
  { category: "json syntax", name: "NaN", bytes: item('{"name":"a","quantity":NaN}'), expect: e3 },
  { category: "json syntax", name: "Infinity", bytes: item('{"name":"a","quantity":Infinity}'), expect: e3 },
  {
    category: "json syntax",
    name: "a hexadecimal number",
    bytes: item('{"name":"a","quantity":0x10}'),
    expect: e3,
  },
  { category: "json syntax", name: "a leading zero", bytes: item('{"name":"a","quantity":01}'), expect: e3 },
  {
    category: "json syntax",
    name: "two JSON documents",
    bytes: item('{"name":"a","quantity":1}{}'),
    expect: e3,
  },
  {
    category: "json syntax",
    name: "trailing garbage",
    bytes: item('{"name":"a","quantity":1} x'),
    expect: e3,
  },
  { category: "json syntax", name: "an empty object (required fields)", bytes: item("{}"), expect: e3 },
  { category: "json syntax", name: "JSON null for an object", bytes: item("null"), expect: e5 },

  // Encoding: one BOM is tolerated, anything that is not UTF-8 is 3.
  {
    category: "encoding",
    name: "a UTF-8 BOM, then valid JSON",
    bytes: item(bytes([0xef, 0xbb, 0xbf], '{"name":"a","quantity":1}')),
    expect: created,
  },
  {
    category: "encoding",
    name: "two BOMs",
    bytes: item(bytes([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], '{"name":"a","quantity":1}')),
    expect: e3,
  },
  {
    category: "encoding",
    name: "UTF-16LE with its BOM",
    bytes: item(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"name":"a","quantity":1}', "utf16le")]),
    ),
    expect: e3,
  },
  {
    category: "encoding",
    name: "an overlong encoding of '/' (C0 AF)",
    bytes: item(bytes('{"name":"a', [0xc0, 0xaf], '","quantity":1}')),
    expect: e3,
  },
  {
    category: "encoding",
    name: "an encoded UTF-16 surrogate (ED A0 80)",
    bytes: item(bytes('{"name":"a', [0xed, 0xa0, 0x80], '","quantity":1}')),
    expect: e3,
  },
  {
    category: "encoding",
    name: "a multi-byte sequence cut at the end",
    bytes: item(bytes('{"name":"a","quantity":1,"tags":["', [0xe2, 0x82])),
    expect: e3,
  },

  // Nesting: the depth limit (64) holds however deep the attack goes.
  {
    category: "nesting",
    name: "10,000 nested objects",
    bytes: item(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`),
    expect: e3,
  },
  {
    category: "nesting",
    name: "10,000 nested arrays inside a valid field",
    bytes: item(`{"name":"a","quantity":1,"tags":${"[".repeat(10_000)}${"]".repeat(10_000)}}`),
    expect: e3,
  },
  {
    category: "nesting",
    name: "100,000 opening brackets, never closed",
    bytes: item("[".repeat(100_000)),
    expect: e3,
  },
  {
    category: "nesting",
    name: "just within the depth limit: a type error, not a structure error",
    bytes: item(`{"name":"a","quantity":1,"tags":${"[".repeat(62)}${"]".repeat(62)}}`),
    expect: e5,
  },

  // Prototype keys, however they are spelled.
  {
    category: "prototype keys",
    name: "__proto__ spelled with a unicode escape",
    bytes: item('{"name":"a","quantity":1,"\\u005f_proto__":{"admin":true}}'),
    expect: e3,
  },
  {
    category: "prototype keys",
    name: "__proto__ nested in an array",
    bytes: item('{"name":"a","quantity":1,"tags":[{"__proto__":{"admin":true}}]}'),
    expect: e3,
  },
  {
    category: "prototype keys",
    name: "constructor.prototype with an escaped key",
    bytes: item('{"name":"a","quantity":1,"constructor":{"prot\\u006ftype":{"x":1}}}'),
    expect: e3,
  },

  // Duplicate keys, also when an escape hides them.
  {
    category: "duplicate keys",
    name: "a duplicate hidden by an escape",
    bytes: item('{"name":"a","quantity":1,"n\\u0061me":"b"}'),
    expect: e3,
  },
  {
    category: "duplicate keys",
    name: "a duplicate inside a nested object",
    bytes: item('{"name":"a","quantity":1,"tags":[{"k":1,"k":2}]}'),
    expect: e3,
  },

  // Numbers JSON cannot hold exactly are 4; integral floats are integers.
  { category: "numbers", name: "-1e400", bytes: item('{"name":"a","quantity":-1e400}'), expect: e4 },
  {
    category: "numbers",
    name: "2^53 + 1",
    bytes: item('{"name":"a","quantity":9007199254740993}'),
    expect: e4,
  },
  {
    category: "numbers",
    name: "-0 (below the minimum)",
    bytes: item('{"name":"a","quantity":-0}'),
    expect: e4,
  },
  {
    category: "numbers",
    name: "1e2 is the integer 100",
    bytes: item('{"name":"a","quantity":1e2}'),
    expect: created,
  },
  {
    category: "numbers",
    name: "1.0 is the integer 1",
    bytes: item('{"name":"a","quantity":1.0}'),
    expect: created,
  },
  { category: "numbers", name: "1.5 for an integer", bytes: item('{"name":"a","quantity":1.5}'), expect: e5 },

  // NUL and control characters.
  {
    category: "NUL and controls",
    name: "an escaped NUL in an array item",
    bytes: item('{"name":"a","quantity":1,"tags":["x\\u0000"]}'),
    expect: e4,
  },
  {
    category: "NUL and controls",
    name: "a lone surrogate escape in a string",
    bytes: item('{"name":"a\\ud800","quantity":1}'),
    expect: e4,
  },
  {
    category: "NUL and controls",
    name: "a surrogate pair escape is one character",
    bytes: item('{"name":"\\ud83d\\ude00","quantity":1}'),
    expect: created,
  },
  {
    category: "NUL and controls",
    name: "a raw NUL byte between tokens",
    bytes: item('{"name":"a",\u0000"quantity":1}'),
    expect: e3,
  },
  {
    category: "NUL and controls",
    name: "a raw control character inside a string",
    bytes: item('{"name":"a\u0001","quantity":1}'),
    expect: e3,
  },

  // Size: strings, arrays and bodies past their limits.
  {
    category: "size",
    name: "a 100,000-character string",
    bytes: item(JSON.stringify({ name: "x".repeat(100_000), quantity: 1 })),
    expect: e4,
  },
  {
    category: "size",
    name: "a 100,000-item array",
    bytes: item(JSON.stringify({ name: "x", quantity: 1, tags: Array(100_000).fill("a") })),
    expect: e4,
  },
  {
    category: "size",
    name: "a declared length of 2 MB is refused before reading",
    bytes: `POST /items HTTP/1.1\r\nHost: x\r\nAuthorization: ${MEMBER}\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{`,
    expect: { status: 413, code: 3 },
  },
  {
    category: "size",
    name: "a chunked body past 1 MiB is cut off while reading",
    bytes: [
      `POST /items HTTP/1.1\r\nHost: x\r\nAuthorization: ${MEMBER}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      `${(600_000).toString(16)}\r\n${"a".repeat(600_000)}\r\n`,
      `${(600_000).toString(16)}\r\n${"b".repeat(600_000)}\r\n0\r\n\r\n`,
    ],
    expect: { status: 413, code: 3, headers: { connection: "close" } },
  },

  // Media types: only JSON is read.
  {
    category: "media type",
    name: "form-urlencoded",
    bytes: item("name=a&quantity=1", "application/x-www-form-urlencoded"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "multipart",
    bytes: item("--x\r\n\r\n--x--", "multipart/form-data; boundary=x"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "JSON in UTF-16 by charset",
    bytes: item('{"name":"a","quantity":1}', "application/json; charset=utf-16"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "application/jsonx",
    bytes: item('{"name":"a","quantity":1}', "application/jsonx"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "two media types in one header",
    bytes: item('{"name":"a","quantity":1}', "application/json, text/plain"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "a quoted charset is still UTF-8",
    bytes: item('{"name":"a","quantity":1}', 'application/json; charset="UTF-8"'),
    expect: created,
  },
  {
    category: "media type",
    name: "upper-case media type",
    bytes: item('{"name":"a","quantity":1}', "APPLICATION/JSON"),
    expect: created,
  },
  {
    category: "media type",
    name: "a malformed Content-Type without a body means no body (body required)",
    bytes: http("POST", "/items", { Authorization: MEMBER, "Content-Type": "json" }, ""),
    expect: e3,
  },
  {
    category: "media type",
    name: "a malformed Content-Type with a body is 415 / 3",
    bytes: http("POST", "/items", { Authorization: MEMBER, "Content-Type": "json" }, "{}"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "a GET with a text/plain body",
    bytes: http("GET", "/items", { "Content-Type": "text/plain" }, "xx"),
    expect: { status: 415, code: 3 },
  },
  {
    category: "media type",
    name: "a GET with a JSON body",
    bytes: http("GET", "/items", { "Content-Type": "application/json" }, "{}"),
    expect: ok,
    except: {
      hono: {
        status: 400,
        code: 3,
        why: "@hono/node-server cannot put a body on a GET Request (Fetch forbids it), so the adapter sees a declared body it cannot read",
      },
      // workerd gives a GET that declares a length its body (200 there, as elsewhere); node's bridge cannot.
      fetch: {
        ...e3,
        why: "the Request the bridge makes of a GET has no body (Fetch forbids one): the adapter sees a declared body it cannot read, as Hono does",
      },
    },
  },

  // Query strings.
  { category: "query", name: "an empty integer", bytes: get("/items?limit="), expect: e5 },
  {
    category: "query",
    name: "a percent-encoded digit is a digit",
    bytes: get("/items?limit=%31"),
    expect: ok,
  },
  { category: "query", name: "an encoded NUL after a digit", bytes: get("/items?limit=1%00"), expect: e5 },
  { category: "query", name: "exponent notation for an integer", bytes: get("/items?limit=1e1"), expect: e5 },
  { category: "query", name: "hexadecimal for an integer", bytes: get("/items?limit=0x10"), expect: e5 },
  {
    category: "query",
    name: "an enum value in the wrong case",
    bytes: get("/items?status=OPEN"),
    expect: e4,
  },
  { category: "query", name: "an escape that is not UTF-8 (%E9)", bytes: get("/items?x=%E9"), expect: e3 },
  { category: "query", name: "a lone percent sign", bytes: get("/items?x=%"), expect: e3 },
  {
    category: "query",
    name: "bad percent-encoding where nothing validates the query",
    bytes: http("GET", "/me?x=%ZZ", { Authorization: MEMBER }, ""),
    expect: e3,
  },
  {
    category: "query",
    name: "bracket syntax is only a name",
    bytes: get("/items?limit[]=1&limit[]=500"),
    expect: ok,
  },
  {
    category: "query",
    name: "a repeated parameter three times",
    bytes: get("/items?offset=1&offset=2&offset=3"),
    expect: e5,
  },
  {
    category: "query",
    name: "1,000 parameters",
    bytes: get(`/items?${Array.from({ length: 1000 }, (_, i) => `p${i}=1`).join("&")}`),
    expect: ok,
  },

  // Paths.
  { category: "path", name: "an overlong encoding in a segment", bytes: get("/items/%C0%AF"), expect: e3 },
  { category: "path", name: "an encoded slash as the id", bytes: get("/items/%2F"), expect: e5 },
  { category: "path", name: "an encoded NUL after the id", bytes: get("/items/1%00"), expect: e5 },
  { category: "path", name: "a hexadecimal id", bytes: get("/items/0x1"), expect: e5 },
  { category: "path", name: "an id past 2^64", bytes: get("/items/99999999999999999999"), expect: e5 },
  { category: "path", name: "a negative id", bytes: get("/items/-1"), expect: e4 },
  { category: "path", name: "a leading zero in the id", bytes: get("/items/01"), expect: e5 },
  { category: "path", name: "a percent-encoded id", bytes: get("/items/%31"), expect: ok },
  { category: "path", name: "another letter case", bytes: get("/ITEMS"), expect: notFound },
  { category: "path", name: "an empty first segment", bytes: get("//items"), expect: notFound },
  { category: "path", name: "an encoded slash between segments", bytes: get("/items%2F1"), expect: notFound },
  {
    category: "path",
    name: "a 10,000-character path",
    bytes: get(`/${"a".repeat(10_000)}`),
    expect: notFound,
  },
  {
    category: "path",
    name: "a dot-dot segment",
    bytes: get("/x/../items"),
    expect: notFound,
    except: {
      hono: {
        ...ok,
        why: "@hono/node-server builds a WHATWG URL, which resolves '..': the request reaches /items (200)",
      },
      // Bun, Deno and Workers hand a fetch handler the same resolved url: no Request keeps '..'.
      fetch: {
        ...ok,
        why: "a Request's url is a parsed WHATWG URL, which resolves '..' before the handler runs: it asks for /items (200)",
      },
    },
  },
  {
    category: "path",
    name: "a percent-encoded dot-dot segment",
    bytes: get("/x/%2e%2e/items"),
    expect: notFound,
    except: {
      hono: { ...ok, why: "WHATWG URL parsing treats %2e%2e as '..' too" },
      // As for '..': Bun, Deno and Workers resolve it the same way.
      fetch: { ...ok, why: "a Request's url is a parsed WHATWG URL, which treats %2e%2e as '..' too" },
    },
  },
  {
    category: "path",
    name: "a backslash",
    bytes: get("/items\\1"),
    expect: notFound,
    except: {
      hono: {
        ...e3,
        why: "@hono/node-server refuses a backslash in the path (its RequestError, through api.requestError)",
      },
      // No Request carries a '\' in the path: a WHATWG URL reads it as '/', so a runtime that parses
      // the target as a URL (Bun does) routes /items/1 instead; node's bridge refuses it.
      fetch: {
        ...e3,
        headers: { connection: "close" },
        why: "@hono/node-server will not make a Request of it (its RequestError, through api.requestError)",
      },
    },
  },
  {
    category: "path",
    name: "a trailing slash after a collection",
    bytes: get("/items/"),
    expect: notFound,
  },
  {
    category: "path",
    name: "an empty parameter before a sub-resource",
    bytes: http("POST", "/items//refund", { Authorization: MEMBER }, ""),
    expect: notFound,
  },
  { category: "path", name: "an absolute-form target", bytes: get("http://evil.example/items"), expect: ok },

  // Methods.
  {
    category: "method",
    name: "lower-case post",
    bytes: `post /items HTTP/1.1\r\nHost: x\r\n\r\n`,
    expect: e3,
  },
  { category: "method", name: "mixed-case Get", bytes: `Get /items HTTP/1.1\r\nHost: x\r\n\r\n`, expect: e3 },
  {
    category: "method",
    name: "an unknown method token",
    bytes: `FOO /items HTTP/1.1\r\nHost: x\r\n\r\n`,
    expect: e3,
  },
  {
    category: "method",
    name: "CONNECT to an authority",
    bytes: "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
    expect: e3,
  },
  {
    category: "method",
    name: "CONNECT to a path",
    bytes: "CONNECT /items HTTP/1.1\r\nHost: x\r\n\r\n",
    expect: e3,
  },
  {
    category: "method",
    name: "the HTTP/2 preface on HTTP/1",
    bytes: "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
    expect: e3,
  },
  {
    category: "method",
    name: "TRACE",
    bytes: http("TRACE", "/items"),
    expect: { status: 405, code: 1, headers: { allow: /GET/ } },
  },
  {
    category: "method",
    name: "PROPFIND on an authenticated path",
    bytes: http("PROPFIND", "/me"),
    expect: { status: 405, code: 1 },
  },
  {
    category: "method",
    name: "HEAD without credentials: 401 headers, no body",
    bytes: http("HEAD", "/me"),
    expect: {
      status: 401,
      headers: { "www-authenticate": /^Bearer/, "content-type": "application/json; charset=utf-8" },
    },
  },
  {
    category: "method",
    name: "OPTIONS with a body it does not read",
    bytes: http("OPTIONS", "/items", { "Content-Type": "text/plain" }, "xx"),
    expect: { status: 204, headers: { allow: "GET, HEAD, OPTIONS, POST" } },
  },
  {
    category: "method",
    name: "OPTIONS * (asterisk-form)",
    bytes: "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    expect: notFound,
    except: {
      hono: {
        ...e3,
        why: "@hono/node-server cannot make a URL of '*' (its RequestError, through api.requestError)",
      },
      // A Request's url is absolute and has no asterisk form: no runtime can hand '*' to a fetch handler.
      fetch: {
        ...e3,
        headers: { connection: "close" },
        why: "@hono/node-server cannot make a URL of '*' (its RequestError, through api.requestError)",
      },
    },
  },
  {
    category: "method",
    name: "X-HTTP-Method-Override is not honoured",
    bytes: http("POST", "/items/1", { "X-HTTP-Method-Override": "DELETE", "Content-Length": "0" }),
    expect: { status: 405, code: 1 },
  },

  // Request smuggling: ambiguous framing is refused before any route.
  {
    category: "smuggling",
    name: "Transfer-Encoding: chunked, chunked",
    bytes: http(
      "POST",
      "/notes",
      { "Content-Type": "application/json", "Transfer-Encoding": "chunked, chunked" },
      "2\r\n{}\r\n0\r\n\r\n",
    ),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "Transfer-Encoding: gzip without chunked",
    bytes: http("POST", "/notes", { "Content-Type": "application/json", "Transfer-Encoding": "gzip" }, "{}"),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "Transfer-Encoding: xchunked",
    bytes: http(
      "POST",
      "/notes",
      { "Content-Type": "application/json", "Transfer-Encoding": "xchunked" },
      "{}",
    ),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "Content-Length: 5, 5",
    bytes: http("POST", "/notes", { "Content-Type": "application/json", "Content-Length": "5, 5" }, '{"a":'),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "two equal Content-Length headers",
    bytes:
      "POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a negative Content-Length",
    bytes: http("POST", "/notes", { "Content-Length": "-1" }),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a Content-Length with a sign",
    bytes: http("POST", "/notes", { "Content-Length": "+2" }, "{}"),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "Transfer-Encoding folded onto a continuation line",
    bytes: "POST /notes HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "bare LF line endings",
    bytes: "GET /items HTTP/1.1\nHost: x\n\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a CR inside a header value",
    bytes: "GET /items HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a NUL inside a header value",
    bytes: "GET /items HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a header line without a colon",
    bytes: "GET /items HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a raw space in the target",
    bytes: "GET /it ems HTTP/1.1\r\nHost: x\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a raw non-ASCII target",
    bytes: Buffer.from("GET /ité HTTP/1.1\r\nHost: x\r\n\r\n"),
    expect: e3,
  },
  {
    category: "smuggling",
    name: "an unknown HTTP version",
    bytes: "GET /items HTTP/1.2\r\nHost: x\r\n\r\n",
    expect: e3,
  },
  {
    category: "smuggling",
    name: "a chunk extension of 20 KiB",
    bytes: `POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2;${"e".repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
    expect: { status: 413, code: 3 },
  },

  // Host (RFC 9112 section 3.2): missing, doubled or invalid is 400.
  {
    category: "host",
    name: "HTTP/1.1 without Host",
    bytes: "GET /items HTTP/1.1\r\nConnection: close\r\n\r\n",
    expect: e3,
  },
  {
    category: "host",
    name: "two Host headers",
    bytes: "GET /items HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
    expect: e3,
  },
  {
    category: "host",
    name: "a Host with userinfo",
    bytes: "GET /items HTTP/1.1\r\nHost: user@evil\r\nConnection: close\r\n\r\n",
    expect: e3,
  },
  { category: "host", name: "HTTP/1.0 may omit Host", bytes: "GET /items HTTP/1.0\r\n\r\n", expect: ok },

  // Header overflow.
  {
    category: "header overflow",
    name: "4,000 small headers",
    bytes: `GET /items HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 4000 }, (_, i) => `X-${i}: 1\r\n`).join("")}\r\n`,
    expect: { status: 431, code: 3 },
  },
  {
    category: "header overflow",
    name: "a 20 KiB Authorization header",
    bytes: http("GET", "/me", { Authorization: `Bearer ${"a".repeat(20_000)}` }),
    expect: { status: 431, code: 3 },
  },

  // Slow clients: the servers here give 500 ms for headers and 1 s for the whole request.
  {
    category: "slow client",
    name: "slowloris: one header line at a time",
    bytes: [
      "GET /items HTTP/1.1\r\nHost: x\r\n",
      300,
      "X-A: 1\r\n",
      400,
      "X-B: 1\r\n",
      1000,
      "X-C: 1\r\n\r\n",
    ],
    expect: { status: 408, code: 3 },
    timeoutMs: 5000,
  },
  {
    category: "slow client",
    name: "a body that trickles",
    bytes: [
      `POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n`,
      '{"title":',
      700,
      '"abc",',
      700,
      '"count":1}',
    ],
    expect: { status: 408, code: 3 },
    timeoutMs: 5000,
  },
  {
    category: "slow client",
    name: "a body that never comes",
    bytes: [
      `POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n`,
      3000,
    ],
    expect: { status: 408, code: 3 },
    timeoutMs: 5000,
  },

  // Authorization.
  {
    category: "auth",
    name: "the scheme without a token",
    bytes: get("/me", { Authorization: "Bearer" }),
    expect: { status: 401, code: 7 },
  },
  {
    category: "auth",
    name: "two credentials in one header",
    bytes: get("/me", { Authorization: `${MEMBER}, Bearer admin-token` }),
    expect: e3,
  },
  {
    category: "auth",
    name: "two Authorization headers, one of them empty",
    bytes:
      "GET /me HTTP/1.1\r\nHost: x\r\nAuthorization:\r\nAuthorization: Bearer member-token\r\nConnection: close\r\n\r\n",
    expect: e3,
  },
  {
    category: "auth",
    name: "a 10,000-character token",
    bytes: get("/me", { Authorization: `Bearer ${"a".repeat(10_000)}` }),
    expect: { status: 401, code: 7 },
  },
  {
    category: "auth",
    name: "a non-ASCII token",
    bytes: Buffer.from(
      "GET /me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tökén\r\nConnection: close\r\n\r\n",
    ),
    expect: { status: 401, code: 7 },
  },
  {
    category: "auth",
    name: "an expired token with a bad body is still 8",
    bytes: http(
      "POST",
      "/items",
      { Authorization: "Bearer expired-token", "Content-Type": "application/json" },
      "{",
    ),
    expect: { status: 401, code: 8 },
  },
  {
    category: "auth",
    name: "a member on an admin route with a bad id is 9 first",
    bytes: http("DELETE", "/items/abc", { Authorization: MEMBER }),
    expect: { status: 403, code: 9 },
  },
  {
    category: "auth",
    name: "a token in a cookie is not read",
    bytes: get("/me", { Cookie: "access_token=member-token" }),
    expect: { status: 401, code: 6 },
  },

  // Tokens in the URL are never read.
  {
    category: "token in URL",
    name: "?token=",
    bytes: get("/me?token=member-token"),
    expect: { status: 401, code: 6 },
  },
  {
    category: "token in URL",
    name: "?access_token= beside a bearer of another scheme",
    bytes: get("/me?access_token=member-token", { Authorization: "Basic eDp5" }),
    expect: { status: 401, code: 6 },
  },
  {
    category: "token in URL",
    name: "a matrix parameter",
    bytes: get("/me;access_token=member-token"),
    expect: notFound,
  },
  {
    category: "token in URL",
    name: "the token as a path segment",
    bytes: get("/me/member-token"),
    expect: notFound,
  },

  // X-Request-Id: only a well-formed one is echoed.
  {
    category: "request id",
    name: "129 characters",
    bytes: get("/nope", { "X-Request-Id": "a".repeat(129) }),
    expect: { ...notFound, headers: { "x-request-id": UUID } },
  },
  {
    category: "request id",
    name: "markup",
    bytes: get("/nope", { "X-Request-Id": "<script>alert(1)</script>" }),
    expect: { ...notFound, headers: { "x-request-id": UUID } },
  },
  {
    category: "request id",
    name: "two ids",
    bytes: "GET /nope HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\r\nX-Request-Id: b\r\nConnection: close\r\n\r\n",
    expect: { ...notFound, headers: { "x-request-id": UUID } },
  },

  // Expect and Upgrade.
  {
    category: "expect and upgrade",
    name: "an unknown expectation is ignored",
    bytes: get("/items", { Expect: "teapot" }),
    expect: ok,
  },
  {
    category: "expect and upgrade",
    name: "100-continue, then a refused media type",
    bytes: http(
      "POST",
      "/items",
      { Authorization: MEMBER, "Content-Type": "text/plain", Expect: "100-continue" },
      "hello",
    ),
    expect: { status: 415, code: 3 },
  },
  {
    category: "expect and upgrade",
    name: "a WebSocket upgrade is served as a plain request",
    bytes: get("/items", { Connection: "Upgrade", Upgrade: "websocket" }),
    expect: ok,
  },
  {
    category: "expect and upgrade",
    name: "an h2c upgrade is served as HTTP/1.1",
    bytes: get("/items", {
      Connection: "Upgrade, HTTP2-Settings",
      Upgrade: "h2c",
      "HTTP2-Settings": "AAMAAABkAAQAAP__",
    }),
    expect: ok,
  },
];
