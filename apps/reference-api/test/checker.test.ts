/**
 * The conformance checker (`api-error-codes-check`) against the reference API: with the served
 * OpenAPI document, every check passes with an admin token, with a member token (whose 403/9 on
 * admin operations makes their validation checks skipped, not failed) and with no token.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCommand } from "../../../packages/checker/src/command.js";
import { backends } from "./support/backends.js";
import { call } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";
import { startSwitchboard } from "./support/upstreams.js";

const sqlite = backends.find((b) => b.name === "sqlite")!;

interface Report {
  summary: { passed: number; failed: number; skipped: number };
  results: { check: string; operation: string; passed: boolean; message: string; skipped?: true }[];
}

describe("api-error-codes-check against the reference API", () => {
  let api: TestApi;
  let rates: Awaited<ReturnType<typeof startSwitchboard>>;
  let database: Awaited<ReturnType<typeof sqlite.create>>;
  const tokens = { admin: "", member: "", expired: "" };

  const login = async (email: string, password: string): Promise<string> => {
    const answer = await call(api.base, "POST", "/v1/auth/token", { body: { email, password } });
    expect(answer.status, answer.text).toBe(201);
    return (answer.json as { access_token: string }).access_token;
  };

  beforeAll(async () => {
    database = await sqlite.create();
    rates = await startSwitchboard();
    api = await startApi({ databaseUrl: database.url, ratesUrl: rates.url });
    tokens.expired = await login("member@example.com", "member-password");
    api.clock.advance(901_000); // past ACCESS_TOKEN_TTL (900 s): that token is now known and expired
    tokens.admin = await login("admin@example.com", "admin-password");
    tokens.member = await login("member@example.com", "member-password");
  });
  afterAll(async () => {
    await api?.close();
    await rates?.close();
    await database?.remove();
  });

  it("passes every check, with more than 30 run", async () => {
    const result = await checkCommand([
      api.base,
      "--spec",
      `${api.base}/openapi.json`,
      // Joined with "=": a base64url token may start with "-", which parseArgs refuses as a separate value.
      `--token=${tokens.admin}`,
      `--forbidden-token=${tokens.member}`,
      `--expired-token=${tokens.expired}`,
      "--format",
      "json",
      "--allow-writes",
    ]);
    expect(result.stdout, `no report; stderr: ${result.stderr}`).not.toBe("");
    const report = JSON.parse(result.stdout) as Report;
    const failed = report.results.filter((r) => !r.passed);
    expect(failed, JSON.stringify(failed, null, 2)).toStrictEqual([]);
    expect(result.exitCode).toBe(0);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(30);
    console.log(`checker against the reference API (admin): ${JSON.stringify(report.summary)}`);
    // The operations that show the checker reached the whole API (a body, a path parameter, an
    // unrealized operation, a role) were probed.
    const operations = new Set(report.results.map((r) => r.operation));
    for (const operation of [
      "POST /v1/orders",
      "GET /v1/orders/{id}",
      "POST /v1/orders/{id}/refund",
      "GET /v1/admin/users",
    ]) {
      expect(operations).toContain(operation);
    }
  }, 60_000);

  const run = async (args: string[]): Promise<Report> => {
    const result = await checkCommand([
      api.base,
      "--spec",
      `${api.base}/openapi.json`,
      "-f",
      "json",
      ...args,
    ]);
    expect(result.stdout, `no report; stderr: ${result.stderr}`).not.toBe("");
    const report = JSON.parse(result.stdout) as Report;
    const failed = report.results.filter((r) => !r.passed);
    expect(failed, JSON.stringify(failed, null, 2)).toStrictEqual([]);
    expect(result.exitCode).toBe(0);
    return report;
  };

  it("passes every check with a member token: admin-only checks are skipped with the reason", async () => {
    // The = form: a random token may start with "-", which would read as an option.
    const report = await run([
      `--token=${tokens.member}`,
      `--expired-token=${tokens.expired}`,
      "--allow-writes",
    ]);
    console.log(`checker against the reference API (member): ${JSON.stringify(report.summary)}`);
    const admin = report.results.filter((r) => r.operation === "GET /v1/admin/users" && r.skipped === true);
    expect(admin.map((r) => r.check)).toContain("param-range:limit:maximum");
    for (const r of admin) {
      if (r.check.startsWith("param-")) {
        expect(r.message).toBe(
          "the --token lacks the role or scope of GET /v1/admin/users (403/9 before validation); give a token that has it",
        );
      }
    }
    expect(report.summary.passed).toBeGreaterThan(150);
  }, 60_000);

  it("passes every check with no token, safe by default", async () => {
    const report = await run([]);
    console.log(`checker against the reference API (no token): ${JSON.stringify(report.summary)}`);
    expect(report.results.filter((r) => r.skipped === true).map((r) => r.message)).toContain(
      "needs --token (the operation is secured)",
    );
    expect(report.summary.passed).toBeGreaterThan(60);
  }, 60_000);
});
