/**
 * The command line as pure functions: arguments in, text and exit code out. Only `bin.ts` touches
 * the process, so every command can be tested without spawning one.
 */
import { parseArgs } from "node:util";
import { codesJson, codesMarkdownTable, codesTextTable } from "../catalog.js";
import { VERSION } from "./version.js";

/** What a command produced; the entry point writes it out and exits with `exitCode`. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Exit code for a usage error (unknown command, bad flag), as most Unix tools use it. */
export const EXIT_USAGE = 2;

const PROGRAM = "api-error-codes";

/** The text of `--help`. */
export const HELP = `Usage: ${PROGRAM} <command> [options]

Commands:
  codes [--format table|json|markdown]   print the error code table (default: table)
  check                                  moved: the conformance checker is its own package,
                                         run "npx api-error-codes-checker <baseUrl> --spec <file|url>"

Options:
  -h, --help      show this help
  -v, --version   print the version
`;

/** The text of `codes --help`. */
export const CODES_HELP = `Usage: ${PROGRAM} codes [--format table|json|markdown]

Prints every registered error code with its name, default status, other allowed statuses and
when it is used.

Options:
  -f, --format <format>   table (aligned text, the default), json, or markdown
  -h, --help              show this help
`;

const CODES_HELP_HINT = `${PROGRAM} codes --help`;

const FORMATS = ["table", "json", "markdown"] as const;
/** An output format of the `codes` command. */
export type CodesFormat = (typeof FORMATS)[number];

const ok = (stdout: string): CliResult => ({ exitCode: 0, stdout, stderr: "" });
const usageError = (message: string, help = `${PROGRAM} --help`): CliResult => ({
  exitCode: EXIT_USAGE,
  stdout: "",
  stderr: `${PROGRAM}: ${message} (see "${help}")\n`,
});

type ParseOptions = NonNullable<Parameters<typeof parseArgs>[0]>["options"];

/** parseArgs, with its errors turned into one line of text instead of an exception. */
function parse<const O extends ParseOptions>(args: readonly string[], options: O, positionals: boolean) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: positionals });
  } catch (error) {
    // Some node versions add hints on further lines; the first line names the problem.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    return message.replace(/\.$/, "");
  }
}

/** The table in one format. */
export function renderCodes(format: CodesFormat): string {
  if (format === "json") return codesJson();
  if (format === "markdown") return codesMarkdownTable();
  return codesTextTable();
}

/**
 * `api-error-codes codes [--format table|json|markdown]`.
 * @example
 * codesCommand(["--format", "json"]); // { exitCode: 0, stdout: "[\n  {\n    \"code\": 0, ...", stderr: "" }
 */
export function codesCommand(args: readonly string[]): CliResult {
  const parsed = parse(
    args,
    { format: { type: "string", short: "f" }, help: { type: "boolean", short: "h" } },
    false,
  );
  if (typeof parsed === "string") return usageError(`codes: ${parsed}`, CODES_HELP_HINT);
  if (parsed.values.help === true) return ok(CODES_HELP);
  const format = parsed.values.format ?? "table";
  if (!(FORMATS as readonly string[]).includes(format)) {
    return usageError(
      `codes: --format must be one of ${FORMATS.join(", ")}, got "${format}"`,
      CODES_HELP_HINT,
    );
  }
  return ok(renderCodes(format as CodesFormat));
}

/** What the entry point knows about the terminal (kept for callers of `run`; `codes` needs none of it). */
export interface CliIo {
  readonly stdoutIsTTY?: boolean;
  readonly stderr?: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * The conformance checker moved to its own package (`api-error-codes-checker`), so that users of
 * the library do not install its parsers. `check` says how to run it and exits with 2.
 */
export const CHECK_MOVED = `${PROGRAM}: check: the conformance checker is its own package; run it with
  npx api-error-codes-checker <baseUrl> --spec <file|url> [options]
(see "npx api-error-codes-checker --help")
`;

/**
 * Runs the command line (arguments without `node` and the script). `io` tells what the terminal
 * is like (colour, progress); by default nothing is a TTY, so results are plain text.
 * @example
 * const result = await run(["codes", "--format", "markdown"]);
 * process.stdout.write(result.stdout);
 */
export async function run(argv: readonly string[], _io: CliIo = {}): Promise<CliResult> {
  const [command, ...rest] = argv;
  if (command === undefined) return usageError("missing command");
  if (command.startsWith("-")) {
    const parsed = parse(
      argv,
      { help: { type: "boolean", short: "h" }, version: { type: "boolean", short: "v" } },
      false,
    );
    if (typeof parsed === "string") return usageError(parsed);
    if (parsed.values.help === true) return ok(HELP);
    if (parsed.values.version === true) return ok(`${VERSION}\n`);
    return usageError("missing command");
  }
  switch (command) {
    case "codes":
      return codesCommand(rest);
    case "check":
      return { exitCode: EXIT_USAGE, stdout: "", stderr: CHECK_MOVED };
    default:
      return usageError(`unknown command "${command}"`);
  }
}
