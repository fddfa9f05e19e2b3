/**
 * Reports for code-scanning and CI annotations: SARIF 2.1.0 (GitHub code scanning, GitLab, Azure
 * DevOps read it) and GitHub Actions workflow commands (`::error ...`), one per failure.
 */

import { isAbsolute, relative, resolve } from "node:path";
import type { CheckResult, Report } from "./types.js";
import { VERSION } from "./version.js";

/**
 * The one-line summary: `63 checks: 61 passed, 1 failed, 1 skipped`; with a baseline, the
 * accepted failures are counted apart (`61 passed (2 accepted by the baseline)`).
 */
export function summaryLine(report: Report): string {
  const { passed, failed, skipped, accepted } = report.summary;
  const known = accepted === undefined ? "" : ` (${accepted} accepted by the baseline)`;
  return `${passed + failed + skipped} checks: ${passed} passed${known}, ${failed} failed, ${skipped} skipped`;
}

/** The rule of a check id: `body-type:quantity` -> `body-type`. */
const ruleOf = (check: string): string => check.split(":")[0] ?? check;

/**
 * Where a result points: the spec file when it is one on disk, relative to the working directory
 * when it lies below it (as code scanning and annotations want repository paths), else nothing.
 */
function artifactOf(report: Report): string | undefined {
  const spec = report.spec;
  if (spec === undefined || /^https?:\/\//i.test(spec)) return undefined;
  const local = relative(process.cwd(), resolve(spec));
  const shown = local.startsWith("..") || isAbsolute(local) ? spec : local;
  return shown.replace(/\\/g, "/");
}

/**
 * SARIF 2.1.0: one run, one rule per check kind, one `error` result per failure (and one `note`
 * per failure a baseline accepts, with `baselineState: "unchanged"`), located at the spec file
 * with the operation as a logical location.
 * @example
 * writeFileSync("conformance.sarif", reportSarif(report));
 */
export function reportSarif(report: Report): string {
  const failures = report.results.filter((r) => !r.passed || r.accepted === true);
  const rules = [...new Set(report.results.map((r) => ruleOf(r.check)))].sort();
  const artifact = artifactOf(report);
  const result = (r: CheckResult) => ({
    ruleId: ruleOf(r.check),
    ruleIndex: rules.indexOf(ruleOf(r.check)),
    level: r.accepted === true ? "note" : "error",
    baselineState: r.accepted === true ? "unchanged" : "new",
    message: { text: `${r.operation}: ${r.check}: ${r.message}` },
    locations: [
      {
        ...(artifact === undefined
          ? {}
          : { physicalLocation: { artifactLocation: { uri: artifact }, region: { startLine: 1 } } }),
        logicalLocations: [{ name: r.operation, kind: "function" }],
      },
    ],
    partialFingerprints: { "operationCheck/v1": `${r.operation} ${r.check}` },
  });
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "api-error-codes-checker",
            version: VERSION,
            informationUri: "https://www.npmjs.com/package/api-error-codes-checker",
            rules: rules.map((id) => ({ id, shortDescription: { text: `error contract check ${id}` } })),
          },
        },
        invocations: [{ executionSuccessful: true }],
        properties: { target: report.target, summary: report.summary },
        results: failures.map(result),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** Escaping of GitHub workflow command data and properties. */
const data = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const property = (text: string) => data(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

/**
 * GitHub Actions annotations: `::error` per failure, `::notice` per failure a baseline accepts,
 * then the summary line (printed to stdout inside a workflow step, they annotate the run).
 * @example
 * reportGithub(report); // "::error title=POST /v1/orders body-type%3Aquantity::expected 400/5, got 201 (...)\n..."
 */
export function reportGithub(report: Report): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.passed && r.accepted !== true) continue;
    const level = r.accepted === true ? "notice" : "error";
    const title = property(`${r.operation} ${r.check}`);
    const file = artifactOf(report);
    const where = file === undefined ? "" : `file=${property(file)},`;
    lines.push(`::${level} ${where}title=${title}::${data(r.message)}`);
  }
  lines.push(summaryLine(report));
  return `${lines.join("\n")}\n`;
}
