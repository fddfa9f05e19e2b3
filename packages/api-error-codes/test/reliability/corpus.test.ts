/**
 * The bad-input corpus (corpus.ts) against every adapter over a real socket: each row's status and
 * code, and for every error the contract's media type, nosniff, a request id, a conforming body and
 * no leak of internals. One test per row; every adapter of TARGETS (eight) is asked at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseErrorBody } from "../../src/index.js";
import { build, TARGETS, type Target, type TargetName } from "../adapters/builders.js";
import { type RawAnswer, rawRequest } from "../adapters/raw-socket.js";
import { LEAK } from "./arbitraries.js";
import { type CorpusCase, corpus, type Expected } from "./corpus.js";

/** Slow-client rows need short timeouts: 500 ms for the headers, 1 s for the whole request. */
const TIMEOUTS = { headersTimeout: 500, requestTimeout: 1000 };

function checkAnswer(row: CorpusCase, want: Expected, answer: RawAnswer, adapter: TargetName): void {
  const where = `${adapter}: ${row.name} -> ${answer.status} ${answer.body.slice(0, 200)}`;
  expect(answer.status, where).toBe(want.status);
  expect(answer.headers["x-request-id"], where).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(answer.body, `leak: ${where}`).not.toMatch(LEAK);
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    if (value === null) expect(answer.headers[name], `${name}: ${where}`).toBeUndefined();
    else if (value instanceof RegExp) expect(answer.headers[name], `${name}: ${where}`).toMatch(value);
    else expect(answer.headers[name], `${name}: ${where}`).toBe(value);
  }
  if (answer.status < 400) return;
  expect(answer.headers["content-type"], where).toBe("application/json; charset=utf-8");
  expect(answer.headers["x-content-type-options"], where).toBe("nosniff");
  if (answer.body === "") {
    // HEAD: the headers of the error, no body.
    expect(row.bytes.toString().startsWith("HEAD "), where).toBe(true);
    return;
  }
  const parsed = parseErrorBody(answer.body, answer.status);
  expect(parsed.conforming ? [] : parsed.problems, where).toStrictEqual([]);
  if (want.code !== undefined && parsed.conforming) expect(parsed.body.error_code, where).toBe(want.code);
}

describe("bad-input corpus on every adapter, over a real socket", () => {
  const targets = new Map<TargetName, Target>();

  beforeAll(async () => {
    for (const target of await Promise.all(
      TARGETS.map((name) => build(name, { socket: true, timeouts: TIMEOUTS })),
    )) {
      targets.set(target.name, target);
    }
    const categories = new Set(corpus.map((row) => row.category));
    const excepted = corpus.filter((row) => row.except !== undefined).length;
    console.log(
      `[corpus] ${corpus.length} cases in ${categories.size} categories x ${TARGETS.length} adapters; ` +
        `${excepted} with a documented adapter difference`,
    );
  });
  afterAll(async () => {
    await Promise.all([...targets.values()].map((t) => t.close()));
  });

  it("has at least 60 cases with unique names", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(new Set(corpus.map((row) => row.name)).size).toBe(corpus.length);
  });

  it.each(corpus.map((row) => [`${row.category}: ${row.name}`, row] as const))("%s", async (_name, row) => {
    const answers = await Promise.all(
      TARGETS.map(async (name) => {
        const target = targets.get(name) as Target;
        return [name, await rawRequest(target.port as number, row.bytes, row.timeoutMs ?? 5000)] as const;
      }),
    );
    for (const [name, answer] of answers) checkAnswer(row, row.except?.[name] ?? row.expect, answer, name);
  });
});
