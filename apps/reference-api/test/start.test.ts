/**
 * `npm start`'s program as a real process: what it prints, one clear line for bad configuration,
 * and a graceful shutdown on SIGTERM: no new connections, the request in flight still answered,
 * exit code 0.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "./support/backends.js";
import { call, expectError } from "./support/http.js";

const appDir = fileURLToPath(new URL("..", import.meta.url));

interface Started {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

function start(env: Record<string, string>): Started {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: appDir,
    env: { ...process.env, TSX_TSCONFIG_PATH: "tsconfig.runtime.json", PASSWORD_HASH_COST: "10", ...env },
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk) => {
    out += String(chunk);
  });
  child.stderr.on("data", (chunk) => {
    err += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function waitFor(check: () => boolean, what: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; output so far:\n${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the start-up program", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let hanging: Server;
  let hangingUrl: string;

  beforeAll(async () => {
    dir = await tempDir();
    // A rates service that never answers keeps a quote request in flight for RATES_TIMEOUT_MS.
    hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", () => resolve()));
    hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hanging.closeAllConnections();
    await new Promise((resolve) => hanging.close(resolve));
    await dir.remove();
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { PORT: "http" },
      /^reference-api: invalid configuration: PORT must be an integer from 0 to 65535, got "http"\n$/,
    ],
    [
      { DATABASE_URL: "mysql://root:secret@db/app" },
      /^reference-api: invalid configuration: DATABASE_URL must start with postgres:\/\/, postgresql:\/\/ or sqlite:, got a mysql: URL\n$/,
    ],
    [{ RATES_TIMEOUT_MS: "-5" }, /^reference-api: invalid configuration: RATES_TIMEOUT_MS /],
    [{ LOG_LEVEL: "verbose" }, /^reference-api: invalid configuration: LOG_LEVEL must be one of /],
  ])(
    "stops on bad configuration with one line naming the variable: %o",
    async (env, line) => {
      const run = start({
        ...env,
        DATABASE_URL: env.DATABASE_URL ?? `sqlite:${join(dir.path, "unused.sqlite")}`,
      });
      expect(await run.exited).toBe(1);
      expect(run.stderr()).toMatch(line);
      expect(run.stderr().trim().split("\n")).toHaveLength(1);
      expect(run.stderr()).not.toContain("secret");
    },
    20_000,
  );

  it("prints the URLs and curl commands, serves, and shuts down gracefully on SIGTERM", async () => {
    const run = start({
      PORT: "0",
      DATABASE_URL: `sqlite:${join(dir.path, "nested", "reference.sqlite")}`,
      RATES_URL: hangingUrl,
      RATES_TIMEOUT_MS: "1500",
      LOG_LEVEL: "info",
    });
    try {
      await waitFor(
        () => run.stdout().includes("Stop with Ctrl-C"),
        () => run.stdout() + run.stderr(),
      );
      const out = run.stdout();
      const api = /API\s+(http:\/\/127\.0\.0\.1:\d+)\n/.exec(out)?.[1] as string;
      expect(api).toBeDefined();
      expect(out).toContain(`Docs      ${api}/docs`);
      expect(out).toContain(`OpenAPI   ${api}/openapi.json`);
      expect(out).toContain("member@example.com / member-password, admin@example.com / admin-password");
      expect(out).toContain(`Rates     ${hangingUrl}\n`);
      expect(out).toContain("(ready)");
      for (const code of [
        "6 AUTH_NOT_PROVIDED",
        "5 INVALID_TYPE",
        "4 INVALID_VALUE",
        "3 INVALID_STRUCTURE",
        "1 NOT_ALLOWED",
        "2 NOT_REALIZED",
        "9 AUTH_FORBIDDEN",
        "10 NOT_EXIST",
      ]) {
        expect(out).toContain(`# ${code}`);
      }
      expect(out).toContain(`curl -s ${api}/v1/orders\n`);

      const login = await call(api, "POST", "/v1/auth/token", {
        body: { email: "member@example.com", password: "member-password" },
      });
      expect(login.status).toBe(201);
      const token = (login.json as { access_token: string }).access_token;
      const order = await call(api, "POST", "/v1/orders", {
        token,
        body: { item: "tea", quantity: 1, unit_price: 4, currency: "EUR" },
      });
      const id = (order.json as { id: string }).id;

      // A request in flight (waiting for the rates service) when SIGTERM arrives.
      const inFlight = call(api, "GET", `/v1/orders/${id}/quote?currency=USD`, { token });
      await new Promise((resolve) => setTimeout(resolve, 300));
      run.child.kill("SIGTERM");
      await waitFor(
        () => run.stdout().includes("shutting down"),
        () => run.stdout(),
      );
      // No new connections once shutting down...
      await expect(fetch(`${api}/health`)).rejects.toThrow();
      // ...but the request in flight gets its answer.
      expectError(await inFlight, 504, 11);
      expect(await run.exited, run.stdout() + run.stderr()).toBe(0);
      expect(run.stdout()).toContain('"msg":"stopped"');
    } finally {
      run.child.kill("SIGKILL");
    }
  }, 40_000);

  it("in production: no demo users, no banner, a log line instead", async () => {
    const run = start({
      PORT: "0",
      NODE_ENV: "production",
      DATABASE_URL: `sqlite:${join(dir.path, "production.sqlite")}`,
      RATES_URL: hangingUrl,
    });
    try {
      await waitFor(
        () => run.stdout().includes("reference-api listening"),
        () => run.stdout() + run.stderr(),
      );
      const line = run
        .stdout()
        .split("\n")
        .find((l) => l.includes("reference-api listening")) as string;
      const { api } = JSON.parse(line) as { api: string };
      expect(run.stdout()).not.toContain("curl");
      expectError(
        await call(api, "POST", "/v1/auth/token", {
          body: { email: "member@example.com", password: "member-password" },
        }),
        401,
        7,
      );
      run.child.kill("SIGINT");
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill("SIGKILL");
    }
  }, 40_000);
});
