/**
 * The service says its errors in German when asked, in English otherwise, and as RFC 9457 Problem
 * Details to a client that asks for them (`type` is the code's page of /docs/errors); codes and
 * details are the same in every form. Its OpenAPI document describes both media types.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./support/backends.js";
import { call } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";

const ABSENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
const sqlite = backends[0] as (typeof backends)[number];

describe("languages and Problem Details", () => {
  let api: TestApi;
  let database: Awaited<ReturnType<typeof sqlite.create>>;
  let member: string;

  beforeAll(async () => {
    database = await sqlite.create();
    api = await startApi({ databaseUrl: database.url, ratesUrl: "http://127.0.0.1:9" });
    const login = await call(api.base, "POST", "/v1/auth/token", {
      body: { email: "member@example.com", password: "member-password" },
    });
    member = (login.json as { access_token: string }).access_token;
  });
  afterAll(async () => {
    await api?.close();
    await database?.remove();
  });

  const german = { "accept-language": "de-DE, de;q=0.9, en;q=0.5" };

  it("an absent order: 404 / 10 in German, the same details", async () => {
    const english = await call(api.base, "GET", `/v1/orders/${ABSENT}`, { token: member });
    const answer = await call(api.base, "GET", `/v1/orders/${ABSENT}`, { token: member, headers: german });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-language")).toBe("de");
    expect(answer.headers.get("vary")).toBe("Accept, Accept-Language");
    expect(answer.json).toStrictEqual({
      error_code: 10,
      error_message: "Ressource nicht gefunden",
      details: (english.json as { details: unknown }).details,
    });
    expect(english.headers.get("content-language")).toBe("en");
  });

  it("the service's own messages and a validation summary in German", async () => {
    const login = await call(api.base, "POST", "/v1/auth/token", {
      body: { email: "member@example.com", password: "wrong-password" },
      headers: german,
    });
    expect([login.status, (login.json as { error_message: string }).error_message]).toStrictEqual([
      401,
      "Die E-Mail-Adresse oder das Passwort ist falsch",
    ]);
    const order = await call(api.base, "POST", "/v1/orders", {
      token: member,
      headers: german,
      body: { item: "tea", quantity: 0, unit_price: 1.5, currency: "EUR" },
    });
    expect(order.status).toBe(400);
    expect(order.json).toMatchObject({
      error_code: 4,
      error_message: "Ungültige Anfrage: Body /quantity: muss >= 1 sein",
      details: { violations: [{ in: "body", pointer: "/quantity", rule: "minimum", expected: 1 }] },
    });
  });

  it("Problem Details on request, with the contract's members", async () => {
    const answer = await call(api.base, "GET", `/v1/orders/${ABSENT}`, {
      token: member,
      headers: { accept: "application/problem+json", ...german },
    });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    expect(answer.headers.get("link")).toBe('</docs/errors/10>; rel="help"');
    expect(answer.json).toStrictEqual({
      type: "/docs/errors/10",
      title: "Ressource nicht gefunden",
      status: 404,
      detail: "Ressource nicht gefunden",
      instance: `/v1/orders/${ABSENT}`,
      error_code: 10,
      details: { resource: "order", id: ABSENT },
    });
  });

  it("the OpenAPI document lists application/problem+json beside application/json", async () => {
    const document = (await call(api.base, "GET", "/openapi.json")).json as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
      components: { responses: Record<string, { content: Record<string, unknown> }> };
    };
    const notFound = document.components.responses.Error10NotExist;
    expect(Object.keys(notFound?.content ?? {})).toStrictEqual([
      "application/json",
      "application/problem+json",
    ]);
  });
});
