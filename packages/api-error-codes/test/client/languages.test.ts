/**
 * The client against an API that speaks German and Problem Details: it sends the user's language and
 * reads an RFC 9457 body as the same error as the contract's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../src/adapters/node/index.js";
import { createClient, errorFromResponse, isResponseError } from "../../src/client/index.js";
import { ApiError, de } from "../../src/index.js";
import { listen, type Running } from "./servers.js";

let app: Running;
beforeAll(async () => {
  const api = createApi({ languages: { de }, problemDetails: true, logger: false });
  api.route("GET", "/orders/:id", {}, ({ params }) => {
    throw ApiError.notExist({ resource: "order", id: String(params.id) });
  });
  app = await listen(api.createServer());
});
afterAll(() => app.close());

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isResponseError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("the client and a multilingual API", () => {
  it("sends `language` as Accept-Language and gets the message in it", async () => {
    const api = createClient({ baseUrl: app.url, retry: false, language: "de" });
    const error = await rejection(api.get("/orders/7"));
    expect([error.code, error.status, error.message, error.details]).toStrictEqual([
      10,
      404,
      "Ressource nicht gefunden",
      { resource: "order", id: "7" },
    ]);
  });

  it("asks a `language` function on every request; an Accept-Language header wins", async () => {
    let current: string | undefined = "de";
    const api = createClient({ baseUrl: app.url, retry: false, language: () => current });
    expect((await rejection(api.get("/orders/1"))).message).toBe("Ressource nicht gefunden");
    current = undefined;
    expect((await rejection(api.get("/orders/1"))).message).toBe("Resource not found");
    current = "de";
    const english = api.get("/orders/1", { headers: { "Accept-Language": "en" } });
    expect((await rejection(english)).message).toBe("Resource not found");
  });

  it("reads a Problem Details answer as the contract's error", async () => {
    const response = await fetch(`${app.url}/orders/7`, {
      headers: { accept: "application/problem+json", "accept-language": "de" },
    });
    expect(response.headers.get("content-type")).toBe("application/problem+json; charset=utf-8");
    const error = await errorFromResponse(response);
    expect([error.code, error.status, error.message, error.details, error.conforming]).toStrictEqual([
      10,
      404,
      "Ressource nicht gefunden",
      { resource: "order", id: "7" },
      true,
    ]);
  });

  it("a client that asks for Problem Details in its headers gets the same error", async () => {
    const api = createClient({
      baseUrl: app.url,
      retry: false,
      headers: { Accept: "application/problem+json" },
    });
    const error = await rejection(api.get("/orders/3"));
    expect([error.code, error.message, error.conforming]).toStrictEqual([10, "Resource not found", true]);
  });
});
