/**
 * A whole run: plan, probe (bounded concurrency, reachability first, documented-but-unrealized
 * operations before the probes that depend on them), judge, and gather the report.
 */

import { Transport } from "./http.js";
import { type AnswerProblems, judge, judgeAnswer, type Verdict } from "./judge.js";
import { type PlanOptions, planBase, planSpec } from "./probes.js";
import type { CheckResult, Outcome, PlanItem, Probe, Report, Spec } from "./types.js";

/** The target did not answer the first probe; the run stops with exit code 2. */
export class UnreachableError extends Error {
  override readonly name = "UnreachableError";
}

export interface RunOptions {
  readonly baseUrl: URL;
  readonly spec?: Spec | undefined;
  readonly token?: string | undefined;
  readonly expiredToken?: string | undefined;
  readonly forbiddenToken?: string | undefined;
  readonly allowWrites?: boolean;
  /** Per request, in ms. Default 10 000. */
  readonly timeoutMs?: number;
  /** Requests in flight at once. Default 8. */
  readonly concurrency?: number;
  /** The skip pattern (from the config) that matches a check of an operation, if one does. */
  readonly skip?: (check: string, operation: string) => string | undefined;
  /** Called after each answer: requests done and in all. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** The checks every answer gets, in report order. */
export const ANSWER_CHECKS = ["conforms", "request-id", "no-leak", "documented-status"] as const;

/** Runs `task` over `items` with at most `limit` in flight; results in input order. */
export async function pool<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** The plan for these options, without sending anything. */
export function plan(options: RunOptions): PlanItem[] {
  const planOptions: PlanOptions = {
    basePath: options.baseUrl.pathname.replace(/\/+$/, ""),
    host: options.baseUrl.host,
    raw: options.baseUrl.protocol === "http:",
    token: options.token,
    expiredToken: options.expiredToken,
    forbiddenToken: options.forbiddenToken,
    allowWrites: options.allowWrites ?? false,
  };
  const items = [
    ...planBase(planOptions),
    ...(options.spec === undefined ? [] : planSpec(options.spec, planOptions)),
  ];
  const skip = options.skip;
  if (skip === undefined) return items;
  return items.map((item) => {
    const pattern = item.check === "" ? undefined : skip(item.check, item.operation);
    if (pattern === undefined || "skip" in item) return item;
    return skipped(item, pattern);
  });
}

const skipped = (item: Probe, pattern: string): PlanItem => ({
  skip: true,
  check: item.check,
  operation: item.operation,
  group: item.group,
  message: `skipped by the config (skip: "${pattern}")`,
});

interface Aggregate {
  count: number;
  failures: string[];
}

/**
 * Probes the API and judges every answer.
 * @example
 * const report = await runChecks({ baseUrl: new URL("http://127.0.0.1:3000"), spec, token: "t" });
 * report.summary; // { passed: 61, failed: 0, skipped: 2 }
 */
export async function runChecks(options: RunOptions): Promise<Report> {
  const items = plan(options);
  const probes = items.filter((item): item is Probe => !("skip" in item));
  const transport = new Transport(options.baseUrl, {
    timeoutMs: options.timeoutMs ?? 10_000,
    concurrency: options.concurrency ?? 8,
  });
  const outcomes = new Map<Probe, Outcome>();
  let done = 0;
  let total = probes.length;
  const send = async (probe: Probe) => {
    const outcome = await transport.send(probe.request);
    outcomes.set(probe, outcome);
    options.onProgress?.(++done, total);
    return outcome;
  };
  try {
    const first = probes[0];
    if (first !== undefined) {
      const outcome = await send(first);
      if ("error" in outcome)
        throw new UnreachableError(`cannot reach ${options.baseUrl.href}: ${outcome.error}`);
    }
    const concurrency = options.concurrency ?? 8;
    // Phase 1: which documented operations answer 501 decides whether their other probes make sense.
    const discovery = probes.filter((p) => p.check === "not-realized");
    await pool(discovery, concurrency, send);
    const verdicts = new Map<Probe, Verdict>();
    const unrealized = new Map<string, string>();
    for (const probe of discovery) {
      const verdict = judge(probe, outcomes.get(probe) as Outcome);
      verdicts.set(probe, verdict);
      if (verdict.realized === false) {
        unrealized.set(
          probe.operation,
          verdict.passed
            ? "the operation is not realized (501)"
            : "the operation is not served (see not-realized)",
        );
      }
    }
    const rest = probes.filter(
      (p) => p !== first && p.check !== "not-realized" && !unrealized.has(p.needsRealized ?? ""),
    );
    total = done + rest.length;
    await pool(rest, concurrency, send);
    return buildReport(options, items, outcomes, verdicts, unrealized);
  } finally {
    transport.close();
  }
}

function buildReport(
  options: RunOptions,
  items: readonly PlanItem[],
  outcomes: ReadonlyMap<Probe, Outcome>,
  verdicts: Map<Probe, Verdict>,
  unrealized: ReadonlyMap<string, string>,
): Report {
  const groups: string[] = [];
  const specific = new Map<string, CheckResult[]>();
  const generic = new Map<string, Map<string, Aggregate>>();
  const groupOf = (name: string) => {
    if (!specific.has(name)) {
      groups.push(name);
      specific.set(name, []);
      generic.set(name, new Map());
    }
    return {
      results: specific.get(name) as CheckResult[],
      answers: generic.get(name) as Map<string, Aggregate>,
    };
  };
  for (const item of items) {
    const { results, answers } = groupOf(item.group);
    if ("skip" in item) {
      results.push({
        check: item.check,
        operation: item.operation,
        passed: true,
        skipped: true,
        message: item.message,
      });
      continue;
    }
    const outcome = outcomes.get(item);
    if (outcome === undefined) {
      const reason = unrealized.get(item.needsRealized ?? "") ?? "not sent";
      if (item.check !== "") {
        results.push({
          check: item.check,
          operation: item.operation,
          passed: true,
          skipped: true,
          message: reason,
        });
      }
      continue;
    }
    const verdict = verdicts.get(item) ?? judge(item, outcome);
    if (item.check !== "") results.push(toResult(item, verdict));
    else if ("error" in outcome) results.push(toResult({ ...item, check: "valid-request" }, verdict));
    addAnswer(
      answers,
      "answer" in outcome ? judgeAnswer(item, outcome.answer) : unanswered(item, outcome.error),
      item,
    );
  }
  const results: CheckResult[] = [];
  for (const name of groups) {
    results.push(...(specific.get(name) ?? []));
    const answers = generic.get(name) ?? new Map<string, Aggregate>();
    for (const check of ANSWER_CHECKS) {
      const aggregate = answers.get(check);
      if (aggregate === undefined) continue;
      const plural = aggregate.count === 1 ? "answer" : "answers";
      const failed = aggregate.failures.length;
      results.push({
        check,
        operation: name,
        passed: failed === 0,
        message:
          failed === 0
            ? `${aggregate.count} ${plural}`
            : `${aggregate.failures[0]}${failed > 1 ? ` (+${failed - 1} more of ${aggregate.count} ${plural})` : ""}`,
      });
    }
  }
  if (options.skip !== undefined) {
    const skip = options.skip;
    for (const [i, result] of results.entries()) {
      const pattern = result.skipped === true ? undefined : skip(result.check, result.operation);
      if (pattern !== undefined) {
        const message = `skipped by the config (skip: "${pattern}")`;
        results[i] = {
          check: result.check,
          operation: result.operation,
          passed: true,
          skipped: true,
          message,
        };
      }
    }
  }
  const summary = { passed: 0, failed: 0, skipped: 0 };
  for (const result of results) {
    if (result.skipped === true) summary.skipped++;
    else if (result.passed) summary.passed++;
    else summary.failed++;
  }
  return { target: options.baseUrl.href, spec: options.spec?.source, summary, results };
}

function toResult(probe: Probe, verdict: Verdict): CheckResult {
  const base = {
    check: probe.check,
    operation: probe.operation,
    passed: verdict.passed,
    message: verdict.message,
  };
  return verdict.skipped === true ? { ...base, skipped: true } : base;
}

/**
 * The checks an answer would have had, each failed: a probe without an answer must not make them
 * disappear from the totals.
 */
function unanswered(probe: Probe, error: string): AnswerProblems {
  const problem = `no answer to judge: ${error}`;
  const out: AnswerProblems = new Map();
  const checks = ANSWER_CHECKS.filter(
    (check) =>
      (check !== "documented-status" || probe.documented !== undefined) &&
      ((check !== "conforms" && check !== "no-leak") || probe.expect.kind === "error"),
  );
  for (const check of checks) out.set(check, problem);
  return out;
}

function addAnswer(answers: Map<string, Aggregate>, problems: AnswerProblems, probe: Probe): void {
  const where =
    probe.request.kind === "http" ? `${probe.request.method} ${probe.request.target}` : "raw request";
  for (const [check, problem] of problems) {
    let aggregate = answers.get(check);
    if (aggregate === undefined) {
      aggregate = { count: 0, failures: [] };
      answers.set(check, aggregate);
    }
    aggregate.count++;
    const shown = where.length > 160 ? `${where.slice(0, 157)}...` : where;
    if (problem !== undefined) aggregate.failures.push(`${problem} (${shown})`);
  }
}
