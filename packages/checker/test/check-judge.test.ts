/** The conformance checker's judging of answers and its reports. */

import { describe, expect, it } from "vitest";
import { describe as describeAnswer, judge, judgeAnswer, methodSet } from "../src/judge.js";
import { reportJson, reportJunit, reportTable } from "../src/report.js";
import type { Answer, Probe, Report } from "../src/types.js";

describe("judging", () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-request-id": "api-error-codes-check-1",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const probe: Probe = {
    check: "method-not-allowed",
    operation: "PATCH /v1/orders",
    group: "* /v1/orders",
    documented: undefined,
    request: {
      kind: "http",
      method: "PATCH",
      target: "/v1/orders",
      headers: { "x-request-id": "api-error-codes-check-1" },
    },
    expect: { kind: "error", statuses: [405], code: 1, allow: ["GET", "POST"] },
  };
  const notAllowed = {
    error_code: 1,
    error_message: "Method not allowed",
    details: { method: "PATCH", allowed: ["GET", "HEAD", "OPTIONS", "POST"] },
  };

  it("passes a 405 whose Allow names the documented methods", async () => {
    expect(
      judge(probe, { answer: answer(405, notAllowed, { allow: "GET, HEAD, OPTIONS, POST" }) }),
    ).toStrictEqual({
      passed: true,
      message: "405/1, Allow: GET, HEAD, OPTIONS, POST",
    });
    expect(methodSet(["GET", "HEAD", "OPTIONS"])).toStrictEqual(new Set(["GET"]));
  });

  it.each([
    [answer(405, notAllowed), "405/1, but no Allow header (PATCH /v1/orders)"],
    [
      answer(405, notAllowed, { allow: "GET" }),
      '405/1, but Allow is "GET", the spec documents GET, POST (PATCH /v1/orders)',
    ],
    [
      answer(404, "<h1>nope</h1>", { "content-type": "text/html" }),
      "expected 405/1, got 404 (text/html) (PATCH /v1/orders)",
    ],
    [answer(500, ""), "expected 405/1, got 500 (empty body) (PATCH /v1/orders)"],
  ])("fails %#", (got, message) => {
    expect(judge(probe, { answer: got })).toStrictEqual({ passed: false, message });
  });

  it("reports a missing answer", async () => {
    expect(judge(probe, { error: "ECONNRESET", code: "ECONNRESET" })).toStrictEqual({
      passed: false,
      message: "no answer: ECONNRESET (PATCH /v1/orders)",
    });
  });

  it("requires WWW-Authenticate on 401 answers", async () => {
    const auth: Probe = {
      ...probe,
      expect: { kind: "error", statuses: [401], code: 7, wwwAuthenticate: "invalid_token" },
    };
    const body = { error_code: 7, error_message: "no", details: null };
    expect(
      judge(auth, { answer: answer(401, body, { "www-authenticate": 'Bearer error="invalid_token"' }) })
        .passed,
    ).toBe(true);
    expect(judge(auth, { answer: answer(401, body, { "www-authenticate": "Bearer" }) }).message).toBe(
      '401/7, but WWW-Authenticate lacks error="invalid_token" (PATCH /v1/orders)',
    );
    expect(judge(auth, { answer: answer(401, body) }).message).toBe(
      "401/7, but no WWW-Authenticate header (PATCH /v1/orders)",
    );
  });

  it("tells realized from unrealized operations", async () => {
    const p: Probe = { ...probe, expect: { kind: "not-realized" } };
    const body = { error_code: 2, error_message: "x", details: { method: "POST", path: "/x" } };
    expect(judge(p, { answer: answer(501, body) })).toMatchObject({ passed: true, realized: false });
    expect(
      judge(p, { answer: answer(401, { error_code: 6, error_message: "x", details: null }) }),
    ).toMatchObject({
      passed: true,
      skipped: true,
      realized: true,
    });
    expect(
      judge(p, { answer: answer(404, { error_code: 10, error_message: "x", details: null }) }),
    ).toMatchObject({
      passed: false,
      realized: false,
    });
  });

  it("checks every error answer for shape, request id and leaks", async () => {
    const problems = judgeAnswer(
      probe,
      answer(405, { error_code: 1, message: "x" }, { "x-request-id": "other" }),
    );
    expect(problems.get("conforms")).toBe(
      '405 body: missing key "error_message"; missing key "details"; unexpected key "message"',
    );
    expect(problems.get("request-id")).toBe(
      'X-Request-Id "api-error-codes-check-1" was sent, "other" came back',
    );
    expect(problems.has("documented-status")).toBe(false);
    const ok = judgeAnswer(probe, answer(405, notAllowed));
    expect([...ok.values()]).toStrictEqual([undefined, undefined, undefined]);
    expect(judgeAnswer(probe, answer(200, "{}")).has("conforms")).toBe(false);
  });

  it.each([
    [
      '{"error_code":0,"error_message":"TypeError: x\\n    at f (/srv/app/index.js:1:2)","details":null}',
      "a stack trace",
    ],
    [
      '{"error_code":0,"error_message":"failed at handler (/srv/app/index.js:1:2)","details":null}',
      "a stack frame",
    ],
    ['{"error_code":0,"error_message":"failed in /srv/app/orders.py","details":null}', "a file path"],
    ['{"error_code":0,"error_message":"SELECT * FROM orders WHERE id = 1","details":null}', "SQL"],
    [
      '{"error_code":12,"error_message":"SQLITE_BUSY: database is locked","details":{"reason":"unavailable"}}',
      "a database message",
    ],
    ['Traceback (most recent call last):\n  File "app.py", line 3', "a Python traceback"],
    [
      '{"error_code":11,"error_message":"connect ECONNREFUSED 10.0.0.5:5432","details":null}',
      "a network error code",
    ],
    ['{"error_code":0,"error_message":"Something broke","details":null}', "code 0 with a message other than"],
  ])("finds a leak in %s", (body, what) => {
    expect(judgeAnswer(probe, answer(500, body)).get("no-leak")).toContain(what);
  });

  it("does not take pointers, paths of the API or validation messages for leaks", async () => {
    const body = {
      error_code: 4,
      error_message: "Invalid request: body /items/0/qty: must be >= 1",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/app/src/items",
            rule: "pattern",
            message: 'must match pattern "^[a-z]+$"',
          },
        ],
      },
    };
    expect(judgeAnswer(probe, answer(400, body)).get("no-leak")).toBeUndefined();
    const route = {
      error_code: 10,
      error_message: "Resource not found",
      details: { method: "GET", path: "/app/users" },
    };
    expect(judgeAnswer(probe, answer(404, route)).get("no-leak")).toBeUndefined();
  });

  it("describes answers briefly", async () => {
    expect(describeAnswer(answer(201, "{}"))).toBe("201");
    expect(describeAnswer(answer(400, { error_code: 3 }))).toBe("400/3");
  });
});

describe("reports", () => {
  const report: Report = {
    target: "http://127.0.0.1:3000/",
    spec: "openapi.json",
    summary: { passed: 1, failed: 1, skipped: 1 },
    results: [
      { check: "unknown-route", operation: "GET /x", passed: true, message: "404/10" },
      { check: "conforms", operation: "GET /x", passed: false, message: 'a <b> & "c"' },
      {
        check: "auth-expired",
        operation: "GET /v1/me",
        passed: true,
        skipped: true,
        message: "needs --expired-token",
      },
    ],
  };

  it("prints JSON of the documented shape", async () => {
    expect(JSON.parse(reportJson(report))).toStrictEqual({
      summary: { passed: 1, failed: 1, skipped: 1 },
      results: [
        { check: "unknown-route", operation: "GET /x", passed: true, message: "404/10" },
        { check: "conforms", operation: "GET /x", passed: false, message: 'a <b> & "c"' },
        {
          check: "auth-expired",
          operation: "GET /v1/me",
          passed: true,
          message: "needs --expired-token",
          skipped: true,
        },
      ],
    });
  });

  it("prints JUnit XML with escaped text", async () => {
    expect(reportJunit(report)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="api-error-codes-check" tests="3" failures="1" errors="0" skipped="1">',
        '  <testsuite name="GET /x" tests="2" failures="1" errors="0" skipped="0">',
        '    <testcase classname="GET /x" name="unknown-route"/>',
        '    <testcase classname="GET /x" name="conforms">',
        '      <failure message="a &lt;b&gt; &amp; &quot;c&quot;" type="conforms">a &lt;b&gt; &amp; &quot;c&quot;</failure>',
        "    </testcase>",
        "  </testsuite>",
        '  <testsuite name="GET /v1/me" tests="1" failures="0" errors="0" skipped="1">',
        '    <testcase classname="GET /v1/me" name="auth-expired">',
        '      <skipped message="needs --expired-token"/>',
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });

  it("prints an aligned table, coloured only on request", async () => {
    expect(reportTable(report)).toBe(
      [
        "api-error-codes-check http://127.0.0.1:3000/ (spec: openapi.json)",
        "",
        "result  check          operation   message",
        "PASS    unknown-route  GET /x      404/10",
        'FAIL    conforms       GET /x      a <b> & "c"',
        "SKIP    auth-expired   GET /v1/me  needs --expired-token",
        "",
        "3 checks: 1 passed, 1 failed, 1 skipped",
        "",
      ].join("\n"),
    );
    const coloured = reportTable(report, { colour: true });
    expect(coloured).toContain(`${String.fromCharCode(27)}[31mFAIL${String.fromCharCode(27)}[0m`);
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "")).toBe(
      reportTable(report),
    );
  });
});
