/**
 * The checker in-process against fixture APIs on 127.0.0.1: the conforming one gets no failure,
 * each seeded defect gets exactly the failures it should.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "../src/runner.js";
import { loadSpec } from "../src/spec.js";
import type { CheckResult, Report } from "../src/types.js";
import {
  ADMIN_TOKEN,
  DEFECTS,
  type Defect,
  EXPIRED_TOKEN,
  type Fixture,
  MEMBER_TOKEN,
  startFixture,
} from "./fixtures.js";

async function check(
  defect?: Defect,
  options: { allowWrites?: boolean; spec?: boolean } = {},
): Promise<Report> {
  const fixture = await startFixture(defect);
  try {
    const spec = options.spec === false ? undefined : await loadSpec(fixture.specUrl, 5000);
    return await runChecks({
      baseUrl: new URL(fixture.url),
      spec,
      token: ADMIN_TOKEN,
      expiredToken: EXPIRED_TOKEN,
      forbiddenToken: MEMBER_TOKEN,
      // The fixtures keep their data in memory: the tests may write.
      allowWrites: options.allowWrites ?? true,
      timeoutMs: 5000,
    });
  } finally {
    await fixture.close();
  }
}

const failed = (report: Report): CheckResult[] => report.results.filter((r) => !r.passed);
const failedIds = (report: Report): string[] => [...new Set(failed(report).map((r) => r.check))].sort();
const failedPairs = (report: Report): string[] => failed(report).map((r) => `${r.check} @ ${r.operation}`);

const UNKNOWN = "GET /__api-error-codes-check__/no-such-route";
/** Every path and the undocumented methods probed on it. */
const WRONG_METHODS = [
  "POST /health",
  "PUT /health",
  "PATCH /health",
  "DELETE /health",
  "PUT /v1/orders",
  "PATCH /v1/orders",
  "DELETE /v1/orders",
  "POST /v1/orders/{id}",
  "PUT /v1/orders/{id}",
  "PATCH /v1/orders/{id}",
  "GET /v1/orders/{id}/refund",
  "PUT /v1/orders/{id}/refund",
  "PATCH /v1/orders/{id}/refund",
  "DELETE /v1/orders/{id}/refund",
  "POST /v1/admin/users",
  "PUT /v1/admin/users",
  "PATCH /v1/admin/users",
  "DELETE /v1/admin/users",
];
const PATHS = ["/health", "/v1/orders", "/v1/orders/{id}", "/v1/orders/{id}/refund", "/v1/admin/users"];
const SECURED_REALIZED = [
  "GET /v1/orders",
  "POST /v1/orders",
  "GET /v1/orders/{id}",
  "DELETE /v1/orders/{id}",
  "GET /v1/admin/users",
];
const ERROR_GROUPS = [
  UNKNOWN,
  ...PATHS.map((p) => `* ${p}`),
  ...SECURED_REALIZED,
  "POST /v1/orders/{id}/refund",
];

/** The exact failures (check @ operation) each seeded defect must produce. */
const EXPECTED: Record<Defect, string[]> = {
  "html-404": [`unknown-route @ ${UNKNOWN}`, `conforms @ ${UNKNOWN}`],
  "404-instead-of-405": WRONG_METHODS.map((op) => `method-not-allowed @ ${op}`),
  "missing-allow": WRONG_METHODS.map((op) => `method-not-allowed @ ${op}`),
  "options-without-allow": PATHS.map((p) => `options-allow @ OPTIONS ${p}`),
  "ignored-auth": SECURED_REALIZED.flatMap((op) => [
    `auth-missing @ ${op}`,
    `auth-bogus @ ${op}`,
    `auth-expired @ ${op}`,
    ...(op === "GET /v1/admin/users" ? [`auth-forbidden @ ${op}`] : []),
  ]),
  "foreign-error-shape": [
    "absent-resource @ GET /v1/orders/{id}",
    "conforms @ GET /v1/orders/{id}",
    "absent-resource @ DELETE /v1/orders/{id}",
    "conforms @ DELETE /v1/orders/{id}",
  ],
  "wrong-code-for-type-error": [
    "param-type:offset @ GET /v1/orders",
    "param-type:limit @ GET /v1/orders",
    ...["item", "quantity", "unit_price", "currency", "note", "contact"].map(
      (f) => `body-type:${f} @ POST /v1/orders`,
    ),
  ],
  "code-status-mismatch": ["auth-forbidden @ GET /v1/admin/users", "conforms @ GET /v1/admin/users"],
  "leaked-stack-trace": ["no-leak @ GET /v1/orders", "documented-status @ GET /v1/orders"],
  "500-on-malformed-json": ["body-malformed-json @ POST /v1/orders", "documented-status @ POST /v1/orders"],
  "missing-request-id": [UNKNOWN, ...PATHS.map((p) => `* ${p}`), "GET /health", ...SECURED_REALIZED]
    .concat("POST /v1/orders/{id}/refund")
    .map((g) => `request-id @ ${g}`),
  "bare-malformed-http": [
    "malformed-request-line @ raw socket",
    "header-overflow @ raw socket",
    "conforms @ raw socket",
    "request-id @ raw socket",
  ],
  "ignored-additional-properties": ["body-additional @ POST /v1/orders"],
  "ignored-max-length": ["body-constraint:item:maxLength @ POST /v1/orders"],
  "no-body-limit": ["body-oversize @ POST /v1/orders"],
  "undocumented-422": [
    "GET /v1/orders",
    "POST /v1/orders",
    "GET /v1/orders/{id}",
    "DELETE /v1/orders/{id}",
  ].map((op) => `documented-status @ ${op}`),
  "unrealized-as-404": [
    "not-realized @ POST /v1/orders/{id}/refund",
    "documented-status @ POST /v1/orders/{id}/refund",
  ],
  "text-plain-errors": ERROR_GROUPS.map((g) => `conforms @ ${g}`),
};

describe("a conforming API", () => {
  let report: Report;
  beforeAll(async () => {
    report = await check();
  });

  it("gets no failure, with well over 30 checks run", () => {
    expect(failedPairs(report)).toStrictEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(100);
    expect(report.summary.passed + report.summary.failed + report.summary.skipped).toBe(
      report.results.length,
    );
  });

  it("runs every kind of check the issue lists", () => {
    const ids = new Set(report.results.filter((r) => r.skipped !== true).map((r) => r.check.split(":")[0]));
    expect([...ids].sort()).toStrictEqual(
      [
        "absent-resource",
        "auth-bogus",
        "auth-expired",
        "auth-forbidden",
        "auth-missing",
        "body-additional",
        "body-constraint",
        "body-malformed-json",
        "body-media-type",
        "body-oversize",
        "body-required",
        "body-type",
        "conforms",
        "documented-status",
        "header-overflow",
        "malformed-request-line",
        "method-not-allowed",
        "no-leak",
        "not-realized",
        "options-allow",
        "param-range",
        "param-type",
        "request-id",
        "unknown-route",
      ].sort(),
    );
  });

  it("checks each body constraint of the schema", () => {
    const body = report.results.filter((r) => r.check.startsWith("body-constraint:")).map((r) => r.check);
    expect(body).toStrictEqual([
      "body-constraint:item:minLength",
      "body-constraint:item:maxLength",
      "body-constraint:quantity:minimum",
      "body-constraint:quantity:maximum",
      "body-constraint:unit_price:minimum",
      "body-constraint:currency:enum",
      "body-constraint:note:maxLength",
      "body-constraint:note:pattern",
      "body-constraint:contact:format",
    ]);
  });

  it("skips only what an unrealized operation makes pointless", () => {
    expect(
      report.results
        .filter((r) => r.skipped === true)
        .map((r) => `${r.check} @ ${r.operation}: ${r.message}`),
    ).toStrictEqual([
      "auth-missing @ POST /v1/orders/{id}/refund: the operation is not realized (501)",
      "auth-bogus @ POST /v1/orders/{id}/refund: the operation is not realized (501)",
      "auth-expired @ POST /v1/orders/{id}/refund: the operation is not realized (501)",
      "param-range:id:format @ POST /v1/orders/{id}/refund: the operation is not realized (501)",
      "absent-resource @ POST /v1/orders/{id}/refund: the operation is not realized (501)",
    ]);
    expect(report.results.find((r) => r.check === "not-realized")).toStrictEqual({
      check: "not-realized",
      operation: "POST /v1/orders/{id}/refund",
      passed: true,
      message: "501/2",
    });
    expect(
      report.results.find((r) => r.check === "absent-resource" && r.operation === "DELETE /v1/orders/{id}"),
    ).toStrictEqual({
      check: "absent-resource",
      operation: "DELETE /v1/orders/{id}",
      passed: true,
      message: "404/10",
    });
  });

  it("passes safe by default too, with every write past authentication skipped and named", async () => {
    const safe = await check(undefined, { allowWrites: false });
    expect(failedPairs(safe)).toStrictEqual([]);
    const needs = safe.results.filter(
      (r) => r.skipped === true && r.message.startsWith("needs --allow-writes"),
    );
    expect([...new Set(needs.map((r) => r.operation))].sort()).toStrictEqual([
      "DELETE /v1/orders/{id}",
      "POST /v1/orders",
      "POST /v1/orders/{id}/refund",
    ]);
    expect(needs.filter((r) => r.operation === "POST /v1/orders").map((r) => r.check)).toContain(
      "body-malformed-json",
    );
  });

  it("passes without a spec: unknown route, raw socket and every error seen", async () => {
    const bare = await check(undefined, { spec: false });
    expect(bare.results.map((r) => `${r.check} @ ${r.operation}: ${r.message}`)).toStrictEqual([
      `unknown-route @ ${UNKNOWN}: 404/10`,
      `conforms @ ${UNKNOWN}: 1 answer`,
      `request-id @ ${UNKNOWN}: 1 answer`,
      `no-leak @ ${UNKNOWN}: 1 answer`,
      "malformed-request-line @ raw socket: 400/3",
      "header-overflow @ raw socket: 431/3",
      "conforms @ raw socket: 2 answers",
      "request-id @ raw socket: 2 answers",
      "no-leak @ raw socket: 2 answers",
    ]);
  });
});

describe("seeded defects", () => {
  it("has at least ten kinds", () => {
    expect(Object.keys(DEFECTS).length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(EXPECTED).sort()).toStrictEqual(Object.keys(DEFECTS).sort());
  });

  it.each(Object.keys(EXPECTED) as Defect[])("catches %s, and only what it breaks", async (defect) => {
    const report = await check(defect);
    expect(failedIds(report)).toStrictEqual(
      [...new Set(EXPECTED[defect].map((p) => p.split(" @ ")[0]))].sort(),
    );
    expect(failedPairs(report).sort()).toStrictEqual([...EXPECTED[defect]].sort());
    expect(report.summary.failed).toBe(EXPECTED[defect].length);
  });

  it("explains each failure", async () => {
    const messages = async (defect: Defect) => failed(await check(defect)).map((r) => r.message);
    expect(await messages("html-404")).toStrictEqual([
      `expected 404/10, got 404 (text/html; charset=utf-8) (${UNKNOWN})`,
      `404 with Content-Type text/html; charset=utf-8, not application/json (${UNKNOWN})`,
    ]);
    expect((await messages("code-status-mismatch"))[1]).toBe(
      "401 body: status 401 is not allowed for error_code 9 (403) (GET /v1/admin/users)",
    );
    expect((await messages("leaked-stack-trace"))[0]).toMatch(
      /^500 body reveals a stack (trace|frame): "at /,
    );
    expect(await messages("no-body-limit")).toStrictEqual(["expected 413/3, got 400/3 (POST /v1/orders)"]);
    expect(await messages("ignored-max-length")).toStrictEqual([
      "expected 400/4 or 422/4, got 201 (POST /v1/orders)",
    ]);
    expect((await messages("missing-allow"))[0]).toBe("405/1, but no Allow header (POST /health)");
  });
});

describe("unreachable and broken targets", () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await startFixture();
  });
  afterAll(() => fixture.close());

  it("stops when the first request gets no answer", async () => {
    await expect(runChecks({ baseUrl: new URL("http://127.0.0.1:1"), timeoutMs: 2000 })).rejects.toThrow(
      "cannot reach http://127.0.0.1:1/: ECONNREFUSED",
    );
  });

  it("reports a progress count for every request", async () => {
    const seen: [number, number][] = [];
    const report = await runChecks({
      baseUrl: new URL(fixture.url),
      spec: await loadSpec(fixture.specUrl, 5000),
      token: ADMIN_TOKEN,
      allowWrites: true,
      concurrency: 2,
      onProgress: (done, total) => seen.push([done, total]),
    });
    expect(report.summary.failed).toBe(0);
    expect(seen.length).toBeGreaterThan(50);
    const last = seen.at(-1);
    expect(last?.[0]).toBe(last?.[1]);
    expect(seen.map(([done]) => done)).toStrictEqual(seen.map((_, i) => i + 1));
  });

  it("prefixes every request with the path of the base URL", async () => {
    const report = await runChecks({ baseUrl: new URL(`${fixture.url}/prefix/`), timeoutMs: 5000 });
    expect(report.results[0]).toStrictEqual({
      check: "unknown-route",
      operation: "GET /prefix/__api-error-codes-check__/no-such-route",
      passed: true,
      message: "404/10",
    });
  });
});
