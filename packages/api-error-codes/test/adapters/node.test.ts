import { afterAll, beforeAll, describe, it } from "vitest";
import { buildNode, type Target } from "./builders.js";
import { check } from "./harness.js";
import { scenarios } from "./scenarios.js";

let target: Target;

beforeAll(async () => {
  target = await buildNode();
});
afterAll(() => target.close());

describe("node adapter: shared scenarios", () => {
  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_name, scenario) => {
    check(scenario, await target.send(scenario));
  });
});
