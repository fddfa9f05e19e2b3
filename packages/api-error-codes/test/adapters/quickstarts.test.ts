/**
 * The quickstarts implement the same orders API and answer the same: each is started the way
 * the README says (`npm run example -- <name>`, here the script itself on PORT=0) and driven over HTTP.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("../../scripts/example.ts", import.meta.url));
const TSCONFIG = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
const NAMES = ["node", "express", "fastify", "hono", "koa", "nest", "fetch", "next"] as const;
const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) child.kill();
});

function start(name: string): Promise<string> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, name], {
    // As `npm run example` runs it: tsx with the package's tsconfig (Nest's decorators need it).
    env: { ...process.env, PORT: "0", TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ["ignore", "pipe", "ignore"],
  });
  running.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
}

const auth = { authorization: "Bearer demo-token", "content-type": "application/json" };
/** Each step: request, then what comes back (status, and the body without request-specific parts). */
const STEPS: [string, string, Record<string, string>, string | undefined][] = [
  ["POST", "/orders", auth, '{"item":"tea","quantity":2}'],
  ["GET", "/orders/1", {}, undefined],
  ["GET", "/orders/abc", {}, undefined],
  ["GET", "/orders/9", {}, undefined],
  ["PATCH", "/orders", {}, undefined],
  ["POST", "/orders", { "content-type": "application/json" }, '{"item":"tea","quantity":2}'],
  ["POST", "/orders", { ...auth, authorization: "Bearer wrong" }, "{}"],
  ["POST", "/orders", auth, '{"item":"tea","quantity":0}'],
  ["POST", "/orders", auth, '{"item":"tea"'],
  ["GET", "/nope", {}, undefined],
];

async function drive(base: string) {
  const answers = [];
  for (const [method, path, headers, body] of STEPS) {
    const response = await fetch(base + path, { method, headers, ...(body === undefined ? {} : { body }) });
    const json = (await response.json()) as Record<string, unknown>;
    answers.push({
      status: response.status,
      location: response.headers.get("location"),
      allow: response.headers.get("allow"),
      code: json.error_code ?? null,
      // Messages are free text (zod's and ajv's differ); code, location, pointer and rule are the contract.
      body:
        json.error_code === undefined
          ? json
          : JSON.parse(JSON.stringify(json.details), (k, v) => (k === "message" ? undefined : v)),
    });
  }
  return answers;
}

describe("the quickstarts: one orders API, the same answers on every framework", () => {
  it("starts each with npm run example and answers alike", async () => {
    const urls = await Promise.all(NAMES.map(start));
    const all = await Promise.all(urls.map(drive));
    const [first, ...rest] = all;
    expect(first?.map((a) => [a.status, a.code])).toStrictEqual([
      [201, null],
      [200, null],
      [400, 5],
      [404, 10],
      [405, 1],
      [401, 6],
      [401, 7],
      [400, 4],
      [400, 3],
      [404, 10],
    ]);
    expect(first?.[0]).toMatchObject({
      location: "/orders/1",
      body: { id: 1, item: "tea", quantity: 2, owner: "u-demo" },
    });
    for (const [i, answers] of rest.entries()) expect(answers, NAMES[i + 1]).toStrictEqual(first);
    // Next.js builds the app for production first.
  }, 240_000);
});
