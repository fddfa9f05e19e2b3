/**
 * The command line as pure functions: arguments in, text and exit code out. Only `bin.ts` touches
 * the process, so every command can be tested without spawning one.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { codesJson, codesMarkdownTable, codesTextTable } from "../catalog.js";
import { catalogMarkdown, catalogPages } from "../catalog-pages.js";
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
  catalog [--format markdown|html]       the error catalogue: a page per code (see "catalog --help")
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

/** The text of `catalog --help`. */
export const CATALOG_HELP = `Usage: ${PROGRAM} catalog [--format markdown|html] [--out <dir>] [--codes <module>]...

Renders the error catalogue: for every registered code what it means, its statuses, the shape of
details with an example, whether to retry and how to fix the request.

Options:
  -f, --format <format>   markdown (one document on stdout, the default) or html (a page per code
                          and index.html, written to --out)
  -o, --out <dir>         the folder for the HTML pages (created if missing)
  -c, --codes <module>    a module that registers your own codes (registerCode); repeatable
  -h, --help              show this help
`;

const CATALOG_HELP_HINT = `${PROGRAM} catalog --help`;

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

/**
 * `api-error-codes catalog`: Markdown on stdout, or HTML pages written to `--out`, after loading the
 * modules `--codes` names (relative to the working directory), so the app's codes are included.
 * @example
 * await catalogCommand(["--format", "html", "--out", "public/errors", "--codes", "./dist/errors.js"]);
 */
export async function catalogCommand(args: readonly string[]): Promise<CliResult> {
  const parsed = parse(
    args,
    {
      format: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      codes: { type: "string", short: "c", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    false,
  );
  if (typeof parsed === "string") return usageError(`catalog: ${parsed}`, CATALOG_HELP_HINT);
  if (parsed.values.help === true) return ok(CATALOG_HELP);
  const format = parsed.values.format ?? "markdown";
  if (format !== "markdown" && format !== "html")
    return usageError(`catalog: --format must be markdown or html, got "${format}"`, CATALOG_HELP_HINT);
  const out = parsed.values.out;
  if (format === "html" && out === undefined)
    return usageError("catalog: --format html needs --out <dir>", CATALOG_HELP_HINT);
  for (const module of parsed.values.codes ?? []) {
    try {
      await import(pathToFileURL(resolve(module)).href);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      return { exitCode: 1, stdout: "", stderr: `${PROGRAM}: catalog: cannot load ${module}: ${reason}\n` };
    }
  }
  if (format === "markdown") {
    if (out === undefined) return ok(catalogMarkdown());
    await mkdir(out, { recursive: true });
    await writeFile(join(out, "errors.md"), catalogMarkdown());
    return ok(`${join(out, "errors.md")}\n`);
  }
  await mkdir(out as string, { recursive: true });
  const pages = catalogPages();
  for (const { path, html } of pages) await writeFile(join(out as string, path), html);
  return ok(`${pages.length} pages in ${out as string}\n`);
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
    case "catalog":
      return catalogCommand(rest);
    case "check":
      return { exitCode: EXIT_USAGE, stdout: "", stderr: CHECK_MOVED };
    default:
      return usageError(`unknown command "${command}"`);
  }
}
