/**
 * What the reliability and security tests of the reference API share: the contract check of one
 * answer (with the same leak patterns as the library's properties), a raw-socket client for bytes
 * no HTTP client sends, logins, and an instance started on a fresh SQLite file or PostgreSQL.
 */
import type { Server } from "node:http";
import { Writable } from "node:stream";
import { parseErrorBody } from "api-error-codes";
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { http, rawRequest } from "../../../../packages/api-error-codes/test/adapters/raw-socket.js";
import { LEAK } from "../../../../packages/api-error-codes/test/reliability/arbitraries.js";
import { buildApp, createDeps, createLogger } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type DemoRatesServer, startDemoRatesServer } from "../../src/rates/demo-server.js";
import { type Backend, backends } from "../support/backends.js";
import { ManualClock } from "../support/clock.js";
import { type RequestOptions, send } from "../support/http.js";
import { startApi, TEST_ENV, type TestApi } from "../support/server.js";

export { http, LEAK };

export const MEMBER = { email: "member@example.com", password: "member-password" };
export const ADMIN = { email: "admin@example.com", password: "admin-password" };

/** An answer as every check here sees it. */
export interface Seen {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  text: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The problems of one answer under the contract (an empty list when it keeps it): request id; for
 * errors JSON, nosniff, a conforming body (codes of the app's registry included), WWW-Authenticate
 * on 401, Allow on 405, Retry-After on 429 and 503; and no leak of internals anywhere.
 */
export function problems(answer: Seen, options: { head?: boolean } = {}): string[] {
  const out: string[] = [];
  const h = answer.headers;
  if (!REQUEST_ID.test(h["x-request-id"] ?? "")) out.push(`x-request-id ${h["x-request-id"]}`);
  if (LEAK.test(answer.text)) out.push(`leak: ${answer.text.slice(0, 200)}`);
  if (answer.status < 400) return out;
  if (h["content-type"] !== "application/json; charset=utf-8") out.push(`content-type ${h["content-type"]}`);
  if (h["x-content-type-options"] !== "nosniff") out.push("no nosniff");
  if (answer.status === 401 && !/^Bearer\b/.test(h["www-authenticate"] ?? ""))
    out.push("401 without WWW-Authenticate");
  if (answer.status === 405 && !h.allow) out.push("405 without Allow");
  if ((answer.status === 429 || answer.status === 503) && !/^\d+$/.test(h["retry-after"] ?? ""))
    out.push(`${answer.status} without Retry-After`);
  if (options.head === true) {
    if (answer.text !== "") out.push("HEAD with a body");
    return out;
  }
  const parsed = parseErrorBody(answer.text, answer.status);
  if (!parsed.conforming) out.push(...parsed.problems.map((p) => `body: ${p}`));
  return out;
}

export function codeOf(answer: Seen): number | undefined {
  try {
    return (JSON.parse(answer.text) as { error_code?: number }).error_code;
  } catch {
    return undefined;
  }
}

/** Asserts the contract on one answer, and its status and code when given. */
export function expectConforming(answer: Seen, status?: number, code?: number): void {
  const where = `${answer.status} ${answer.text.slice(0, 300)}`;
  expect(problems(answer), where).toStrictEqual([]);
  if (status !== undefined) expect(answer.status, where).toBe(status);
  if (code !== undefined) expect(codeOf(answer), where).toBe(code);
}

/** A fetch answer as {@link Seen}. */
export async function seen(response: Response): Promise<Seen> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return { status: response.status, headers, text: await response.text() };
}

export async function request(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Seen> {
  return seen(await send(base, method, path, options));
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export async function login(
  base: string,
  who: { email: string; password: string } = MEMBER,
): Promise<Tokens> {
  const answer = await request(base, "POST", "/v1/auth/token", { body: who });
  expect(answer.status, answer.text).toBe(201);
  return JSON.parse(answer.text) as Tokens;
}

/** Raw bytes to the server; resolves with the first complete answer (interim 1xx skipped). */
export async function raw(
  port: number,
  bytes: string | Buffer | readonly (string | number)[],
  timeoutMs = 5000,
  head = false,
): Promise<Seen> {
  const answer = await rawRequest(port, bytes, timeoutMs, head);
  return { status: answer.status, headers: answer.headers, text: answer.body };
}

export function portOf(api: TestApi): number {
  return Number(new URL(api.base).port);
}

export interface Instance {
  api: TestApi;
  rates: DemoRatesServer;
  backend: Backend;
  databaseUrl: string;
  close(): Promise<void>;
}

/** The API on a fresh database of `backend`, with the demo rates service as its upstream. */
export async function startInstance(backend: Backend, env: Record<string, string> = {}): Promise<Instance> {
  const rates = await startDemoRatesServer();
  const database = await backend.create();
  const api = await startApi({ databaseUrl: database.url, ratesUrl: rates.url, env });
  return {
    api,
    rates,
    backend,
    databaseUrl: database.url,
    close: async () => {
      await api.close();
      await rates.close();
      await database.remove();
    },
  };
}

export const sqlite = backends.find((b) => b.name === "sqlite") as Backend;
export const postgres = backends.find((b) => b.name === "postgres") as Backend;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * {@link startApi} with a hook between building the app and listening: the tests that need node's
 * server set up differently (short timeouts for slow clients) change it there, as a deployment would.
 */
export async function startBuilt(options: {
  databaseUrl: string;
  ratesUrl: string;
  env?: Record<string, string>;
  beforeListen?: (app: FastifyInstance) => void;
}): Promise<TestApi> {
  const config = loadConfig({ ...TEST_ENV, ...options.env, DATABASE_URL: options.databaseUrl });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const clock = new ManualClock();
  const deps = createDeps(config, { logger: createLogger(config, sink), clock, ratesUrl: options.ratesUrl });
  if (!(await deps.database.start())) throw new Error(`database not available: ${logs.slice(-3).join("\n")}`);
  const app = await buildApp(deps);
  options.beforeListen?.(app);
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    app,
    deps,
    clock,
    logs,
    close: async () => {
      await app.close();
      await deps.close();
    },
  };
}

/** Node checks request timeouts every 30 s unless told otherwise: too late for a test of 408s. */
export function checkTimeoutsOften(server: Server, everyMs = 200): void {
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = everyMs;
}
