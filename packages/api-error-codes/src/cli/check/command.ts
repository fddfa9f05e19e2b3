/** `api-error-codes check <baseUrl> ...`: arguments in, a report and an exit code out. */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { CliResult } from "../run.js";
import { CHECK_FORMATS, type CheckFormat, renderReport, summaryLine } from "./report.js";
import { runChecks, UnreachableError } from "./runner.js";
import { loadSpec, SpecError } from "./spec.js";
import type { Report, Spec } from "./types.js";

const PROGRAM = "api-error-codes";

/** The text of `check --help`. */
export const CHECK_HELP = `Usage: ${PROGRAM} check <baseUrl> [options]

Probes a running HTTP API (in any language) and reports where it breaks the error contract.
Without --spec: unknown route, malformed request line, oversized headers, and the shape,
request id and hygiene of every error seen. With an OpenAPI 3.x spec (JSON), per operation:
wrong methods (405 + Allow), OPTIONS, authentication (6/7/8/9), request bodies (3/4/5, 413),
parameters (3/4/5), absent resources (404), unrealized operations (501) and documented statuses.

Safe by default: only reads and requests that must be rejected are sent. Requests that could
change data (DELETE or PUT on an id, valid POST bodies) need --allow-writes.

Options:
  --spec <file|url>          OpenAPI 3.x document (JSON), e.g. http://localhost:3000/openapi.json
  --token <t>                a valid bearer token (secured operations are probed past auth)
  --expired-token <t>        a known but expired token (expects 401 / 8)
  --forbidden-token <t>      a valid token without the role or scope (expects 403 / 9 where the
                             spec documents 403)
  -f, --format <format>      table (default), json or junit
  -o, --out <file>           write the report to a file; stdout gets the summary line
  --timeout <ms>             per request (default 10000)
  --concurrency <n>          requests in flight (default 8)
  --allow-writes             also send requests that a server could accept and act on
  -h, --help                 show this help

Exit status: 0 when every check passes, 1 when any fails, 2 for usage errors, an unreadable spec
or an unreachable target.
`;

const HELP_HINT = `${PROGRAM} check --help`;

/** What the command may know about the terminal. Defaults: no TTY, no colour, no progress. */
export interface CliIo {
  /** stdout is a terminal: the table gets colours (unless NO_COLOR is set). */
  readonly stdoutIsTTY?: boolean;
  /** Where the progress indicator goes, if it is a terminal. */
  readonly stderr?: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const usage = (message: string): CliResult => ({
  exitCode: 2,
  stdout: "",
  stderr: `${PROGRAM}: check: ${message} (see "${HELP_HINT}")\n`,
});
const fatal = (message: string): CliResult => ({
  exitCode: 2,
  stdout: "",
  stderr: `${PROGRAM}: check: ${message}\n`,
});

function positiveInteger(value: string | undefined, name: string, max: number): number | string | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    return `${name} must be an integer from 1 to ${max}, got "${value}"`;
  }
  return Number(value);
}

/**
 * Runs the `check` command.
 * @example
 * const result = await checkCommand(["http://127.0.0.1:3000", "--spec", "openapi.json", "-f", "json"]);
 * result.exitCode; // 0, 1 or 2
 */
export async function checkCommand(args: readonly string[], io: CliIo = {}): Promise<CliResult> {
  let parsed: ReturnType<typeof parseCheckArgs>;
  try {
    parsed = parseCheckArgs(args);
  } catch (error) {
    // Node appends hints ("To specify a positional argument ...") after the first sentence.
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    return usage((message.split(". ")[0] ?? message).replace(/\.$/, ""));
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { exitCode: 0, stdout: CHECK_HELP, stderr: "" };
  if (positionals.length === 0) return usage("missing <baseUrl>");
  if (positionals.length > 1) return usage(`unexpected argument "${positionals[1]}"`);
  const raw = positionals[0] as string;
  let baseUrl: URL;
  try {
    baseUrl = new URL(raw);
  } catch {
    return usage(`"${raw}" is not a URL`);
  }
  if (baseUrl.protocol !== "http:" && baseUrl.protocol !== "https:") {
    return usage(`the base URL must be http:// or https://, got "${raw}"`);
  }
  baseUrl.search = "";
  baseUrl.hash = "";
  const format = values.format ?? "table";
  if (!(CHECK_FORMATS as readonly string[]).includes(format)) {
    return usage(`--format must be one of ${CHECK_FORMATS.join(", ")}, got "${format}"`);
  }
  const timeout = positiveInteger(values.timeout, "--timeout", 600_000);
  if (typeof timeout === "string") return usage(timeout);
  const concurrency = positiveInteger(values.concurrency, "--concurrency", 64);
  if (typeof concurrency === "string") return usage(concurrency);
  for (const name of ["token", "expired-token", "forbidden-token"] as const) {
    const value = values[name];
    if (value !== undefined && (value.trim() === "" || /[\r\n]/.test(value))) {
      return usage(`--${name} must be a non-empty single-line token`);
    }
  }
  const timeoutMs = timeout ?? 10_000;

  let spec: Spec | undefined;
  if (values.spec !== undefined) {
    try {
      spec = await loadSpec(values.spec, timeoutMs);
    } catch (error) {
      if (error instanceof SpecError) return fatal(error.message);
      throw error;
    }
  }

  const progress = io.stderr?.isTTY === true ? io.stderr : undefined;
  let report: Report;
  try {
    report = await runChecks({
      baseUrl,
      spec,
      token: values.token,
      expiredToken: values["expired-token"],
      forbiddenToken: values["forbidden-token"],
      allowWrites: values["allow-writes"] === true,
      timeoutMs,
      concurrency: concurrency ?? 8,
      ...(progress === undefined
        ? {}
        : {
            onProgress: (done: number, total: number) => progress.write(`\r\u001b[Kprobing ${done}/${total}`),
          }),
    });
  } catch (error) {
    if (error instanceof UnreachableError) return fatal(error.message);
    throw error;
  } finally {
    progress?.write("\r\u001b[K");
  }

  const env = io.env ?? {};
  const colour =
    values.out === undefined &&
    io.stdoutIsTTY === true &&
    (env.NO_COLOR === undefined || env.NO_COLOR === "");
  const text = renderReport(report, format as CheckFormat, { colour });
  const exitCode = report.summary.failed > 0 ? 1 : 0;
  if (values.out === undefined) return { exitCode, stdout: text, stderr: "" };
  try {
    await writeFile(values.out, text);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fatal(`cannot write ${values.out}: ${typeof code === "string" ? code : String(error)}`);
  }
  return { exitCode, stdout: `${summaryLine(report)} (report written to ${values.out})\n`, stderr: "" };
}

function parseCheckArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      spec: { type: "string" },
      token: { type: "string" },
      "expired-token": { type: "string" },
      "forbidden-token": { type: "string" },
      format: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      timeout: { type: "string" },
      concurrency: { type: "string" },
      "allow-writes": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
