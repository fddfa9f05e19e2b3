/**
 * Properties over every adapter (the eight the corpus runs on) running the shared application of
 * test/adapters/app.ts: any method, path, query, headers and body get 2xx/3xx or a conforming error,
 * never a 5xx (no fault is injected: /boom, /upstream and /db are never generated), never a leak of
 * internals, and the same answer (status, code, body, Allow, WWW-Authenticate) on every adapter.
 *
 * Transports: node, Express, Koa, NestJS (both platforms) and fetch (@hono/node-server's Request
 * bridge) over one keep-alive connection pool each, Fastify through `inject`, Hono through
 * `app.request`. The generators keep to requests a `Request` carries unchanged (arbitraries.ts), so
 * fetch must give the same answer as every other adapter. CI runs PROPERTY_RUNS (default 2000)
 * cases with a fixed seed, printed so a failure can be replayed:
 * `PROPERTY_SEED=<seed> npx vitest run <this file>`.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseErrorBody } from "../../src/index.js";
import {
  buildExpress,
  buildFastify,
  buildFetch,
  buildHono,
  buildKoa,
  buildNest,
  buildNode,
  type Target,
} from "../adapters/builders.js";
import type { Answer } from "../adapters/harness.js";
import type { Scenario } from "../adapters/scenarios.js";
import {
  authorization,
  bodyBytes,
  contentType,
  type GeneratedRequest,
  headerValue,
  LEAK,
  method,
  nearJson,
  path,
  propertySettings,
  query,
  requestIdHeader,
} from "./arbitraries.js";

/** The shared app's routes, minus the three that inject faults (/boom, /upstream, /db). */
const TEMPLATES = [
  "/items",
  "/items/{}",
  "/items/{}/refund",
  "/me",
  "/notes",
  "/tenant",
  "/reports",
  "/orders",
  "/orders/{}",
  "/coupons",
  "/",
];
const QUERY_KEYS = ["limit", "offset", "status", "access_token", "x"];
const TOKENS = ["member-token", "admin-token", "expired-token"];
const FAULTS = /^\/(?:boom|upstream|db)(?:[/?]|$)/;

const item = fc.record(
  {
    name: fc.string({ minLength: 1, maxLength: 20 }),
    quantity: fc.integer({ min: 1, max: 1000 }),
    tags: fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
    email: fc.emailAddress(),
  },
  { requiredKeys: ["name", "quantity"] },
);
const note = fc.record({ title: fc.string({ minLength: 3, maxLength: 10 }), count: fc.integer() });
// The Standard Schema routes (valibot body, async valibot check).
const order = fc.record(
  {
    item: fc.string({ maxLength: 25 }),
    quantity: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.double({ noNaN: true })),
    size: fc.constantFrom("small", "large", "medium"),
  },
  { requiredKeys: ["item", "quantity"] },
);
const coupon = fc.record({ code: fc.oneof(fc.constantFrom("USED", "SPRING", "ab"), fc.string()) });

const optionalHeader = (name: string, value: fc.Arbitrary<string | string[] | undefined>) =>
  value.map((v): Record<string, string | string[]> => (v === undefined ? {} : { [name]: v }));

/** The shared app's routes (fault routes aside) with the body each one reads. */
const ROUTES: { method: string; template: string; body?: fc.Arbitrary<Record<string, unknown>> }[] = [
  { method: "GET", template: "/items" },
  { method: "POST", template: "/items", body: item },
  { method: "GET", template: "/items/{}" },
  { method: "DELETE", template: "/items/{}" },
  { method: "PUT", template: "/items/{}" },
  { method: "POST", template: "/items/{}/refund" },
  { method: "GET", template: "/me" },
  { method: "POST", template: "/notes", body: note },
  { method: "GET", template: "/tenant" },
  { method: "GET", template: "/reports" },
  { method: "POST", template: "/orders", body: order },
  { method: "GET", template: "/orders/{}" },
  { method: "POST", template: "/coupons", body: coupon },
];

/** Mostly well-formed requests to real routes, each with one or two things wrong now and then. */
interface Parts {
  method: string;
  path: string;
  auth: Record<string, string | string[]>;
  type: Record<string, string | string[]>;
  id: Record<string, string | string[]>;
  tenant: Record<string, string | string[]>;
  accept: Record<string, string | string[]>;
  body: string | Buffer | undefined;
}

const targeted: fc.Arbitrary<Parts> = fc.constantFrom(...ROUTES).chain((route) =>
  fc.record({
    method: fc.oneof(
      { weight: 8, arbitrary: fc.constant(route.method) },
      { weight: 1, arbitrary: fc.constant(route.method.toLowerCase()) },
      { weight: 1, arbitrary: method() },
    ),
    path: fc
      .tuple(
        fc.oneof(
          { weight: 4, arbitrary: fc.constantFrom("1", "2", "7", "1000") },
          { weight: 1, arbitrary: path(["/{}"]).map((p) => p.slice(1)) },
        ),
        query(QUERY_KEYS),
      )
      // A replacer function: in a replacement string, a generated "$&" would put the raw "{}" back.
      .map(([id, q]) => route.template.replace("{}", () => id) + q),
    auth: optionalHeader(
      "authorization",
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom("Bearer member-token", "Bearer admin-token") },
        { weight: 1, arbitrary: authorization(TOKENS) },
      ),
    ),
    type: optionalHeader(
      "content-type",
      fc.oneof(
        { weight: 5, arbitrary: fc.constant("application/json") },
        { weight: 1, arbitrary: contentType() },
      ),
    ),
    id: optionalHeader("x-request-id", requestIdHeader()),
    tenant: optionalHeader(
      "x-tenant",
      fc.option(fc.oneof(fc.integer({ min: -2, max: 99 }).map(String), headerValue(8)), { nil: undefined }),
    ),
    accept: fc.constant({}),
    body:
      route.body === undefined
        ? fc.option(bodyBytes(nearJson(item)), { nil: undefined, freq: 4 })
        : fc.oneof(
            { weight: 4, arbitrary: route.body.map((b) => JSON.stringify(b)) },
            { weight: 4, arbitrary: bodyBytes(nearJson(route.body)) },
            { weight: 1, arbitrary: fc.constant(undefined) },
          ),
  }),
);

/** Anything: any method on any path, with any headers and body. */
const chaos: fc.Arbitrary<Parts> = fc.record({
  method: method(),
  path: fc.tuple(path(TEMPLATES), query(QUERY_KEYS)).map(([p, q]) => p + q),
  auth: optionalHeader("authorization", authorization(TOKENS)),
  type: optionalHeader("content-type", contentType()),
  id: optionalHeader("x-request-id", requestIdHeader()),
  tenant: optionalHeader(
    "x-tenant",
    fc.option(fc.oneof(fc.integer({ min: -2, max: 99 }).map(String), headerValue(8)), { nil: undefined }),
  ),
  accept: optionalHeader(
    "accept",
    fc.constantFrom(undefined, "text/html", "application/xml", "*/*", "application/json"),
  ),
  body: fc.option(bodyBytes(nearJson(fc.oneof(item, note))), { nil: undefined, freq: 3 }),
});

const request: fc.Arbitrary<GeneratedRequest> = fc
  .oneof({ weight: 3, arbitrary: targeted }, { weight: 2, arbitrary: chaos })
  .map(({ method, path, auth, type, id, tenant, accept, body }): GeneratedRequest => {
    // Fetch refuses a body on GET and HEAD; the raw-socket corpus covers that case.
    const bodyless = ["GET", "HEAD"].includes(method.toUpperCase());
    return {
      method,
      path,
      headers: { ...auth, ...(body === undefined || bodyless ? {} : type), ...id, ...tenant, ...accept },
      ...(body === undefined || bodyless ? {} : { body }),
    };
  })
  // A planted leak pattern would come back in an echo (the 404's path): the oracle could not tell.
  .filter((r) => !FAULTS.test(r.path) && !LEAK.test(JSON.stringify(r)));

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** What one answer must satisfy on its own. */
function checkAnswer(req: GeneratedRequest, answer: Answer): void {
  const where = `${req.method} ${req.path} -> ${answer.status} ${answer.text.slice(0, 200)}`;
  expect(answer.status, where).toBeGreaterThanOrEqual(200);
  // 501 / 2 is the contract's answer for a documented operation without a handler, not a fault.
  const head = req.method.toUpperCase() === "HEAD";
  const realized = !(answer.status === 501 && (head || /"error_code":2\b/.test(answer.text)));
  if (realized) expect(answer.status, `no 5xx without an injected fault: ${where}`).toBeLessThan(500);
  const sentId = req.headers["x-request-id"];
  if (typeof sentId === "string" && REQUEST_ID.test(sentId))
    expect(answer.headers["x-request-id"]).toBe(sentId);
  else expect(answer.headers["x-request-id"], where).toMatch(/^[0-9a-f-]{36}$/);
  expect(answer.text, `leak: ${where}`).not.toMatch(LEAK);
  if (answer.status < 400) return;
  expect(answer.headers["content-type"], where).toBe("application/json; charset=utf-8");
  expect(answer.headers["x-content-type-options"], where).toBe("nosniff");
  if (answer.status === 401) expect(answer.headers["www-authenticate"], where).toMatch(/^Bearer\b/);
  if (answer.status === 405) expect(answer.headers.allow, where).toBeTruthy();
  if (head) {
    expect(answer.text, where).toBe("");
    return;
  }
  const parsed = parseErrorBody(answer.text, answer.status);
  expect(parsed.conforming ? [] : parsed.problems, where).toStrictEqual([]);
  if (parsed.conforming) expect(parsed.body.error_code, where).not.toBe(0);
}

function parsedBody(answer: Answer): unknown {
  try {
    return answer.text === "" ? "" : JSON.parse(answer.text);
  } catch {
    return answer.text;
  }
}

/**
 * What must be identical across adapters: the status, the error code (the whole body of a success),
 * and the headers the contract gives meaning to. `details` and the message are compared separately.
 */
function signature(answer: Answer): unknown {
  const body = parsedBody(answer);
  const h = answer.headers;
  return {
    status: answer.status,
    body: answer.status >= 400 ? (body as { error_code?: unknown }).error_code : body,
    allow: h.allow,
    "www-authenticate": h["www-authenticate"],
    "retry-after": h["retry-after"],
    location: h.location,
  };
}

const toScenario = (req: GeneratedRequest): Scenario => ({
  name: "property",
  method: req.method,
  path: req.path,
  headers: req.headers,
  ...(req.body === undefined ? {} : { body: req.body }),
  expect: { status: 0 },
});

describe("properties: every adapter keeps the contract on arbitrary requests", () => {
  let targets: Target[] = [];
  const settings = propertySettings(2000);
  const seen = new Map<string, number>();
  const details = new Map<string, number>();

  beforeAll(async () => {
    targets = await Promise.all([
      buildNode({ keepAlive: true }),
      buildExpress({ keepAlive: true }),
      buildFastify(),
      buildHono(),
      buildKoa({ keepAlive: true }),
      buildNest({ keepAlive: true }),
      buildNest({ keepAlive: true }, "fastify"),
      buildFetch({ keepAlive: true }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(targets.map((t) => t.close()));
    const spread = [...seen.entries()].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `[properties] answers by status/code over the run: ${spread.map(([k, n]) => `${k}=${n}`).join(" ")}`,
    );
    for (const [what, n] of details) console.log(`[properties] details differ (${n}): ${what}`);
  });

  it(`2xx or a conforming error, no 5xx, no leak, the same answer everywhere (${settings.numRuns} runs)`, async () => {
    console.log(
      `[properties] seed=${settings.seed} runs=${settings.numRuns} (PROPERTY_SEED / PROPERTY_RUNS)`,
    );
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const scenario = toScenario(req);
        const answers = await Promise.all(targets.map((t) => t.send(scenario)));
        for (const answer of answers) checkAnswer(req, answer);
        const [reference, ...others] = answers.map(signature);
        for (const [i, other] of others.entries()) {
          const target = targets[i + 1] as Target;
          const versus = `${target.name} vs ${targets[0]?.name} for ${req.method} ${req.path}`;
          expect(other, `${versus}:\n${JSON.stringify(other)}\n${JSON.stringify(reference)}`).toStrictEqual(
            reference,
          );
        }
        const bodies = answers.map((a) => JSON.stringify(parsedBody(a)));
        for (const [i, body] of bodies.entries()) {
          if (body === bodies[0]) continue;
          const key = `${targets[i]?.name}: ${body.slice(0, 160)} vs ${bodies[0]?.slice(0, 160)} (${req.method} ${req.path})`;
          details.set(key, (details.get(key) ?? 0) + 1);
        }
        const first = answers[0] as Answer;
        const code = first.status >= 400 && first.text !== "" ? `/${JSON.parse(first.text).error_code}` : "";
        const key = `${first.status}${code}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }),
      settings,
    );
  }, 300_000);
});
