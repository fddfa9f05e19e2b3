/**
 * A baseline: the failures a project has accepted for now (`--baseline file`). A run then fails
 * only on failures that are not in it; the ones it lists are reported as accepted, and entries
 * that pass again are named so the file can shrink. `--write-baseline file` records a run's
 * failures.
 */
import { readFile, writeFile } from "node:fs/promises";
import type { CheckResult, Report } from "./types.js";

/** The baseline cannot be read: the run stops with exit code 2. */
export class BaselineError extends Error {
  override readonly name = "BaselineError";
}

/** One accepted failure. */
export interface BaselineEntry {
  readonly operation: string;
  readonly check: string;
}

const key = (entry: BaselineEntry) => `${entry.operation}\u0000${entry.check}`;

/** Reads a baseline file: `{ "version": 1, "accepted": [{ "operation", "check" }] }`. */
export async function readBaseline(file: string): Promise<BaselineEntry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new BaselineError(
      `cannot read the baseline ${file}: ${typeof code === "string" ? code : (error as Error).message}`,
    );
  }
  const accepted = (parsed as { accepted?: unknown } | null)?.accepted;
  if (!Array.isArray(accepted)) throw new BaselineError(`the baseline ${file} has no "accepted" list`);
  return accepted.map((entry: unknown, i) => {
    const { operation, check } = (entry ?? {}) as { operation?: unknown; check?: unknown };
    if (typeof operation !== "string" || typeof check !== "string") {
      throw new BaselineError(`entry ${i} of the baseline ${file} needs "operation" and "check" strings`);
    }
    return { operation, check };
  });
}

/** Writes the failures of a report as a baseline. */
export async function writeBaseline(file: string, report: Report): Promise<void> {
  const accepted = report.results
    .filter((r) => !r.passed || r.accepted === true)
    .map((r) => ({ operation: r.operation, check: r.check }));
  await writeFile(file, `${JSON.stringify({ version: 1, accepted }, null, 2)}\n`);
}

/**
 * The report with the baseline's failures marked accepted (they no longer count as failed) and
 * the entries that no longer fail listed in `fixed`.
 */
export function applyBaseline(report: Report, baseline: readonly BaselineEntry[]): Report {
  const known = new Set(baseline.map(key));
  const failing = new Set<string>();
  const results: CheckResult[] = report.results.map((r) => {
    if (r.passed || !known.has(key(r))) return r;
    failing.add(key(r));
    return { ...r, passed: true, accepted: true };
  });
  const fixed = baseline.filter((entry) => !failing.has(key(entry)));
  const accepted = results.filter((r) => r.accepted === true).length;
  return {
    ...report,
    results,
    summary: { ...report.summary, failed: report.summary.failed - accepted, accepted },
    fixed,
  };
}
