/**
 * Runs the shared scenarios: sends a request (over a real socket, or through Fastify's inject) and
 * checks the answer exactly, plus what every answer must satisfy (request id; for errors the media
 * type, nosniff and a conforming body).
 */
import { type Agent, request as httpRequest } from "node:http";
import { expect } from "vitest";
import { parseErrorBody } from "../../src/index.js";
import type { Scenario } from "./scenarios.js";

export interface Answer {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  text: string;
}

export type Send = (scenario: Scenario) => Promise<Answer>;

/**
 * Sends a scenario over a real socket with node's client: exact bytes, repeated headers, any method.
 * One connection per request, unless a (keep-alive) agent is given.
 */
export function overHttp(port: number, agent: Agent | false = false): Send {
  return (scenario) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, method: scenario.method, path: scenario.path, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headersDistinct)) {
              if (value !== undefined) headers[name] = value.join(", ");
            }
            resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      for (const [name, value] of Object.entries(scenario.headers ?? {})) req.setHeader(name, value);
      if (scenario.body !== undefined) {
        if (scenario.headers?.["content-length"] === undefined)
          req.setHeader("content-length", Buffer.byteLength(scenario.body));
        req.end(scenario.body);
      } else req.end();
    });
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Asserts one answer against its scenario. */
export function check(scenario: Scenario, answer: Answer): void {
  const { expect: want } = scenario;
  const context = `${scenario.method} ${scenario.path}: ${answer.text.slice(0, 300)}`;
  expect(answer.status, context).toBe(want.status);
  expect(answer.headers["x-request-id"], "X-Request-Id").toMatch(REQUEST_ID);
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    if (value === null) expect(answer.headers[name], name).toBeUndefined();
    else if (value instanceof RegExp) expect(answer.headers[name], name).toMatch(value);
    else expect(answer.headers[name], name).toBe(value);
  }
  if (scenario.method === "HEAD" || want.status === 204) {
    expect(answer.text).toBe("");
  } else if (want.body !== undefined) {
    expect(JSON.parse(answer.text), context).toStrictEqual(want.body);
  }
  if (answer.status >= 400) {
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["x-content-type-options"]).toBe("nosniff");
    if (scenario.method !== "HEAD") {
      const parsed = parseErrorBody(answer.text, answer.status);
      expect(parsed.conforming ? [] : parsed.problems, context).toStrictEqual([]);
      expect(answer.text, "stack traces and paths never leak").not.toMatch(
        /hunter2|\/srv\/|\bat \S+ \(|node_modules|\.[cm]?[jt]s:\d+/,
      );
    }
  }
}
