/**
 * The query string as every adapter hands it to validation: parsed from the raw request target
 * here, so that all frameworks agree (Express's qs-style nesting, Hono's first-value getters and
 * Fastify's querystring parser each differ). A repeated name becomes an array.
 */
import { ApiError } from "../api-error.js";

function decode(component: string, raw: string): string {
  const text = component.includes("+") ? component.replace(/\+/g, " ") : component;
  if (!text.includes("%")) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    // URLSearchParams would silently turn this into U+FFFD; a client should learn it sent garbage.
    throw ApiError.invalidStructure([
      {
        in: "query",
        pointer: "",
        rule: "parse",
        message: `Query parameter "${raw.slice(0, 64)}" is not valid percent-encoded UTF-8`,
      },
    ]);
  }
}

/**
 * The query of a request target (`application/x-www-form-urlencoded` rules). Bad percent-encoding is
 * 400 / 3. The result has no prototype, so a parameter named `__proto__` is an ordinary key.
 * @example
 * parseQuery("/items?limit=5&tag=a&tag=b"); // { limit: "5", tag: ["a", "b"] }
 */
export function parseQuery(url: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = Object.create(null);
  const mark = url.indexOf("?");
  if (mark === -1) return query;
  const hash = url.indexOf("#", mark);
  const search = url.slice(mark + 1, hash === -1 ? undefined : hash);
  for (const pair of search.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const name = decode(eq === -1 ? pair : pair.slice(0, eq), pair);
    const value = eq === -1 ? "" : decode(pair.slice(eq + 1), pair);
    const existing = query[name];
    if (existing === undefined) query[name] = value;
    else if (Array.isArray(existing)) existing.push(value);
    else query[name] = [existing, value];
  }
  return query;
}
