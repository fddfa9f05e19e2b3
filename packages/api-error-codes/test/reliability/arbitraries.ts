/**
 * fast-check generators of hostile but transport-legal HTTP requests: methods, paths (known
 * templates with arbitrary segment values, unknown paths, valid and broken percent-encoding),
 * queries, headers and bodies (valid JSON near a schema, mutated JSON, arbitrary bytes). Only
 * fast-check is imported, so the reference API's tests can use them with their own oracle.
 *
 * "Transport-legal" means every transport the tests drive sends the request unchanged: node's
 * client, Fastify's `inject`, Hono's `app.request` and the fetch adapter's Request bridge
 * (@hono/node-server; WHATWG URL and Fetch rules). Dot segments,
 * backslashes, a body on GET/HEAD, CONNECT/TRACE and header values with surrounding spaces are
 * normalised or refused by one of them and left to the raw-socket corpus instead.
 */
import fc from "fast-check";

export interface GeneratedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** Methods node's parser, Fetch and light-my-request all accept and keep as they are. */
export const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
const EXOTIC = ["PROPFIND", "PURGE", "MKCOL", "COPY", "LOCK", "SEARCH", "REPORT", "M-SEARCH"] as const;
/** Lower case is upper-cased by every client (Fetch only for these six): the answer must not change. */
const LOWER = ["get", "post", "put", "delete", "head", "options"] as const;

export const method = (): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...METHODS) },
    { weight: 2, arbitrary: fc.constantFrom(...EXOTIC) },
    { weight: 1, arbitrary: fc.constantFrom(...LOWER) },
  );

/** Characters a path segment may carry unencoded (RFC 3986 pchar, minus what URL parsers rewrite). */
const PCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&*+,;=:@";
/** Percent-encodings: valid ASCII and UTF-8, and broken ones (bad hex, overlong, surrogates, NUL). */
const ESCAPES = [
  "%41",
  "%20",
  "%2F",
  "%25",
  "%3F",
  "%C3%A9",
  "%E2%82%AC",
  "%F0%9F%98%80",
  "%00",
  "%zz",
  "%",
  "%4",
  "%C0%AF",
  "%ED%A0%80",
  "%FF",
  "%E9",
];

const pchars = (alphabet: string, maxLength: number) =>
  fc
    .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...alphabet) }, fc.constantFrom(...ESCAPES)), {
      maxLength,
    })
    .map((parts) => parts.join(""));

/** A dot segment is resolved away by URL parsers (`%2e` counts as a dot): never generated. */
const isDotSegment = (segment: string) => /^\.{1,2}$/.test(segment.replace(/%2e/gi, "."));

/** One path segment: numbers (the shared app's ids are integers), words, and anything pchar-ish. */
export const segment = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      fc.integer({ min: -5, max: 5 }).map(String),
      fc.integer().map(String),
      fc.constantFrom("1", "0", "01", "1.5", "1e3", "0x10", "abc", "null", "true", "NaN", "9".repeat(25)),
      pchars(PCHAR, 12),
    )
    .filter((s) => !isDotSegment(s));

/** Characters a query may carry unencoded through every URL parser (no `'`, which WHATWG escapes). */
const QCHAR = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$*+,;:@/?";

const queryValue = () =>
  fc.oneof(
    fc.integer({ min: -3, max: 150 }).map(String),
    fc.constantFrom(
      "",
      "1",
      "10",
      "abc",
      "1.5",
      "1e1",
      "open",
      "closed",
      "OPEN",
      "member-token",
      "true",
      "-0",
    ),
    fc.constantFrom("2147483648", "9007199254740993", "99999999999999999999", "1e308", "USD", "usd", "XAU"),
    pchars(QCHAR, 8),
  );

/** `?k=v&...` over the shared app's parameters and others, keys repeated now and then. */
export const query = (keys: readonly string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant("") },
    {
      weight: 3,
      arbitrary: fc
        .array(
          fc.tuple(
            fc.oneof(fc.constantFrom(...keys), pchars(QCHAR, 5)),
            fc.option(queryValue(), { nil: undefined }),
          ),
          { minLength: 1, maxLength: 4 },
        )
        .map((pairs) => `?${pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join("&")}`),
    },
  );

/**
 * A path from templates like "/items/{}" (each `{}` an arbitrary segment), or an unknown path, with
 * a trailing slash or an extra segment now and then.
 */
export const path = (templates: readonly string[]): fc.Arbitrary<string> => {
  const known = fc
    .tuple(fc.constantFrom(...templates), fc.array(segment(), { minLength: 4, maxLength: 4 }))
    .map(([template, values]) => {
      let i = 0;
      return template.replace(/\{\}/g, () => values[i++] as string);
    });
  const unknown = fc
    .array(segment(), { minLength: 1, maxLength: 4 })
    .map((segments) => `/${segments.join("/")}`);
  const base = fc.oneof({ weight: 5, arbitrary: known }, { weight: 2, arbitrary: unknown });
  return fc
    .tuple(base, fc.constantFrom("", "", "", "", "", "/", "/extra", "//"))
    .map(([p, tail]) => (p === "/" && tail !== "" ? tail : p + tail));
};

/** Header values every client sends unchanged: printable ASCII without surrounding spaces. */
export const headerValue = (maxLength = 20): fc.Arbitrary<string> =>
  fc
    .string({ unit: fc.constantFrom(..."abcXYZ019 -_.:;,=/+*\"'()<>@[]{}?!#$%&~^`|\\"), maxLength })
    .map((s) => s.trim());

const token = () =>
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~+/="),
    maxLength: 48,
  });

/** Authorization headers: none, valid and invalid bearer tokens, other schemes, empties, doubles. */
export const authorization = (validTokens: readonly string[]): fc.Arbitrary<string | string[] | undefined> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 4, arbitrary: fc.constantFrom(...validTokens).map((t) => `Bearer ${t}`) },
    { weight: 1, arbitrary: fc.constantFrom(...validTokens).map((t) => `bearer ${t}`) },
    { weight: 2, arbitrary: token().map((t) => `Bearer ${t}`) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        "Bearer",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Token abc",
        "Bearer a b",
        "Digest x",
      ),
    },
    { weight: 1, arbitrary: headerValue(40) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...validTokens), fc.constantFrom(...validTokens))
        .map(([a, b]) => [`Bearer ${a}`, `Bearer ${b}`]),
    },
  );

export const contentType = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant("application/json") },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        undefined,
        "application/json; charset=utf-8",
        "application/JSON",
        "application/merge-patch+json",
        "application/vnd.api+json",
        "text/plain",
        "text/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin1",
        "application/json; charset=utf-16",
        "application/octet-stream",
        "application/jsonx",
        "*/*",
        "",
      ),
    },
    { weight: 1, arbitrary: headerValue(30) },
  );

/** A request id: absent, well-formed, or not (space, too long, other characters). */
export const requestIdHeader = (): fc.Arbitrary<string | undefined> =>
  fc.oneof(
    fc.constant(undefined),
    fc.string({ unit: fc.constantFrom(..."abcXYZ019._:-"), minLength: 1, maxLength: 128 }),
    fc.constantFrom("a".repeat(129), "has space", "semi;colon", 'quote"d', "slash/ed"),
  );

/** A JSON value near a schema: `valid` objects, with fields dropped, retyped, added or pushed out of range. */
export const nearJson = (valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> => {
  const odd = fc.oneof(
    fc.constantFrom(null, true, 0, -1, 1.5, 1e21, "", "x".repeat(30), "\u0000", "\u202e", [], {}, [
      "a",
      "b",
      "c",
      "d",
    ]),
    fc.jsonValue({ maxDepth: 2 }),
  );
  const mutated = fc
    .tuple(
      valid,
      fc.array(
        fc.tuple(
          fc.constantFrom("drop", "set", "add"),
          fc.constantFrom("name", "quantity", "tags", "email", "title", "count", "extra", "__proto__"),
          odd,
        ),
        { maxLength: 3 },
      ),
    )
    .map(([object, edits]) => {
      const out: Record<string, unknown> = { ...object };
      for (const [edit, key, value] of edits) {
        if (edit === "drop") delete out[key];
        else Object.defineProperty(out, key, { value, enumerable: true, configurable: true, writable: true });
      }
      return out;
    });
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 5, arbitrary: mutated },
    { weight: 1, arbitrary: odd },
  );
};

/** Bytes of a body: JSON of `values`, that JSON cut short or spliced with junk, or random bytes. */
export const bodyBytes = (values: fc.Arbitrary<unknown>): fc.Arbitrary<string | Buffer> => {
  const json = values.map((v) => JSON.stringify(v) ?? "null");
  const junk = fc.constantFrom(
    "",
    "{",
    "}",
    "]",
    ",",
    '"',
    "\\",
    "\u0000",
    "\ufeff",
    "NaN",
    "1e400",
    "//",
    '"__proto__":{}',
    '"name":"x"',
  );
  const spliced = fc.tuple(json, fc.nat(), junk, fc.boolean()).map(([text, at, piece, cut]) => {
    const i = at % (text.length + 1);
    return cut ? text.slice(0, i) : text.slice(0, i) + piece + text.slice(i);
  });
  return fc.oneof(
    { weight: 6, arbitrary: json },
    { weight: 3, arbitrary: spliced },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)) },
    {
      weight: 1,
      arbitrary: json.map((text) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])),
    },
  );
};

/** Leaks: stack frames, file paths, module folders, SQL, the shared app's planted secret. */
export const LEAK =
  /hunter2|\/srv\/|\bat \S+ \(|node_modules|\.[cm]?[jt]s:\d+|\b(?:select|insert|update|delete)\b[^"]{0,40}\b(?:from|into|set|where)\b|syntax error at or near|SQLITE_|ECONNREFUSED|\/home\/|\/usr\//i;

/** The fixed seed CI runs with (override with PROPERTY_SEED; PROPERTY_RUNS changes the run count). */
export function propertySettings(defaultRuns = 1000): { seed: number; numRuns: number } {
  const seed = Number(process.env.PROPERTY_SEED ?? 20_240_611);
  const numRuns = Number(process.env.PROPERTY_RUNS ?? defaultRuns);
  return { seed, numRuns };
}
