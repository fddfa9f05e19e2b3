/**
 * The fallback load generator when wrk is unavailable: one autocannon run of what a bench/wrk script
 * would send, summarized on one line in the format of the wrk scripts' `done()` (microseconds), so
 * that bench/lib.ts reads both alike.
 * Usage: node --import tsx bench/autocannon-run.ts '{"url":...,"method":...,"script":"get.lua",...}'
 */
import { randomBytes } from "node:crypto";
import autocannon, { type Options, type RequestSpec } from "autocannon";

interface Job {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  seconds: number;
  script: string;
  args: string[];
}

const job = JSON.parse(process.argv[2] ?? "{}") as Job;
const options: Options = {
  url: job.url,
  method: job.method,
  headers: job.headers,
  connections: job.connections,
  duration: job.seconds,
};
if (job.body !== undefined) options.body = job.body;
const json = { "Content-Type": "application/json" };
const pace = (ms: string | undefined) => {
  const pause = Number(ms ?? 0);
  if (pause > 0) options.connectionRate = Math.max(1, Math.round(1000 / pause));
};
switch (job.script) {
  case "mixed.lua": {
    const requests: RequestSpec[] = [
      { method: "GET", path: "/nope" },
      { method: "PATCH", path: "/items" },
      { method: "POST", path: "/items", headers: json, body: '{"name":{}}' },
      { method: "GET", path: "/me" },
      { method: "GET", path: "/boom" },
    ];
    if (job.args[0] !== "errors") requests.unshift({ method: "GET", path: "/items/1" });
    options.requests = requests;
    break;
  }
  case "valid.lua":
    options.headers = { ...job.headers, Authorization: `Bearer ${job.args[0]}` };
    pace(job.args[1]);
    break;
  case "bad-token.lua":
    options.requests = [
      {
        setupRequest: (request) => ({
          ...request,
          headers: { ...request.headers, Authorization: `Bearer ${randomBytes(32).toString("base64url")}` },
        }),
      },
    ];
    pace(job.args[0]);
    break;
}
const result = await autocannon(options);
const us = (ms: number) => Math.round(ms * 1000);
const summary = {
  requests: result.requests.total,
  duration_us: Math.round(result.duration * 1e6),
  bytes: result.throughput.total,
  errors: { connect: result.errors, read: 0, write: 0, status: result.non2xx, timeout: result.timeouts },
  latency_us: {
    mean: result.latency.mean * 1000,
    p50: us(result.latency.p50),
    p90: us(result.latency.p90),
    p99: us(result.latency.p99),
    max: us(result.latency.max),
  },
};
console.log(`WRKJSON ${JSON.stringify(summary)}`);
