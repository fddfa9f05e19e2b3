/**
 * The fetch adapter under Next.js for real: test/next-app (route files exporting
 * `api.routeHandlers()`) built with `next build` and served by `next start`, then the shared
 * scenario table over HTTP. Next.js stands between the client and the route handlers, so the
 * scenarios it answers itself, before any route file runs, are listed with what Next.js does.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, overHttp, type Send } from "./harness.js";
import { scenarios } from "./scenarios.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "../next-app");
const NEXT = join(APP, "../../../../node_modules/next/dist/bin/next");
const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" as const };

/**
 * What Next.js 16 decides before a route file runs, by scenario name, with the status the client
 * gets instead of the table's: checked, so that a Next.js that stops doing it shows up here.
 */
const NEXT_ANSWERS: Readonly<Record<string, { status: number; why: string }>> = {
  "PROPFIND on a GET/POST path is 405 / 1 with Allow": {
    status: 400,
    why: "a method outside the seven a route file can export is refused by Next.js, empty",
  },
  "bad percent-encoding in the path is 400 / 3": {
    status: 500,
    why: "Next.js fails to decode the path itself and answers its own text/plain 500",
  },
  "bad percent-encoding in the query is 400 / 3": {
    status: 400,
    why: "Next.js re-encodes the query before the handler sees it: the handler judges the repaired value (5, not 3)",
  },
  "two Authorization headers are 3": {
    status: 200,
    why: "node keeps the first Authorization and Next.js builds the Request from node's headers: the second never arrives",
  },
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("next.js route handlers (next build, next start)", () => {
  let server: ChildProcess | undefined;
  let send: Send;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [NEXT, "build", "--webpack"], { cwd: APP, env: ENV });
    const port = await freePort();
    server = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: APP,
      env: ENV,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    server.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    server.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    const started = Date.now();
    while (!/Ready in/.test(output)) {
      if (server.exitCode !== null || Date.now() - started > 30_000)
        throw new Error(`next start did not get ready:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    send = overHttp(port);
  }, 240_000);

  afterAll(() => {
    server?.kill();
  });

  const own = scenarios.filter((s) => NEXT_ANSWERS[s.name] === undefined);
  it.each(own.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await send(scenario));
  });

  it.each([
    [
      "not-found",
      404,
      { error_code: 10, error_message: "Resource not found", details: { method: "GET", path: "/signals" } },
    ],
    ["unauthorized", 401, { error_code: 6, error_message: "Authentication is required", details: null }],
    [
      "forbidden",
      403,
      { error_code: 9, error_message: "Access to this operation is forbidden", details: null },
    ],
    ["error", 500, { error_code: 0, error_message: "Unknown server side error occurred", details: null }],
  ])("Next's %s in a route handler is answered by the contract", async (signal, status, body) => {
    const scenario = {
      name: signal,
      method: "GET",
      path: `/signals?with=${signal}`,
      expect: { status, body },
    };
    check(scenario, await send(scenario));
  });

  it("Next's redirect() stays Next's answer", async () => {
    const answer = await send({
      name: "redirect",
      method: "GET",
      path: "/signals?with=redirect",
      expect: { status: 307 },
    });
    expect([answer.status, answer.headers.location]).toStrictEqual([307, "/items/1"]);
  });

  const theirs = scenarios.filter((s) => NEXT_ANSWERS[s.name] !== undefined);
  it.each(theirs.map((s) => [s.name, s] as const))("Next.js decides: %s", async (name, scenario) => {
    expect((await send(scenario)).status).toBe(NEXT_ANSWERS[name]?.status);
  });
});
