/**
 * What the reliability and security tests of the reference API share: the contract check of one
 * answer (with the same leak patterns as the library's properties), a raw-socket client for bytes
 * no HTTP client sends, logins, and an instance started on a fresh SQLite file or PostgreSQL.
 */
import type { Server } from "node:http";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { parseErrorBody } from "api-error-codes";
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { LEAK } from "../../../../packages/api-error-codes/test/reliability/arbitraries.js";
import { buildApp, createDeps, createLogger } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type DemoRatesServer, startDemoRatesServer } from "../../src/rates/demo-server.js";
import { type Backend, backends } from "../support/backends.js";
import { ManualClock } from "../support/clock.js";
import { startApi, TEST_ENV, type TestApi } from "../support/server.js";

export { LEAK };

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
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Seen> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return seen(await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) }));
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
export function raw(
  port: number,
  bytes: string | Buffer | readonly (string | number)[],
  timeoutMs = 5000,
  head = false,
): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const final = () => {
      let all = Buffer.concat(chunks);
      while (/^HTTP\/1\.[01] 1\d\d /.test(all.subarray(0, 13).toString("latin1")) && all.includes("\r\n\r\n"))
        all = all.subarray(all.indexOf("\r\n\r\n") + 4);
      return all;
    };
    const parse = (): Seen | undefined => {
      const all = final();
      const end = all.indexOf("\r\n\r\n");
      if (end === -1) return undefined;
      const [statusLine = "", ...lines] = all.subarray(0, end).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? Number.NaN);
      const body = all.subarray(end + 4);
      if (head) return { status: Number(statusLine.split(" ")[1]), headers, text: body.toString("utf8") };
      if (!Number.isNaN(length) && body.length < length) return undefined;
      const text = (Number.isNaN(length) ? body : body.subarray(0, length)).toString("utf8");
      return { status: Number(statusLine.split(" ")[1]), headers, text };
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const answer = parse();
      if (answer === undefined)
        reject(new Error(`no complete answer: ${JSON.stringify(final().toString().slice(0, 200))}`));
      else resolve(answer);
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (parse() !== undefined) finish();
    });
    socket.on("close", finish);
    socket.on("error", finish);
    if (!Array.isArray(bytes)) {
      socket.write(bytes as string | Buffer);
      return;
    }
    void (async () => {
      for (const piece of bytes) {
        if (typeof piece === "number") await new Promise((r) => setTimeout(r, piece));
        else if (!socket.destroyed) socket.write(piece);
      }
    })();
  });
}

/** A request as exact bytes, with Host and `Connection: close` unless given. */
export function http(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): Buffer {
  const all: Record<string, string> = { Host: "x", Connection: "close", ...headers };
  if (body !== undefined && !("Content-Length" in all) && !("Transfer-Encoding" in all))
    all["Content-Length"] = String(Buffer.byteLength(body));
  let head = `${method} ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(all)) head += `${name}: ${value}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), Buffer.from(body ?? "")]);
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
