/** `api-error-codes-check <baseUrl> ...`: arguments in, a report and an exit code out. */
import { writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { applyBaseline, BaselineError, readBaseline, writeBaseline } from "./baseline.js";
import { type CheckerConfig, ConfigError, loadConfig, matchesSkip, type TokenSource } from "./config.js";
import { CHECK_HELP, EXIT, PROGRAM } from "./help.js";
import { LoginError, tokenFrom } from "./login.js";
import { CHECK_FORMATS, type CheckFormat, renderReport, summaryLine } from "./report.js";
import { runChecks, UnreachableError } from "./runner.js";
import { loadSpec, SpecError } from "./spec.js";
import type { Report, Spec } from "./types.js";
import { VERSION } from "./version.js";

export { CHECK_HELP, EXIT };

/** What a command produced; the entry point writes it out and exits with `exitCode`. */
export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const HELP_HINT = `${PROGRAM} --help`;

/** What the command may know about the terminal. Defaults: no TTY, no colour, no progress. */
export interface CliIo {
  /** stdout is a terminal: the table gets colours (unless NO_COLOR is set). */
  readonly stdoutIsTTY?: boolean;
  /** Where the progress indicator goes, if it is a terminal. */
  readonly stderr?: { readonly isTTY?: boolean; write(text: string): unknown };
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const usage = (message: string): CliResult => ({
  exitCode: EXIT.usage,
  stdout: "",
  stderr: `${PROGRAM}: ${message} (see "${HELP_HINT}")\n`,
});
const fatal = (message: string, exitCode: number = EXIT.cannotRun): CliResult => ({
  exitCode,
  stdout: "",
  stderr: `${PROGRAM}: ${message}\n`,
});

function positiveInteger(
  value: string | number | undefined,
  name: string,
  max: number,
): number | string | undefined {
  if (value === undefined) return undefined;
  value = String(value);
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    return `${name} must be an integer from 1 to ${max}, got "${value}"`;
  }
  return Number(value);
}

/**
 * Runs the checker.
 * @example
 * const result = await checkCommand(["http://127.0.0.1:3000", "--spec", "openapi.yaml", "-f", "json"]);
 * result.exitCode; // 0, 1, 2 or 3
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
  if (values.help === true) return { exitCode: EXIT.ok, stdout: CHECK_HELP, stderr: "" };
  if (values.version === true) return { exitCode: EXIT.ok, stdout: `${VERSION}\n`, stderr: "" };
  const env = io.env ?? {};
  let config: CheckerConfig = { tokens: {}, skip: [] };
  if (values.config !== undefined) {
    try {
      config = await loadConfig(values.config);
    } catch (error) {
      if (error instanceof ConfigError) return fatal(error.message, EXIT.usage);
      throw error;
    }
  }
  if (positionals.length > 1) return usage(`unexpected argument "${positionals[1]}"`);
  const raw = positionals[0] ?? config.target;
  if (raw === undefined) return usage("missing <baseUrl>");
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
  const format = values.format ?? config.format ?? "table";
  if (!(CHECK_FORMATS as readonly string[]).includes(format)) {
    return usage(`--format must be one of ${CHECK_FORMATS.join(", ")}, got "${format}"`);
  }
  const timeout = positiveInteger(values.timeout ?? config.timeout, "--timeout", 600_000);
  if (typeof timeout === "string") return usage(timeout);
  const concurrency = positiveInteger(values.concurrency ?? config.concurrency, "--concurrency", 64);
  if (typeof concurrency === "string") return usage(concurrency);
  const timeoutMs = timeout ?? 10_000;

  const tokens: Partial<Record<"token" | "expired-token" | "forbidden-token", string>> = {};
  const sources: [keyof typeof tokens, TokenSource | undefined][] = [
    ["token", config.tokens.valid],
    ["expired-token", config.tokens.expired],
    ["forbidden-token", config.tokens.forbidden],
  ];
  for (const [name, source] of sources) {
    let value = values[name];
    if (value === undefined && source !== undefined) {
      try {
        value = await tokenFrom(source, baseUrl, env, timeoutMs);
      } catch (error) {
        if (error instanceof ConfigError) return fatal(error.message, EXIT.usage);
        if (error instanceof LoginError) return fatal(error.message);
        throw error;
      }
    }
    if (value !== undefined && (value.trim() === "" || /[\r\n]/.test(value))) {
      return usage(`--${name} must be a non-empty single-line token`);
    }
    if (value !== undefined) tokens[name] = value;
  }

  let baseline: Awaited<ReturnType<typeof readBaseline>> | undefined;
  const baselineFile = values.baseline ?? config.baseline;
  if (baselineFile !== undefined) {
    try {
      baseline = await readBaseline(baselineFile);
    } catch (error) {
      if (error instanceof BaselineError) return fatal(error.message, EXIT.usage);
      throw error;
    }
  }

  let spec: Spec | undefined;
  const specSource = values.spec ?? config.spec;
  if (specSource !== undefined) {
    try {
      spec = await loadSpec(specSource, timeoutMs);
    } catch (error) {
      if (error instanceof SpecError) return fatal(error.message);
      throw error;
    }
  }

  const patterns = [...config.skip, ...(values.skip ?? [])];
  const progress = io.stderr?.isTTY === true ? io.stderr : undefined;
  let report: Report;
  try {
    report = await runChecks({
      baseUrl,
      spec,
      token: tokens.token,
      expiredToken: tokens["expired-token"],
      forbiddenToken: tokens["forbidden-token"],
      allowWrites: values["allow-writes"] === true || config.allowWrites === true,
      timeoutMs,
      concurrency: concurrency ?? 8,
      ...(patterns.length === 0
        ? {}
        : {
            skip: (check: string, operation: string) =>
              patterns.find((p) => matchesSkip(p, check, operation)),
          }),
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
  if (baseline !== undefined) report = applyBaseline(report, baseline);

  const out = values.out ?? config.out;
  const written = values["write-baseline"];
  try {
    if (written !== undefined) await writeBaseline(written, report);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fatal(`cannot write ${written}: ${typeof code === "string" ? code : String(error)}`, EXIT.usage);
  }
  const colour =
    out === undefined && io.stdoutIsTTY === true && (env.NO_COLOR === undefined || env.NO_COLOR === "");
  const text = renderReport(report, format as CheckFormat, { colour });
  const exitCode = report.summary.failed > 0 ? EXIT.failed : EXIT.ok;
  if (out === undefined) return { exitCode, stdout: text, stderr: "" };
  try {
    await writeFile(out, text);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return fatal(`cannot write ${out}: ${typeof code === "string" ? code : String(error)}`, EXIT.usage);
  }
  return { exitCode, stdout: `${summaryLine(report)} (report written to ${out})\n`, stderr: "" };
}

function parseCheckArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: true,
    options: {
      spec: { type: "string" },
      config: { type: "string" },
      token: { type: "string" },
      "expired-token": { type: "string" },
      "forbidden-token": { type: "string" },
      skip: { type: "string", multiple: true },
      baseline: { type: "string" },
      "write-baseline": { type: "string" },
      format: { type: "string", short: "f" },
      out: { type: "string", short: "o" },
      timeout: { type: "string" },
      concurrency: { type: "string" },
      "allow-writes": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "v" },
    },
  });
}
