/** The example of docs/existing-app.md (examples/existing-app.ts) keeps the contract. */
import { describe, expect, it } from "vitest";
import { existingApp } from "../../examples/existing-app.js";

const app = existingApp(false);

describe("the existing-app example", () => {
  it("answers a validator failure with 3 / 5 / 4 and pointers", async () => {
    const res = await app.request("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ item: "tea", quantity: 1.5 }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toStrictEqual({
      error_code: 5,
      error_message: "Invalid request: body /quantity: Invalid input: expected int, received number",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/quantity",
            rule: "type",
            message: "Invalid input: expected int, received number",
            expected: "integer",
          },
        ],
      },
    });
  });

  it("keeps a library's 429 with its Retry-After through the registered code", async () => {
    const res = await app.request("/reports");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("3600");
    expect(await res.json()).toStrictEqual({
      error_code: 100,
      error_message: "Report quota used up for today",
      details: null,
    });
  });

  it("passes a valid order to the handler", async () => {
    const res = await app.request("/orders", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ item: "tea", quantity: 2 }),
    });
    expect(res.status).toBe(201);
    expect(await res.json()).toStrictEqual({ item: "tea", quantity: 2 });
  });
});
