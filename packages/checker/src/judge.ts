/**
 * Judging answers: whether one probe got what it expects, and the checks every answer gets
 * (a conforming body, `X-Request-Id`, nothing leaked, a documented status).
 */
import { getCode, parseErrorBody, REQUEST_ID_PATTERN } from "api-error-codes";
import type { Answer, ErrorExpectation, Operation, Outcome, Probe } from "./types.js";

/** The verdict on one probe. `realized` tells the runner whether a documented operation has a handler. */
export interface Verdict {
  readonly passed: boolean;
  readonly skipped?: true;
  readonly message: string;
  readonly realized?: boolean;
}

const GENERIC_MESSAGE = getCode(0)?.message ?? "Unknown server side error occurred";

/** `error_code` of a JSON body, if it has a numeric one. */
function codeOf(body: string): number | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const code = (parsed as { error_code?: unknown } | null)?.error_code;
    return typeof code === "number" ? code : undefined;
  } catch {
    return undefined;
  }
}

function detailsOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { details?: unknown } | null)?.details;
  } catch {
    return undefined;
  }
}

/** `404/10`, or `404 (text/html)` when the body carries no code. */
export function describe(answer: Answer): string {
  const code = codeOf(answer.body);
  if (code !== undefined) return `${answer.status}/${code}`;
  if (answer.status < 400) return String(answer.status);
  const type = answer.headers["content-type"];
  const what = answer.body.trim() === "" ? "empty body" : (type ?? "no Content-Type");
  return `${answer.status} (${what})`;
}

function target(probe: Probe): string {
  if (probe.request.kind === "raw") return "raw request";
  const text = `${probe.request.method} ${probe.request.target}`;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

/** A method list as a set: upper case, OPTIONS dropped, HEAD dropped when GET is there. */
export function methodSet(methods: readonly string[]): Set<string> {
  const set = new Set(methods.map((m) => m.trim().toUpperCase()).filter((m) => m !== "" && m !== "OPTIONS"));
  if (set.has("GET")) set.delete("HEAD");
  return set;
}

function allowProblem(answer: Answer, documented: readonly string[]): string | undefined {
  const header = answer.headers.allow;
  if (header === undefined) return "no Allow header";
  const got = methodSet(header.split(","));
  const want = methodSet(documented);
  const same = got.size === want.size && [...want].every((m) => got.has(m));
  return same ? undefined : `Allow is "${header}", the spec documents ${[...want].join(", ")}`;
}

/** Whether `details.violations` holds one about the body as a whole (pointer `""` or rule `media_type`). */
function aboutWholeBody(body: string): boolean {
  const violations = (detailsOf(body) as { violations?: unknown } | null | undefined)?.violations;
  if (!Array.isArray(violations)) return false;
  return violations.some((v: unknown) => {
    const { pointer, rule } = (v ?? {}) as { pointer?: unknown; rule?: unknown };
    return pointer === "" || rule === "media_type";
  });
}

function errorVerdict(probe: Probe, expect: ErrorExpectation, answer: Answer): Verdict {
  const code = codeOf(answer.body);
  const wanted = expect.statuses.map((status) => `${status}/${expect.code}`).join(" or ");
  // Authorization comes before validation: a valid credential without the operation's role gets
  // 403/9 first, and the probe's own check cannot be judged with it.
  if (probe.authenticated === true && expect.code !== 9 && answer.status === 403 && code === 9) {
    return {
      passed: true,
      skipped: true,
      message: `the --token lacks the role or scope of ${probe.operation} (403/9 before validation); give a token that has it`,
    };
  }
  if (!expect.statuses.includes(answer.status) || code !== expect.code) {
    return { passed: false, message: `expected ${wanted}, got ${describe(answer)} (${target(probe)})` };
  }
  const problems: string[] = [];
  if (expect.wholeBody === true && answer.status === 400 && !aboutWholeBody(answer.body)) {
    problems.push(
      'details.violations name no problem with the body as a whole (pointer "" or rule media_type): the 400 is not about the media type',
    );
  }
  if (expect.allow !== undefined) {
    const problem = allowProblem(answer, expect.allow);
    if (problem !== undefined) problems.push(problem);
    const allowed = (detailsOf(answer.body) as { allowed?: unknown } | null | undefined)?.allowed;
    const header = answer.headers.allow;
    if (problem === undefined && Array.isArray(allowed) && header !== undefined) {
      const inDetails = methodSet(allowed.filter((m): m is string => typeof m === "string"));
      const inHeader = methodSet(header.split(","));
      if (inDetails.size !== inHeader.size || [...inHeader].some((m) => !inDetails.has(m))) {
        problems.push("details.allowed differs from the Allow header");
      }
    }
  }
  if (expect.wwwAuthenticate !== undefined) {
    const header = answer.headers["www-authenticate"];
    if (header === undefined) problems.push("no WWW-Authenticate header");
    else if (!/^bearer\b/i.test(header)) problems.push(`WWW-Authenticate is "${header}", not Bearer`);
    else if (expect.wwwAuthenticate === "invalid_token" && !/error="?invalid_token"?/i.test(header)) {
      problems.push(`WWW-Authenticate lacks error="invalid_token"`);
    }
  }
  if (problems.length > 0) {
    return { passed: false, message: `${describe(answer)}, but ${problems.join("; ")} (${target(probe)})` };
  }
  const allow = expect.allow !== undefined ? `, Allow: ${answer.headers.allow}` : "";
  return { passed: true, message: `${describe(answer)}${allow}` };
}

/**
 * Whether a probe got the answer it expects.
 * @example
 * judge(probe, { answer: { status: 404, headers: {}, body: '{"error_code":10,...}' } }); // { passed: true, message: "404/10" }
 */
export function judge(probe: Probe, outcome: Outcome): Verdict {
  if ("error" in outcome) return { passed: false, message: `no answer: ${outcome.error} (${target(probe)})` };
  const answer = outcome.answer;
  const expect = probe.expect;
  switch (expect.kind) {
    case "error":
      return errorVerdict(probe, expect, answer);
    case "options": {
      if (answer.status < 200 || answer.status > 299) {
        return {
          passed: false,
          message: `expected 200 or 204 with Allow, got ${describe(answer)} (${target(probe)})`,
        };
      }
      const problem = allowProblem(answer, expect.allow);
      return problem === undefined
        ? { passed: true, message: `${answer.status}, Allow: ${answer.headers.allow}` }
        : { passed: false, message: `${answer.status}, but ${problem} (${target(probe)})` };
    }
    case "not-realized": {
      const code = codeOf(answer.body);
      if (answer.status === 501 && code === 2) return { passed: true, message: "501/2", realized: false };
      if (answer.status === 501 || answer.status === 404 || answer.status === 405 || answer.status >= 500) {
        return {
          passed: false,
          message: `the spec documents 501 and the route is not served: expected 501/2, got ${describe(answer)} (${target(probe)})`,
          realized: false,
        };
      }
      return {
        passed: true,
        skipped: true,
        message: `the operation is realized (answered ${describe(answer)})`,
        realized: true,
      };
    }
    case "none":
      return { passed: true, message: describe(answer) };
  }
}

/** The checks every answer gets, by id; a problem per failed check. */
export type AnswerProblems = Map<string, string | undefined>;

/**
 * The checks every answer gets: `conforms` and `no-leak` for errors, `request-id` for all,
 * `documented-status` when the probe belongs to a documented operation. `undefined` means passed.
 * @example
 * judgeAnswer(probe, answer).get("request-id"); // "no X-Request-Id header"
 */
export function judgeAnswer(probe: Probe, answer: Answer): AnswerProblems {
  const out: AnswerProblems = new Map();
  if (answer.status >= 400) {
    out.set("conforms", conformsProblem(answer));
  }
  out.set("request-id", requestIdProblem(probe, answer));
  if (answer.status >= 400) out.set("no-leak", leakProblem(answer));
  if (probe.documented !== undefined) {
    out.set(
      "documented-status",
      documents(probe.documented, answer.status)
        ? undefined
        : `status ${answer.status} is not documented for ${probe.documented.label}`,
    );
  }
  return out;
}

/** Whether the operation's `responses` name the status (exactly, as `4XX`, or by `default`). */
export function documents(op: Operation, status: number): boolean {
  const range = `${Math.floor(status / 100)}XX`;
  return op.responses.some(
    (key) => key === String(status) || key.toUpperCase() === range || key === "default",
  );
}

function conformsProblem(answer: Answer): string | undefined {
  const type = answer.headers["content-type"];
  if (type === undefined) return `${answer.status} without Content-Type`;
  const [essence, ...parameters] = type.split(";");
  if (essence?.trim().toLowerCase() !== "application/json") {
    return `${answer.status} with Content-Type ${type}, not application/json`;
  }
  for (const parameter of parameters) {
    const [name, value] = parameter.split("=");
    if (name?.trim().toLowerCase() === "charset" && !/^"?utf-?8"?$/i.test(value?.trim() ?? "")) {
      return `${answer.status} with Content-Type ${type}, not UTF-8`;
    }
  }
  const parsed = parseErrorBody(answer.body, answer.status);
  if (parsed.conforming && parsed.form === "problem")
    return `${answer.status} body is Problem Details, though the probe did not ask for application/problem+json`;
  if (parsed.conforming) return undefined;
  return `${answer.status} body: ${parsed.problems.join("; ")}`;
}

function requestIdProblem(probe: Probe, answer: Answer): string | undefined {
  const id = answer.headers["x-request-id"];
  if (id === undefined) return `${answer.status} without X-Request-Id`;
  if (!REQUEST_ID_PATTERN.test(id)) return `X-Request-Id "${id.slice(0, 40)}" is not a valid request id`;
  const sent = probe.request.kind === "http" ? probe.request.headers["x-request-id"] : undefined;
  if (sent !== undefined && id !== sent)
    return `X-Request-Id "${sent}" was sent, "${id.slice(0, 40)}" came back`;
  return undefined;
}

/** What a body must not show, and what each pattern reveals. */
const LEAKS: readonly (readonly [RegExp, string])[] = [
  [/\n\s*at [^\n]*(?::\d+:\d+\)?|\(native\)|\(<anonymous>\))/, "a stack trace"],
  [/\bat (?:async )?[\w$.<>[\] ]+ \([^()\n]*:\d+:\d+\)/, "a stack frame"],
  [/Traceback \(most recent call last\)|File "[^"]+", line \d+/, "a Python traceback"],
  [/\bgoroutine \d+ \[|panic: /, "a Go panic"],
  [/\bat [\w$.]+\([\w$]+\.(?:java|kt|scala):\d+\)|Exception in thread "/, "a JVM stack trace"],
  [
    /\/[\w.@-]+(?:\/[\w.@-]+)*\.(?:js|mjs|cjs|ts|tsx|py|rb|go|java|kt|php|cs|rs|ex|exs)\b|node_modules/,
    "a file path",
  ],
  [/\b[A-Za-z]:\\(?:[\w .-]+\\)+/, "a file path"],
  [/\bSELECT\s[^"]{0,200}?\sFROM\s|\bINSERT\s+INTO\s|\bUPDATE\s+\S+\s+SET\s|\bDELETE\s+FROM\s/, "SQL"],
  [
    /SQLITE_[A-Z]+|SQLSTATE|syntax error at or near|duplicate key value violates|violates (?:foreign key|unique) constraint|relation "[^"]+" does not exist|\bER_[A-Z_]{4,}|\bORA-\d{5}|no such table|no such column/,
    "a database message",
  ],
  [/\b(?:ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|getaddrinfo)\b/, "a network error code"],
  [
    /\b(?:TypeError|ReferenceError|NullPointerException|NoMethodError|AttributeError|KeyError|IndexError|Cannot read propert(?:y|ies) of (?:undefined|null))\b/,
    "an exception message",
  ],
  [
    /\b(?:Sequelize\w*Error|Prisma\w*Error|PrismaClient\w*|MongoServerError|MongoError|QueryFailedError|KnexTimeoutError)\b/,
    "an ORM message",
  ],
];

/** Every string inside a JSON value, one per line: escaped newlines in a JSON body become real ones. */
function strings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === "string") out.push(value);
  else if (typeof value === "object" && value !== null && depth < 16) {
    for (const member of Object.values(value)) strings(member, out, depth + 1);
  }
  return out;
}

function leakProblem(answer: Answer): string | undefined {
  let text = answer.body;
  try {
    text += `\n${strings(JSON.parse(answer.body)).join("\n")}`;
  } catch {
    // Not JSON: the raw text is all there is.
  }
  for (const [pattern, what] of LEAKS) {
    const match = pattern.exec(text);
    if (match !== null) {
      const excerpt = match[0].replace(/\s+/g, " ").trim().slice(0, 60);
      return `${answer.status} body reveals ${what}: "${excerpt}"`;
    }
  }
  try {
    const body = JSON.parse(answer.body) as { error_code?: unknown; error_message?: unknown } | null;
    if (body?.error_code === 0 && body.error_message !== GENERIC_MESSAGE) {
      return `code 0 with a message other than "${GENERIC_MESSAGE}"`;
    }
  } catch {
    // Not JSON: `conforms` reports it.
  }
  return undefined;
}
