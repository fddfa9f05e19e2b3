/**
 * Languages and Problem Details on every adapter: the shared scenario table, asked in German and as
 * `application/problem+json`, gives the same status, code and details as in English, only the
 * message (and for problem+json the form) changes; a client that asks for neither gets the contract
 * exactly as the table says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { de } from "../../src/index.js";
import { build, type Target, type TargetName } from "./builders.js";
import { type Answer, check } from "./harness.js";
import { type Scenario, scenarios } from "./scenarios.js";

const NAMES: readonly TargetName[] = [
  "node",
  "express",
  "fastify",
  "hono",
  "koa",
  "nest",
  "nest-fastify",
  "fetch",
];
const present = { languages: { de }, problemDetails: true };

/** Error scenarios with a body to compare (HEAD and 204 have none). */
const errors = scenarios.filter(
  (s) => s.expect.status >= 400 && s.method !== "HEAD" && s.expect.body !== undefined,
);

interface Expected {
  error_code: number;
  error_message: string;
  details: unknown;
}

const asked = (scenario: Scenario, headers: Record<string, string>): Scenario => ({
  ...scenario,
  headers: { ...scenario.headers, ...headers },
});

/** German for the messages the table's app says itself. */
const GERMAN = new Set<string>([...Object.values(de.codes), ...Object.values(de.texts)]);

describe.each(NAMES)("%s with languages and Problem Details", (name) => {
  let target: Target;
  beforeAll(async () => {
    target = await build(name, { present });
  });
  afterAll(() => target.close());

  it.each(errors.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    const want = scenario.expect.body as Expected;

    // Neither asked: the contract exactly, marked as varying by both headers.
    const plain = await target.send(scenario);
    check(scenario, plain);
    expect(plain.headers.vary).toMatch(/\bAccept, Accept-Language$/);
    expect(plain.headers["content-language"]).toBe("en");

    const german = await target.send(asked(scenario, { "accept-language": "de-DE,de;q=0.9,en;q=0.5" }));
    expect(german.status).toBe(scenario.expect.status);
    expect(german.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(german.headers["content-language"]).toBe("de");
    const body = JSON.parse(german.text) as Expected;
    expect(Object.keys(body)).toStrictEqual(["error_code", "error_message", "details"]);
    expect(body.error_code).toBe(want.error_code);
    expect(body.details).toStrictEqual(want.details);
    expect(body.error_message).not.toBe(want.error_message);
    // A summary of violations stays one (said once, not translated again on its way out).
    expect(body.error_message.startsWith("Ungültige Anfrage: ")).toBe(
      want.error_message.startsWith("Invalid request: "),
    );
    if (!body.error_message.startsWith("Ungültige Anfrage: ")) expect(GERMAN).toContain(body.error_message);

    const problem = await target.send(asked(scenario, { accept: "application/problem+json" }));
    expectProblem(problem, scenario, want);
  });
});

/** RFC 9457's members with their types, then the contract's as extension members. */
function expectProblem(answer: Answer, scenario: Scenario, want: Expected): void {
  expect(answer.status).toBe(scenario.expect.status);
  expect(answer.headers["content-type"]).toBe("application/problem+json; charset=utf-8");
  expect(answer.headers["content-language"]).toBe("en");
  const problem = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(problem)).toStrictEqual([
    "type",
    "title",
    "status",
    "detail",
    "instance",
    "error_code",
    "details",
  ]);
  expect(problem.type).toBe("about:blank");
  expect(typeof problem.title).toBe("string");
  expect(problem.status).toBe(answer.status);
  expect(problem.detail).toBe(want.error_message);
  expect(problem.instance).toBe(scenario.path.split("?")[0]);
  expect(problem.error_code).toBe(want.error_code);
  expect(problem.details).toStrictEqual(want.details);
}

describe("negotiation, on node", () => {
  let target: Target;
  beforeAll(async () => {
    target = await build("node", { present });
  });
  afterAll(() => target.close());
  const notFound: Scenario = { name: "404", method: "GET", path: "/nope", expect: { status: 404 } };

  it.each([
    ["de", "de", "Ressource nicht gefunden"],
    ["de-CH", "de", "Ressource nicht gefunden"],
    ["fr, de;q=0.1", "de", "Ressource nicht gefunden"],
    ["fr", "en", "Resource not found"],
    ["de;q=0, en", "en", "Resource not found"],
    ["en;q=0.5, de", "de", "Ressource nicht gefunden"],
    ["*", "en", "Resource not found"],
  ])("Accept-Language %s is answered in %s", async (header, language, message) => {
    const answer = await target.send(asked(notFound, { "accept-language": header }));
    expect(answer.headers["content-language"]).toBe(language);
    expect(JSON.parse(answer.text).error_message).toBe(message);
  });

  it.each([
    ["application/problem+json", "application/problem+json; charset=utf-8"],
    ["application/json, application/problem+json;q=0.9", "application/json; charset=utf-8"],
    ["application/json;q=0.5, application/problem+json", "application/problem+json; charset=utf-8"],
    ["*/*", "application/json; charset=utf-8"],
    ["text/html", "application/json; charset=utf-8"],
  ])("Accept %s gets %s", async (header, type) => {
    const answer = await target.send(asked(notFound, { accept: header }));
    expect(answer.headers["content-type"]).toBe(type);
  });

  it("says a validation failure in German with the rule's parameter", async () => {
    const answer = await target.send({
      name: "bad quantity",
      method: "POST",
      path: "/items",
      headers: {
        "content-type": "application/json",
        authorization: "Bearer member-token",
        "accept-language": "de",
      },
      body: '{"name":"pear","quantity":0}',
      expect: { status: 400 },
    });
    expect(JSON.parse(answer.text)).toMatchObject({ error_code: 4 });
    expect(JSON.parse(answer.text).error_message).toMatch(
      /^Ungültige Anfrage: Body \/quantity: muss >= 1 sein/,
    );
  });
});
