/**
 * The fetch adapter under Next.js for real, on Next.js 16 (the root's `next`) and Next.js 15
 * (installed under its own name in packages/next15-fixture): test/next-app (route files exporting
 * `api.routeHandlers()`) built with `next build` and served by `next start`, then the shared scenario
 * table over HTTP. Next.js stands between the client and the route handlers, so the scenarios it
 * answers itself, before any route file runs, are listed per major with what Next.js does.
 *
 * Next.js 15 builds the same app (next.config.mjs reads the NEXT_TEST_* variables): its route files'
 * `next/...` imports are aliased to Next.js 15, and its build directory lies inside the fixture's
 * node_modules, where node finds Next.js 15 when the built routes require Next's runtime
 * (`next/dist/compiled/next-server/...`); from the app's own directory it would find the root's 16.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { check, overHttp, type Send } from "./harness.js";
import { scenarios } from "./scenarios.js";

const APP = join(dirname(fileURLToPath(import.meta.url)), "../next-app");
const ROOT = resolve(APP, "../../../..");
const FIXTURE = join(ROOT, "packages/next15-fixture");
/** Next.js 15's build directory, relative to the app: in the fixture's node_modules (ignored by git, biome, tsc). */
const DIST15 = relative(APP, join(FIXTURE, "node_modules/.next-app"));

/** The status and Content-Type the client gets instead of the table's, and why. */
type Answers = Readonly<Record<string, { status: number; type: string | undefined; why: string }>>;

/**
 * What Next.js 16 decides before a route file runs, by scenario name, with the status the client
 * gets instead of the table's: checked, so that a Next.js that stops doing it shows up here.
 */
const NEXT16_ANSWERS: Answers = {
  "PROPFIND on a GET/POST path is 405 / 1 with Allow": {
    status: 400,
    type: undefined,
    why: "a method outside the seven a route file can export is refused by Next.js, empty",
  },
  "bad percent-encoding in the path is 400 / 3": {
    status: 500,
    type: "text/plain",
    why: "Next.js fails to decode the path itself and answers its own text/plain 500",
  },
  "bad percent-encoding in the query is 400 / 3": {
    status: 400,
    type: "application/json; charset=utf-8",
    why: "Next.js re-encodes the query before the handler sees it: the handler judges the repaired value (5, not 3)",
  },
  "two Authorization headers are 3": {
    status: 200,
    type: "application/json; charset=utf-8",
    why: "node keeps the first Authorization and Next.js builds the Request from node's headers: the second never arrives",
  },
};

/** What Next.js 15 decides before a route file runs (found by running it): as 16, but for one. */
const NEXT15_ANSWERS: Answers = {
  ...NEXT16_ANSWERS,
  "bad percent-encoding in the path is 400 / 3": {
    status: 400,
    type: "text/html; charset=utf-8",
    why: "Next.js 15 fails to decode the path itself and renders its own 400 error page (HTML)",
  },
};

const version = (packageDir: string): string =>
  (JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string }).version;

const pinned15 = (
  JSON.parse(readFileSync(join(FIXTURE, "package.json"), "utf8")) as { dependencies: Record<string, string> }
).dependencies.next;

interface Major {
  major: number;
  /** The `next` package whose binary builds and serves the app. */
  next: string;
  /** The version it must be. */
  want: RegExp;
  /** next.config.mjs's NEXT_TEST_* variables. */
  env: Record<string, string>;
  /** `next build`'s flags: 16 builds with Turbopack unless told `--webpack`, 15 only knows webpack. */
  build: readonly string[];
  /** The build directory, relative to the app. */
  distDir: string;
  answers: Answers;
}

const MAJORS: readonly Major[] = [
  {
    major: 16,
    next: join(ROOT, "node_modules/next"),
    want: /^16\.\d+\.\d+$/,
    env: {},
    build: ["--webpack"],
    distDir: ".next",
    answers: NEXT16_ANSWERS,
  },
  {
    major: 15,
    next: join(FIXTURE, "node_modules/next"),
    want: new RegExp(`^${(pinned15 ?? "none").replaceAll(".", "\\.")}$`),
    env: {
      NEXT_TEST_NEXT_DIR: join(FIXTURE, "node_modules/next"),
      NEXT_TEST_DIST_DIR: DIST15,
      NEXT_TEST_TSCONFIG: relative(APP, join(FIXTURE, "node_modules/.next-app-tsconfig.json")),
    },
    build: [],
    distDir: DIST15,
    answers: NEXT15_ANSWERS,
  },
];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each(MAJORS)("next.js $major route handlers (next build, next start)", (target) => {
  const NEXT = join(target.next, "dist/bin/next");
  const ENV = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    ...target.env,
  };
  const NEXT_ANSWERS = target.answers;
  let server: ChildProcess | undefined;
  let send: Send;
  let output = "";

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [NEXT, "build", ...target.build], { cwd: APP, env: ENV });
    const port = await freePort();
    server = spawn(process.execPath, [NEXT, "start", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: APP,
      env: ENV,
      stdio: ["ignore", "pipe", "pipe"],
    });
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

  it(`is served by Next.js ${target.major}, whose runtime the built routes require`, () => {
    const served = version(target.next);
    // next start names its version; the built route's file trace names the Next.js runtime node
    // resolves from the build directory (the root's Next.js 16 for a wrong one).
    const trace = JSON.parse(
      readFileSync(join(APP, target.distDir, "server/app/signals/route.js.nft.json"), "utf8"),
    ) as { files: string[] };
    const runtime = trace.files
      .filter((file) => file.endsWith("next/dist/compiled/next-server/app-route.runtime.prod.js"))
      .map((file) => resolve(APP, target.distDir, "server/app/signals", file));
    expect([served, output.match(/Next\.js (\S+)/)?.[1], runtime]).toStrictEqual([
      expect.stringMatching(target.want),
      served,
      [join(target.next, "dist/compiled/next-server/app-route.runtime.prod.js")],
    ]);
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
    const answer = await send(scenario);
    const want = NEXT_ANSWERS[name];
    expect([answer.status, answer.headers["content-type"]]).toStrictEqual([want?.status, want?.type]);
  });
});
