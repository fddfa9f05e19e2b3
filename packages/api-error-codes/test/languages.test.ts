/**
 * Message catalogues and Problem Details: what an app adds and overrides, the fallbacks, the option
 * checks, and reading an RFC 9457 body back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../src/adapters/node/index.js";
import { ApiError, de, type Messages, parseErrorBody, problemJson, translate } from "../src/index.js";
import { Pipeline } from "../src/pipeline/index.js";
import { listen, type Running } from "./client/servers.js";

const shop: Messages = {
  ...de,
  texts: { ...de.texts, "No such book": "Kein solches Buch" },
};

describe("an app's catalogues", () => {
  let app: Running;
  beforeAll(async () => {
    const api = createApi({
      languages: { de: shop, en: { codes: { 10: "Nothing here" } } },
      defaultLanguage: "de",
      logger: false,
      dev: true,
    });
    api.route("GET", "/books/:id", {}, () => {
      throw ApiError.notExist({ resource: "book", id: "1" }, { message: "No such book" });
    });
    api.route("GET", "/quotes/:id", {}, () => {
      throw ApiError.notExist({ resource: "quote", id: "1" }, { message: "No such quote" });
    });
    api.route("GET", "/crash", {}, () => {
      throw new Error("disk on fire");
    });
    app = await listen(api.createServer());
  });
  afterAll(() => app.close());

  const get = async (path: string, language?: string) => {
    const response = await fetch(
      app.url + path,
      language === undefined ? {} : { headers: { "accept-language": language } },
    );
    return { language: response.headers.get("content-language"), ...(await response.json()) };
  };

  it("translates the app's own message, and says the code's message for one it does not know", async () => {
    expect(await get("/books/1", "de")).toMatchObject({ language: "de", error_message: "Kein solches Buch" });
    expect(await get("/quotes/1", "de")).toMatchObject({
      language: "de",
      error_message: "Ressource nicht gefunden",
    });
  });

  it("answers a request that names no language of ours in the default language", async () => {
    expect(await get("/books/1")).toMatchObject({ language: "de", error_message: "Kein solches Buch" });
    expect(await get("/books/1", "fr")).toMatchObject({ language: "de", error_message: "Kein solches Buch" });
  });

  it("overrides English: a code's message, and the app's text stays where English has none", async () => {
    expect(await get("/nowhere", "en")).toMatchObject({ language: "en", error_message: "Nothing here" });
    expect(await get("/books/1", "en")).toMatchObject({ language: "en", error_message: "Nothing here" });
  });

  it("leaves a development 5xx message (the cause) as it is, in English", async () => {
    const body = await get("/crash", "de");
    expect(body.language).toBe("en");
    expect(body.error_message).toContain("disk on fire");
  });
});

describe("translate", () => {
  const said = (code: number, message: string, details: unknown = null) => ({ code, message, details });
  const violation = {
    in: "body",
    pointer: "/quantity",
    rule: "minimum",
    message: "must be >= 1",
    expected: 1,
  };

  it("writes a validation summary from the deciding violation's rule and parameter", () => {
    const details = { violations: [violation] };
    expect(translate(de, said(4, "Invalid request: body /quantity: must be >= 1", details))).toBe(
      "Ungültige Anfrage: Body /quantity: muss >= 1 sein",
    );
  });

  it("keeps an app's own summary of violations to the code's message", () => {
    const details = { violations: [violation] };
    expect(translate(de, said(4, "Quantity too small", details))).toBe(de.codes[4]);
  });

  it("says nothing where the catalogue has nothing", () => {
    expect(translate({}, said(10, "Resource not found"))).toBeUndefined();
    expect(translate(de, said(100, "Too many attempts"))).toBeUndefined();
  });
});

describe("Problem Details", () => {
  it("uses the status phrase as title for about:blank and the code's message for a documented type", () => {
    const body = { error_code: 10, error_message: "No such book", details: null };
    expect(JSON.parse(problemJson(body, 404, { title: "Resource not found" }))).toStrictEqual({
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "No such book",
      error_code: 10,
      details: null,
    });
    const documented = problemJson(body, 404, {
      type: "https://api.example.com/docs/errors/10",
      title: "Resource not found",
      instance: "/books/1",
    });
    expect(documented).toBe(
      '{"type":"https://api.example.com/docs/errors/10","title":"Resource not found","status":404,"detail":"No such book","instance":"/books/1","error_code":10,"details":null}',
    );
  });

  it("parseErrorBody reads a problem body as the contract's and checks what it carries", () => {
    const problem = {
      type: "about:blank",
      title: "Not Found",
      status: 404,
      detail: "Gone",
      error_code: 10,
      details: null,
    };
    expect(parseErrorBody(JSON.stringify(problem), 404)).toStrictEqual({
      conforming: true,
      body: { error_code: 10, error_message: "Gone", details: null },
      form: "problem",
    });
    const wrong = parseErrorBody({ ...problem, details: { nope: true } }, 404);
    expect(wrong.conforming).toBe(false);
    expect(parseErrorBody({ type: "about:blank", title: "Not Found", status: 404 }).conforming).toBe(false);
  });
});

describe("options", () => {
  it.each([
    [{ defaultLanguage: "fr" }, 'option "defaultLanguage" is "fr", which is not one of "languages" (en)'],
    [
      { languages: { de, fr: {} }, defaultLanguage: "es" },
      'option "defaultLanguage" is "es", which is not one of "languages" (en, de, fr)',
    ],
    [{ languages: { "not a tag": de } }, 'option "languages" has "not a tag", which is not a language tag'],
    [
      { languages: { de: { code: {} } } },
      'option "languages" .de has "code", which is not one of codes, texts, rules, places, summary',
    ],
    [{ problemDetails: "yes" }, 'option "problemDetails" must be true or false'],
    [{ problem: true }, 'option "problem" is unknown; did you mean "problemDetails"?'],
  ])("%j is refused at start-up", (options, message) => {
    expect(() => new Pipeline(options as never, "api-error-codes/node")).toThrow(message);
  });
});

describe("a rule's text without its parameter", () => {
  it("falls back to the catalogue's text for any rule", () => {
    const details = {
      violations: [
        { in: "body", pointer: "/currency", rule: "enum", message: "must be an ISO 4217 currency code" },
      ],
    };
    expect(
      translate(de, {
        code: 4,
        message: "Invalid request: body /currency: must be an ISO 4217 currency code",
        details,
      }),
    ).toBe("Ungültige Anfrage: Body /currency: ist ungültig");
  });
});
