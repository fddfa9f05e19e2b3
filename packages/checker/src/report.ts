/**
 * The report in each output format: a readable table, JSON, JUnit XML, SARIF and GitHub Actions
 * annotations (the last two in `report-ci.ts`).
 */
import { reportGithub, reportSarif, summaryLine } from "./report-ci.js";

export { summaryLine };

import type { CheckResult, Report } from "./types.js";

export const CHECK_FORMATS = ["table", "json", "junit", "sarif", "github"] as const;
/** An output format of the `check` command. */
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/**
 * `{"summary": {...}, "results": [...]}`: every result with `check`, `operation`, `passed` and
 * `message` (and `skipped: true` on checks that could not run).
 * @example
 * JSON.parse(reportJson(report)).summary; // { passed: 60, failed: 1, skipped: 2 }
 */
export function reportJson(report: Report): string {
  const results = report.results.map((r) => ({
    check: r.check,
    operation: r.operation,
    passed: r.passed,
    message: r.message,
    ...(r.skipped === true ? { skipped: true } : {}),
    ...(r.accepted === true ? { accepted: true } : {}),
  }));
  const fixed = report.fixed === undefined ? {} : { fixed: report.fixed };
  return `${JSON.stringify({ summary: report.summary, results, ...fixed }, null, 2)}\n`;
}

const COLOURS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

function paint(text: string, colour: keyof typeof COLOURS, enabled: boolean): string {
  return enabled ? `\u001b[${COLOURS[colour]}m${text}\u001b[0m` : text;
}

const mark = (r: CheckResult): "PASS" | "FAIL" | "SKIP" | "KNOWN" =>
  r.skipped === true ? "SKIP" : r.accepted === true ? "KNOWN" : r.passed ? "PASS" : "FAIL";

/**
 * Aligned columns, one result a line, then the summary. `colour` adds ANSI colours (for a TTY).
 * @example
 * process.stdout.write(reportTable(report, { colour: process.stdout.isTTY }));
 */
export function reportTable(report: Report, options: { colour?: boolean } = {}): string {
  const colour = options.colour ?? false;
  const header = { result: "result", check: "check", operation: "operation", message: "message" };
  const checkWidth = Math.max(header.check.length, ...report.results.map((r) => r.check.length));
  const operationWidth = Math.max(header.operation.length, ...report.results.map((r) => r.operation.length));
  const line = (result: string, check: string, operation: string, message: string) =>
    `${result}  ${check.padEnd(checkWidth)}  ${operation.padEnd(operationWidth)}  ${message}`.trimEnd();
  const spec = report.spec === undefined ? "no spec" : `spec: ${report.spec}`;
  const out = [
    paint(`api-error-codes-check ${report.target} (${spec})`, "bold", colour),
    "",
    paint(line(header.result, header.check, header.operation, header.message), "dim", colour),
  ];
  for (const r of report.results) {
    const m = mark(r);
    const painted = paint(m, m === "PASS" ? "green" : m === "FAIL" ? "red" : "yellow", colour);
    // Pad outside the colour codes so that the columns stay aligned.
    out.push(line(`${painted}${" ".repeat(6 - m.length)}`, r.check, r.operation, r.message));
  }
  const failed = report.summary.failed > 0;
  out.push("", paint(summaryLine(report), failed ? "red" : "green", colour), "");
  return out.join("\n");
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what XML 1.0 forbids
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

function xml(text: string): string {
  return text
    .replace(XML_INVALID, "\ufffd")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

/**
 * JUnit XML: one `testsuite` per operation, one `testcase` per check, with `failure` and
 * `skipped` elements as CI systems expect.
 * @example
 * writeFileSync("conformance.xml", reportJunit(report));
 */
export function reportJunit(report: Report): string {
  const suites = new Map<string, CheckResult[]>();
  for (const r of report.results) {
    const list = suites.get(r.operation) ?? [];
    list.push(r);
    suites.set(r.operation, list);
  }
  const { passed, failed, skipped } = report.summary;
  const accepted = report.summary.accepted ?? 0;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="api-error-codes-check" tests="${passed + failed + skipped}" failures="${failed}" errors="0" skipped="${skipped + accepted}">`,
  ];
  for (const [operation, results] of suites) {
    const f = results.filter((r) => !r.passed).length;
    // A failure the baseline accepts is reported as skipped, with the reason.
    const s = results.filter((r) => r.skipped === true || r.accepted === true).length;
    out.push(
      `  <testsuite name="${xml(operation)}" tests="${results.length}" failures="${f}" errors="0" skipped="${s}">`,
    );
    for (const r of results) {
      const open = `    <testcase classname="${xml(operation)}" name="${xml(r.check)}"`;
      if (r.skipped === true || r.accepted === true) {
        const message = r.accepted === true ? `accepted by the baseline: ${r.message}` : r.message;
        out.push(`${open}>`, `      <skipped message="${xml(message)}"/>`, "    </testcase>");
      } else if (!r.passed) {
        out.push(
          `${open}>`,
          `      <failure message="${xml(r.message)}" type="${xml(r.check)}">${xml(r.message)}</failure>`,
          "    </testcase>",
        );
      } else out.push(`${open}/>`);
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

/** The report in a format. */
export function renderReport(
  report: Report,
  format: CheckFormat,
  options: { colour?: boolean } = {},
): string {
  if (format === "json") return reportJson(report);
  if (format === "junit") return reportJunit(report);
  if (format === "sarif") return reportSarif(report);
  if (format === "github") return reportGithub(report);
  return reportTable(report, options);
}
