import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { codesJson, codesMarkdownTable, codesTextTable } from "../src/catalog.js";
import { CHECK_MOVED, CODES_HELP, codesCommand, EXIT_USAGE, HELP, run } from "../src/cli/run.js";
import { VERSION } from "../src/cli/version.js";
import { listCodes } from "../src/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };

describe("catalog", () => {
  it("renders the markdown table with one row per code", () => {
    const lines = codesMarkdownTable().split("\n");
    expect(lines[0]).toBe("| code | name | default status | also allowed | when |");
    expect(lines[1]).toBe("|---|---|---|---|---|");
    expect(lines[2]).toBe(
      "| 0 | UNKNOWN | 500 |  | Anything unexpected; the message is always the generic one. |",
    );
    expect(lines).toContain(
      "| 3 | INVALID_STRUCTURE | 400 | 408, 413, 415, 431 | Unparseable body, wrong media type, body or headers too large, request too slow, missing required field or parameter, unknown field where extras are forbidden. |",
    );
    expect(lines).toHaveLength(listCodes().length + 3);
    expect(lines.at(-1)).toBe("");
  });

  it("escapes what would break a markdown row", () => {
    const table = codesMarkdownTable([
      { code: 100, name: "X", status: 429, statuses: [429], message: "m", description: "a | b\nc" },
    ]);
    expect(table.split("\n")[2]).toBe("| 100 | X | 429 |  | a \\| b c |");
  });

  it("aligns the text table without trailing spaces", () => {
    const lines = codesTextTable().trimEnd().split("\n");
    expect(lines[0]).toBe("code  name               default status  also allowed        when");
    expect(lines[1]).toBe(
      "0     UNKNOWN            500                                 Anything unexpected; the message is always the generic one.",
    );
    expect(lines[12]).toBe(
      "11    EXTERNAL_SERVICE   502             503, 504            An upstream failed or answered garbage (502), timed out (504) or is cut off by an open circuit (503).",
    );
    for (const line of lines) {
      expect(line).toBe(line.trimEnd());
      expect(line.indexOf("  ") >= 0).toBe(true);
    }
  });

  it("renders JSON with every field of the registry", () => {
    const parsed = JSON.parse(codesJson()) as unknown[];
    expect(parsed).toStrictEqual(listCodes().map((d) => ({ ...d, statuses: [...d.statuses] })));
    expect(codesJson().endsWith("}\n]\n")).toBe(true);
  });
});

describe("commands as functions", () => {
  it("prints the text table by default", () => {
    expect(codesCommand([])).toStrictEqual({ exitCode: 0, stdout: codesTextTable(), stderr: "" });
  });

  it.each([
    [["--format", "table"], codesTextTable()],
    [["--format", "json"], codesJson()],
    [["--format=markdown"], codesMarkdownTable()],
    [["-f", "json"], codesJson()],
    [["--help"], CODES_HELP],
    [["-h", "--format", "xml"], CODES_HELP],
  ])("codes %j", (args, stdout) => {
    expect(codesCommand(args)).toStrictEqual({ exitCode: 0, stdout, stderr: "" });
  });

  it.each([
    [["--help"], HELP],
    [["-h"], HELP],
    [["--version"], `${manifest.version}\n`],
    [["-v"], `${manifest.version}\n`],
    [["codes", "--format", "json"], codesJson()],
  ])("run %j", async (argv, stdout) => {
    expect(await run(argv)).toStrictEqual({ exitCode: 0, stdout, stderr: "" });
  });

  it.each([
    [[], 'api-error-codes: missing command (see "api-error-codes --help")'],
    [["frobnicate"], 'api-error-codes: unknown command "frobnicate" (see "api-error-codes --help")'],
    [["--bogus"], "api-error-codes: Unknown option '--bogus' (see \"api-error-codes --help\")"],
    [
      ["--version=1"],
      "api-error-codes: Option '-v, --version' does not take an argument (see \"api-error-codes --help\")",
    ],
    [
      ["codes", "--format", "xml"],
      'api-error-codes: codes: --format must be one of table, json, markdown, got "xml" (see "api-error-codes codes --help")',
    ],
    [
      ["codes", "--format"],
      "api-error-codes: codes: Option '-f, --format <value>' argument missing (see \"api-error-codes codes --help\")",
    ],
    [
      ["codes", "--bogus"],
      "api-error-codes: codes: Unknown option '--bogus' (see \"api-error-codes codes --help\")",
    ],
  ])("run %j fails with exit code 2", async (argv, message) => {
    expect(await run(argv)).toStrictEqual({ exitCode: EXIT_USAGE, stdout: "", stderr: `${message}\n` });
  });

  it.each([[["check"]], [["check", "http://127.0.0.1:3000", "--spec", "openapi.json"]]])(
    "run %j points at the checker package and exits with 2",
    async (argv) => {
      expect(await run(argv)).toStrictEqual({ exitCode: EXIT_USAGE, stdout: "", stderr: CHECK_MOVED });
      expect(CHECK_MOVED).toContain("npx api-error-codes-checker <baseUrl> --spec <file|url>");
    },
  );

  it("gives a one-line message for a stray argument", async () => {
    const result = await run(["codes", "extra"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^api-error-codes: codes: Unexpected argument 'extra'.*\n$/);
    expect(result.stderr.split("\n")).toHaveLength(2);
  });

  it("reports the package version", () => {
    expect(VERSION).toBe(manifest.version);
  });
});

describe("the built binary", () => {
  const bin = join(root, "dist/cli/bin.js");
  const exec = (args: string[], file = bin) => {
    const result = spawnSync(process.execPath, [file, ...args], { encoding: "utf8", timeout: 10_000 });
    return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it("was built", () => {
    expect(existsSync(bin), "run `cd packages/api-error-codes && npx tsup` first").toBe(true);
  });

  it("prints the codes as JSON", () => {
    expect(exec(["codes", "--format", "json"])).toStrictEqual({
      exitCode: 0,
      stdout: codesJson(),
      stderr: "",
    });
  });

  it("prints the text table and the markdown table", () => {
    expect(exec(["codes"])).toStrictEqual({ exitCode: 0, stdout: codesTextTable(), stderr: "" });
    expect(exec(["codes", "-f", "markdown"])).toStrictEqual({
      exitCode: 0,
      stdout: codesMarkdownTable(),
      stderr: "",
    });
  });

  it("prints its version and help", () => {
    expect(exec(["--version"])).toStrictEqual({ exitCode: 0, stdout: `${manifest.version}\n`, stderr: "" });
    expect(exec(["--help"])).toStrictEqual({ exitCode: 0, stdout: HELP, stderr: "" });
  });

  it("exits with 2 and one line on stderr for usage errors", () => {
    expect(exec(["nope"])).toStrictEqual({
      exitCode: 2,
      stdout: "",
      stderr: 'api-error-codes: unknown command "nope" (see "api-error-codes --help")\n',
    });
    expect(exec(["codes", "--format", "yaml"])).toStrictEqual({
      exitCode: 2,
      stdout: "",
      stderr:
        'api-error-codes: codes: --format must be one of table, json, markdown, got "yaml" (see "api-error-codes codes --help")\n',
    });
    expect(exec(["check"])).toStrictEqual({
      exitCode: 2,
      stdout: "",
      stderr: CHECK_MOVED,
    });
  });

  it("works from the CommonJS build too", () => {
    const cjs = join(root, "dist/cli/bin.cjs");
    expect(exec(["--version"], cjs)).toStrictEqual({
      exitCode: 0,
      stdout: `${manifest.version}\n`,
      stderr: "",
    });
  });
});
