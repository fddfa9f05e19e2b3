/**
 * docs/observability.md's Express example, run: the prom-client registry it serves counts error
 * answers by code, name, status and route template, and a log entry carries the trace id of the
 * request's `traceparent` next to its request id.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildObservedApp } from "../../examples/docs/observability.js";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const entries: Record<string, unknown>[] = [];
const logger = {
  info: (entry: object) => entries.push({ ...entry }),
  error: (entry: object) => entries.push({ ...entry }),
};

describe("docs/observability.md: Prometheus and trace ids", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = buildObservedApp(logger);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("counts error answers by route template; an unknown path is one label value", async () => {
    expect((await fetch(`${base}/orders/1`)).status).toBe(200);
    for (const path of ["/nope/1", "/nope/2"]) expect((await fetch(base + path)).status).toBe(404);
    expect((await fetch(`${base}/orders/7`, { method: "DELETE" })).status).toBe(405);
    const text = await (await fetch(`${base}/metrics`)).text();
    const lines = text.split("\n").filter((line) => line.startsWith("api_error_answers_total{"));
    expect(lines.sort()).toStrictEqual([
      'api_error_answers_total{code="1",name="NOT_ALLOWED",status="405",route="/orders/{id}"} 1',
      'api_error_answers_total{code="10",name="NOT_EXIST",status="404",route="(unmatched)"} 2',
    ]);
  });

  it("a log entry carries the trace id of the traceparent next to the request id", async () => {
    entries.length = 0;
    const response = await fetch(`${base}/nope/3`, {
      headers: { traceparent: `00-${TRACE}-00f067aa0ba902b7-01`, "x-request-id": "req-42" },
    });
    expect(response.status).toBe(404);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ request_id: "req-42", trace_id: TRACE, code: 10, status: 404 });
    entries.length = 0;
    await fetch(`${base}/nope/4`);
    expect(entries[0]).not.toHaveProperty("trace_id");
  });
});
