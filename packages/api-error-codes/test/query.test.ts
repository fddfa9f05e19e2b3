import { describe, expect, it } from "vitest";
import { type ApiError, isApiError, parseQuery } from "../src/index.js";

describe("parseQuery", () => {
  it.each([
    ["/items", {}],
    ["/items?", {}],
    ["/items?limit=5", { limit: "5" }],
    ["/items?tag=a&tag=b&tag=c", { tag: ["a", "b", "c"] }],
    ["/items?q=a%20b+c&empty=&flag", { q: "a b c", empty: "", flag: "" }],
    ["/items?a=1&&b=2#frag", { a: "1", b: "2" }],
    ["/items?%C3%A9t%C3%A9=%E2%82%AC", { été: "€" }],
    ["/items?a[b]=1", { "a[b]": "1" }],
  ])("%s", (url, expected) => {
    expect({ ...parseQuery(url) }).toStrictEqual(expected);
  });

  it.each(["/items?bad=%E0%A4%A", "/items?x=%zz", "/items?%ff=1"])(
    "refuses bad percent-encoding in %s with 3",
    (url) => {
      let thrown: unknown;
      try {
        parseQuery(url);
      } catch (error) {
        thrown = error;
      }
      expect(isApiError(thrown, 3)).toBe(true);
      expect((thrown as ApiError<3>).details.violations[0]).toMatchObject({
        in: "query",
        pointer: "",
        rule: "parse",
      });
    },
  );

  it("keeps __proto__ as an ordinary key without touching any prototype", () => {
    const query = parseQuery("/x?__proto__=1&constructor=2");
    expect(Object.getPrototypeOf(query)).toBeNull();
    expect(Object.entries(query)).toStrictEqual([
      ["__proto__", "1"],
      ["constructor", "2"],
    ]);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });
});
