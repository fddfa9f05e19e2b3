import { describe, expect, it } from "vitest";
import { type Admission, admit, unanswered } from "../src/pipeline/front.js";
import { Pipeline } from "../src/pipeline/pipeline.js";
import { StackScan } from "../src/pipeline/stacks.js";
import { WebPort } from "../src/pipeline/web/port.js";

function pipeline(): Pipeline {
  const made = new Pipeline({ logger: false });
  made.adopt("GET", "/items");
  made.adopt("POST", "/items");
  return made;
}

const port = (method: string, path: string, init: RequestInit = {}) =>
  new WebPort(new Request(`http://localhost${path}`, { method, ...init }));
const context = (method: string, path: string): Admission => ({ requestId: "", method, target: path });

describe("admit", () => {
  it("lets a routed or unknown request in without a promise, its request id kept in the context", () => {
    const where = context("GET", "/items");
    const routed = admit(pipeline(), port("GET", "/items"), where);
    expect(routed).toMatchObject({ kind: "routed", template: "/items" });
    expect(where.requestId).toBe((routed as { requestId: string }).requestId);
    expect(admit(pipeline(), port("GET", "/elsewhere"), context("GET", "/elsewhere"))).toMatchObject({
      kind: "unrouted",
    });
  });

  it("keeps a request id the context already has", () => {
    const where = { ...context("GET", "/items"), requestId: "chosen" };
    expect(admit(pipeline(), port("GET", "/items"), where)).toMatchObject({ requestId: "chosen" });
  });

  it("answers what the table refuses, and 404 for another case or trailing slash of a known path", () => {
    expect(admit(pipeline(), port("DELETE", "/items"), context("DELETE", "/items"))).toMatchObject({
      kind: "answer",
      status: 405,
    });
    for (const path of ["/ITEMS", "/items/"]) {
      expect(admit(pipeline(), port("GET", path), context("GET", path))).toMatchObject({ status: 404 });
    }
  });

  it("checks a JSON body the app reads its own way, unless its routes read their bodies", async () => {
    const json = (body: string) => ({ body, headers: { "content-type": "application/json" } });
    const passed = await admit(
      pipeline(),
      port("POST", "/items", json('{"a":1}')),
      context("POST", "/items"),
    );
    expect(passed).toMatchObject({ kind: "pass", body: { a: 1 } });
    const refused = await admit(
      pipeline(),
      port("POST", "/items", json('{"a":1')),
      context("POST", "/items"),
    );
    expect(refused).toMatchObject({ kind: "answer", status: 400 });
    const left = admit(pipeline(), port("POST", "/items", json('{"a":1')), context("POST", "/items"), false);
    expect(left).toMatchObject({ kind: "routed" });
  });
});

describe("unanswered", () => {
  const api = pipeline();
  const where = { ...context("GET", "/elsewhere"), requestId: "r" };
  it("answers the app's error, else the preflight's answer, else 404", () => {
    const preflight = admit(
      api,
      port("OPTIONS", "/items", { headers: { "access-control-request-method": "GET" } }),
      where,
    );
    expect(preflight).toMatchObject({ kind: "preflight" });
    const admitted = preflight as Exclude<typeof preflight, { kind: "answer" } | Promise<unknown>>;
    expect(unanswered(api, admitted, where)).toMatchObject({ status: 204 });
    expect(unanswered(api, { kind: "unrouted", requestId: "r" }, where)).toMatchObject({ status: 404 });
    expect(unanswered(api, admitted, where, new Error("boom"))).toMatchObject({ status: 500 });
    // `next()` and `next("router")` end without an error, as finalhandler reads them.
    expect(unanswered(api, { kind: "unrouted", requestId: "r" }, where, null)).toMatchObject({
      status: 404,
    });
  });
});

describe("StackScan", () => {
  it("reads what each list got since the last time, lists found while reading included, once each", () => {
    const seen: string[] = [];
    const inner: string[] = ["b"];
    const root: (string | string[])[] = ["a", inner, inner];
    const scan = new StackScan<string | string[]>((item, prefix, self) => {
      if (Array.isArray(item)) self.watch(item, "/in");
      else seen.push(prefix + item);
    });
    scan.watch(root);
    expect(scan.stale()).toBe(true);
    scan.sync();
    expect(seen).toEqual(["a", "/inb"]);
    expect(scan.stale()).toBe(false);
    inner.push("c");
    root.push("d");
    expect(scan.stale()).toBe(true);
    scan.sync();
    expect(seen).toEqual(["a", "/inb", "d", "/inc"]);
  });

  it("reads an item whose read threw again next time", () => {
    let fail = true;
    const read: string[] = [];
    const scan = new StackScan<string>((item) => {
      if (fail) throw new TypeError("a route mistake");
      read.push(item);
    });
    scan.watch(["x"]);
    expect(() => scan.sync()).toThrow(TypeError);
    fail = false;
    scan.sync();
    expect(read).toEqual(["x"]);
  });
});
