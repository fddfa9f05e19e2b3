import { afterEach, describe, expect, it, vi } from "vitest";
import { errorResponses } from "../src/openapi.js";
import { generateRequestId, REQUEST_ID_PATTERN } from "../src/request-id.js";
import { requestId } from "../src/response.js";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it("generates distinct v4 UUIDs that the pattern accepts", () => {
    const ids = new Set(Array.from({ length: 100 }, () => generateRequestId()));
    expect(ids.size).toBe(100);
    for (const id of ids) {
      expect(id).toMatch(UUID_V4);
      expect(REQUEST_ID_PATTERN.test(id)).toBe(true);
      expect(requestId(id)).toBe(id);
    }
  });

  it("falls back to getRandomValues where randomUUID is missing (plain-http pages)", async () => {
    const filled: number[] = [];
    vi.stubGlobal("crypto", {
      getRandomValues: (bytes: Uint8Array) => {
        bytes.fill(0xff);
        filled.push(bytes.length);
        return bytes;
      },
    });
    const fresh = await import("../src/request-id.js");
    expect(fresh.generateRequestId()).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(filled).toStrictEqual([16]);
  });

  it("is the pattern the OpenAPI output documents", () => {
    const responses = errorResponses([10], { inline: true }) as Record<
      string,
      { headers: Record<string, { schema: { pattern?: string } }> }
    >;
    expect(responses["404"]?.headers["X-Request-Id"]?.schema.pattern).toBe("^[A-Za-z0-9._:-]{1,128}$");
    expect(new RegExp(REQUEST_ID_PATTERN.source).source).toBe(REQUEST_ID_PATTERN.source);
  });
});
