/**
 * False failures found on real projects, each with the situation that caused it: a token without
 * the operation's role, a 400 that is not about the media type, answers that cannot be read.
 * (An absent-resource PATCH refused for an empty change is in real-specs.test.ts: the notes
 * server refuses `{}` before its lookup.)
 */
import { afterEach, describe, expect, it } from "vitest";
import { runChecks } from "../src/runner.js";
import { parseSpec } from "../src/spec.js";
import type { CheckResult, Report } from "../src/types.js";
import { fail, type Seen, startTiny, type Tiny, type TinyAnswer } from "./servers/tiny.js";

const THINGS = {
  openapi: "3.1.0",
  info: { title: "things", version: "1" },
  security: [{ bearer: [] }],
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  paths: {
    "/things": {
      post: {
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name"],
                properties: { name: { type: "string", maxLength: 10 } },
              },
            },
          },
        },
        responses: { 201: {}, 400: {}, 401: {}, 403: {}, 413: {}, 415: {} },
      },
    },
    "/things/{id}": {
      get: {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer", minimum: 1 } }],
        responses: { 200: {}, 400: {}, 401: {}, 403: {}, 404: {} },
      },
    },
  },
};

let server: Tiny | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function run(handler: (seen: Seen) => TinyAnswer): Promise<Report> {
  server = await startTiny(handler);
  return runChecks({
    baseUrl: new URL(server.url),
    spec: await parseSpec(JSON.stringify(THINGS), "things.json"),
    token: "good",
    allowWrites: true,
    timeoutMs: 3000,
  });
}

/** 401 without or with an unknown token, else what `rest` says. */
const authenticated =
  (rest: (seen: Seen) => TinyAnswer) =>
  (seen: Seen): TinyAnswer => {
    const challenge = { "WWW-Authenticate": 'Bearer error="invalid_token"' };
    if (!seen.url.startsWith("/things")) return fail(404, 10, { method: seen.method, path: seen.url });
    if (seen.headers.authorization === undefined) return fail(401, 6, null, { "WWW-Authenticate": "Bearer" });
    if (seen.headers.authorization !== "Bearer good") return fail(401, 7, null, challenge);
    return rest(seen);
  };

const result = (report: Report, check: string, operation: string): CheckResult | undefined =>
  report.results.find((r) => r.check === check && r.operation === operation);

describe("(a) a valid token without the operation's role", () => {
  it("reports the checks behind the 403/9 as skipped, naming the reason, not failed", async () => {
    const report = await run(authenticated(() => fail(403, 9, { required: "admin" })));
    const behind = report.results.filter((r) => /^(body|param|absent)/.test(r.check));
    expect(behind.length).toBeGreaterThan(5);
    for (const r of behind) {
      expect(r, r.check).toMatchObject({ passed: true, skipped: true });
      expect(r.message).toMatch(
        /^the --token lacks the role or scope of (POST \/things|GET \/things\/\{id\}) \(403\/9 before validation\)/,
      );
    }
  });
});

describe("(c) body-media-type", () => {
  const media = (answer: TinyAnswer) =>
    authenticated((seen) =>
      seen.headers["content-type"] === "text/plain" ? answer : fail(400, 3, { violations: [] }),
    );

  it("fails a 400/3 that is about a missing member, not the media type", async () => {
    const about = { violations: [{ in: "body", pointer: "/name", rule: "required", message: "missing" }] };
    const report = await run(media(fail(400, 3, about)));
    const r = result(report, "body-media-type", "POST /things");
    expect(r?.passed).toBe(false);
    expect(r?.message).toBe(
      '400/3, but details.violations name no problem with the body as a whole (pointer "" or rule media_type): the 400 is not about the media type (POST /things)',
    );
  });

  it.each([
    ["a 415", fail(415, 3, { violations: [] })],
    [
      "a 400 with rule media_type",
      fail(400, 3, {
        violations: [{ in: "header", pointer: "/content-type", rule: "media_type", message: "m" }],
      }),
    ],
    [
      "a 400 about the whole body",
      fail(400, 3, { violations: [{ in: "body", pointer: "", rule: "parse", message: "m" }] }),
    ],
  ])("passes %s", async (_, answer) => {
    const report = await run(media(answer));
    expect(result(report, "body-media-type", "POST /things")).toMatchObject({ passed: true });
  });

  it("sends a body the schema accepts, so only its media type is wrong", async () => {
    await run(media(fail(415, 3, { violations: [] })));
    const sent = server?.seen.find((s) => s.headers["content-type"] === "text/plain");
    expect(JSON.parse(sent?.body ?? "")).toStrictEqual({ name: "string" });
  });
});

describe("(d) answers that cannot be read", () => {
  it("keeps the operation's answer checks in the totals, failed, naming why", async () => {
    const conforming = await run(authenticated(() => fail(400, 3, { violations: [] })));
    await server?.close();
    const dropped = await run(
      authenticated((seen) =>
        seen.url.startsWith("/things/") ? { status: 0, drop: true } : fail(400, 3, { violations: [] }),
      ),
    );
    const pairs = (report: Report) => report.results.map((r) => `${r.check} @ ${r.operation}`);
    // The same checks are counted either way: nothing disappears from the totals.
    expect(pairs(dropped)).toStrictEqual(pairs(conforming));
    const total = (report: Report) => report.summary.passed + report.summary.failed + report.summary.skipped;
    expect(total(dropped)).toBe(total(conforming));
    for (const check of ["conforms", "request-id", "no-leak", "documented-status"]) {
      const r = result(dropped, check, "GET /things/{id}");
      expect(r?.passed, check).toBe(false);
      expect(r?.message).toMatch(/^no answer to judge: (ECONNRESET|socket hang up)/);
    }
  });
});
