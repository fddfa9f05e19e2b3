/**
 * `api-error-codes-check` as a command: arguments, exit codes, output formats, --out, colour and
 * progress; in-process through `checkCommand`, and end to end through the built binary.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHECK_HELP, checkCommand as run } from "../src/command.js";
import { VERSION } from "../src/version.js";
import { ADMIN_TOKEN, EXPIRED_TOKEN, type Fixture, MEMBER_TOKEN, startFixture } from "./fixtures.js";

const ESC = String.fromCharCode(27);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "dist/bin.js");

let good: Fixture;
let bad: Fixture;
let dir: string;
beforeAll(async () => {
  [good, bad] = await Promise.all([startFixture(), startFixture("html-404")]);
  dir = mkdtempSync(join(tmpdir(), "aec-check-"));
});
afterAll(async () => {
  await Promise.all([good.close(), bad.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const full = (f: Fixture) => [
  f.url,
  "--spec",
  f.specUrl,
  "--token",
  ADMIN_TOKEN,
  "--expired-token",
  EXPIRED_TOKEN,
  "--forbidden-token",
  MEMBER_TOKEN,
];

/** A well-formedness check of the XML the reporter writes: tags balance, attributes are quoted. */
function assertWellFormedXml(text: string): void {
  expect(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
  const stack: string[] = [];
  for (const match of text.matchAll(
    /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<&]*(?:&(?:amp|lt|gt|quot|apos);[^"<&]*)*")*)\s*(\/?)>/g,
  )) {
    const [, closing, name, , selfClosing] = match;
    if (closing === "/") expect(stack.pop()).toBe(name);
    else if (selfClosing !== "/") stack.push(name as string);
  }
  expect(stack).toStrictEqual([]);
  // No stray markup characters outside tags.
  expect(text.replace(/<[^>]*>/g, "")).not.toMatch(/[<>]/);
}

describe("checkCommand([...])", () => {
  it("prints help", async () => {
    expect(await run(["--help"])).toStrictEqual({ exitCode: 0, stdout: CHECK_HELP, stderr: "" });
    const options = ["--spec", "--config", "--token", "--expired-token", "--forbidden-token", "--skip"];
    options.push("--baseline", "--write-baseline", "--format", "--out", "--timeout", "--concurrency");
    for (const option of [...options, "--allow-writes", "--help", "--version"]) {
      expect(CHECK_HELP).toMatch(new RegExp(`\\n {2}(?:-[a-z], )?${option} `));
    }
    expect(CHECK_HELP).toContain("Exit status: 0 every check passed");
    expect(await run(["--version"])).toStrictEqual({ exitCode: 0, stdout: `${VERSION}\n`, stderr: "" });
  });

  it.each([
    [["a", "b"], 'unexpected argument "b"'],
    [["not a url"], '"not a url" is not a URL'],
    [["http://x", "--format", "xml"], '--format must be one of table, json, junit, sarif, github, got "xml"'],
    [["http://x", "--timeout", "0"], '--timeout must be an integer from 1 to 600000, got "0"'],
    [["http://x", "--concurrency", "many"], '--concurrency must be an integer from 1 to 64, got "many"'],
    [["http://x", "--token", ""], "--token must be a non-empty single-line token"],
    [["http://x", "--nope"], "Unknown option '--nope'"],
  ])("refuses %j with exit code 2", async (argv, message) => {
    expect(await run(argv)).toStrictEqual({
      exitCode: 2,
      stdout: "",
      stderr: `api-error-codes-check: ${message} (see "api-error-codes-check --help")\n`,
    });
  });

  it("exits with 3 for an unreachable target or an unreadable spec", async () => {
    expect(await run(["http://127.0.0.1:1", "--timeout", "2000"])).toStrictEqual({
      exitCode: 3,
      stdout: "",
      stderr: "api-error-codes-check: cannot reach http://127.0.0.1:1/: ECONNREFUSED\n",
    });
    expect(await run([good.url, "--spec", join(dir, "missing.json")])).toStrictEqual({
      exitCode: 3,
      stdout: "",
      stderr: `api-error-codes-check: cannot read the spec ${join(dir, "missing.json")}: ENOENT\n`,
    });
  });

  it("exits with 0 and prints the table for a conforming API", async () => {
    const result = await run(full(good));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`api-error-codes-check ${good.url}/ (spec: ${good.specUrl})`);
    expect(lines[2]).toMatch(/^result {2}check +operation +message$/);
    expect(lines[3]).toMatch(
      /^PASS {4}unknown-route +GET \/__api-error-codes-check__\/no-such-route +404\/10$/,
    );
    expect(result.stdout).toMatch(/\n\d+ checks: \d+ passed, 0 failed, \d+ skipped\n$/);
    expect(result.stdout).not.toContain(ESC);
  });

  it("exits with 1 and names the failures of a defective API", async () => {
    const result = await run([...full(bad), "--format", "json"]);
    expect(result.exitCode).toBe(1);
    const parsed = JSON.parse(result.stdout) as {
      summary: { passed: number; failed: number; skipped: number };
      results: { check: string; operation: string; passed: boolean; message: string }[];
    };
    expect(parsed.summary.failed).toBe(2);
    expect(parsed.results.filter((r) => !r.passed).map((r) => r.check)).toStrictEqual([
      "unknown-route",
      "conforms",
    ]);
  });

  it("colours the table on a TTY, unless NO_COLOR is set, and shows progress on a TTY stderr", async () => {
    const writes: string[] = [];
    const stderr = { isTTY: true, write: (text: string) => writes.push(text) };
    const coloured = await run([good.url], { stdoutIsTTY: true, stderr, env: {} });
    expect(coloured.stdout).toContain(`${ESC}[32mPASS${ESC}[0m`);
    const progress = new RegExp(`^\r${ESC}\\[Kprobing \\d+/\\d+$`);
    expect(writes.some((w) => progress.test(w))).toBe(true);
    expect(writes.at(-1)).toBe(`\r${ESC}[K`);
    const plain = await run([good.url], { stdoutIsTTY: true, env: { NO_COLOR: "1" } });
    expect(plain.stdout).not.toContain(ESC);
    const quiet: string[] = [];
    await run([good.url], { stderr: { isTTY: false, write: (t: string) => quiet.push(t) } });
    expect(quiet).toStrictEqual([]);
  });
});

describe("the built binary", () => {
  const exec = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], {
        encoding: "utf8",
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return { exitCode: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { exitCode: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };

  it("was built", () => {
    expect(existsSync(bin), "run `npm run build` first").toBe(true);
  });

  it("exits with 0 against the conforming fixture (table)", async () => {
    const result = await exec(full(good));
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/\n\d+ checks: \d+ passed, 0 failed, \d+ skipped\n$/);
  });

  it("exits with 1 against a defective fixture and prints JSON of the documented shape", async () => {
    const result = await exec([...full(bad), "--format", "json"]);
    expect(result.exitCode).toBe(1);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(parsed)).toStrictEqual(["summary", "results"]);
    expect(Object.keys(parsed.summary as object)).toStrictEqual(["passed", "failed", "skipped"]);
    const results = parsed.results as Record<string, unknown>[];
    expect(results.length).toBeGreaterThan(30);
    for (const r of results) {
      expect(Object.keys(r)).toStrictEqual(
        r.skipped === true
          ? ["check", "operation", "passed", "message", "skipped"]
          : ["check", "operation", "passed", "message"],
      );
      expect(typeof r.check).toBe("string");
      expect(r.operation).toMatch(/^(?:[A-Z]+|\*) \/|^raw socket$/);
      expect(typeof r.passed).toBe("boolean");
      expect(typeof r.message).toBe("string");
    }
    expect(results.filter((r) => r.passed === false)).toStrictEqual([
      {
        check: "unknown-route",
        operation: "GET /__api-error-codes-check__/no-such-route",
        passed: false,
        message:
          "expected 404/10, got 404 (text/html; charset=utf-8) (GET /__api-error-codes-check__/no-such-route)",
      },
      {
        check: "conforms",
        operation: "GET /__api-error-codes-check__/no-such-route",
        passed: false,
        message:
          "404 with Content-Type text/html; charset=utf-8, not application/json (GET /__api-error-codes-check__/no-such-route)",
      },
    ]);
  });

  it("writes JUnit XML with testcase and failure elements", async () => {
    const result = await exec([...full(bad), "--format", "junit"]);
    expect(result.exitCode).toBe(1);
    assertWellFormedXml(result.stdout);
    expect(result.stdout).toMatch(
      /<testsuites name="api-error-codes-check" tests="\d+" failures="2" errors="0" skipped="\d+">/,
    );
    expect(result.stdout).toContain(
      '<testcase classname="GET /__api-error-codes-check__/no-such-route" name="unknown-route">\n      <failure message="expected 404/10',
    );
    expect(result.stdout.match(/<failure /g)).toHaveLength(2);
    expect(result.stdout.match(/<testcase /g)?.length).toBeGreaterThan(30);
  });

  it("writes the report to --out and the summary to stdout", async () => {
    const out = join(dir, "report.xml");
    const result = await exec([...full(good), "-f", "junit", "--out", out]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^\\d+ checks: \\d+ passed, 0 failed, \\d+ skipped \\(report written to ${out.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\)\n$`,
      ),
    );
    const xml = readFileSync(out, "utf8");
    assertWellFormedXml(xml);
    expect(xml).toContain('failures="0"');
  });

  it("exits with 3 for an unreachable target and 2 for usage errors, with one line", async () => {
    expect(await exec(["http://127.0.0.1:1"])).toStrictEqual({
      exitCode: 3,
      stdout: "",
      stderr: "api-error-codes-check: cannot reach http://127.0.0.1:1/: ECONNREFUSED\n",
    });
    expect(await exec([good.url, "--format", "yaml"])).toStrictEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'api-error-codes-check: --format must be one of table, json, junit, sarif, github, got "yaml" (see "api-error-codes-check --help")\n',
    });
  });

  it("reads the spec from a file", async () => {
    const file = join(dir, "openapi.json");
    const response = await fetch(good.specUrl);
    await import("node:fs/promises").then((fs) => response.text().then((t) => fs.writeFile(file, t)));
    const result = await exec([good.url, "--spec", file, "--token", ADMIN_TOKEN, "-f", "json"]);
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout) as { summary: { failed: number; passed: number } };
    expect(parsed.summary.failed).toBe(0);
    expect(parsed.summary.passed).toBeGreaterThan(30);
  });
});
