/**
 * Errors from other libraries keep their meaning, on every adapter, with the real libraries: a
 * foreign 429 becomes the app's registered code whose status is 429 with its Retry-After (without
 * one: 400 / 3 and one warning per process naming the status); a public 4xx message becomes
 * `error_message`; a 5xx message never leaks.
 */
import type { AddressInfo } from "node:net";
import rateLimitPlugin from "@fastify/rate-limit";
import Boom from "@hapi/boom";
import express from "express";
import { rateLimit } from "express-rate-limit";
import Fastify from "fastify";
import createError from "http-errors";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { apiErrorCodes as expressAdapter } from "../../src/adapters/express/index.js";
import { apiErrorCodes as fastifyPlugin, serverOptions } from "../../src/adapters/fastify/index.js";
import { classify, registerCode } from "../../src/index.js";
import { ADAPTERS } from "./builders.js";
import { viaInject } from "./fastify-support.js";
import { overHttp, type Send } from "./harness.js";
import { type Built, oneRoute } from "./one-route.js";

/** NestJS's BadRequestException as its ValidationPipe throws it (same fields, same values). */
class BadRequestException extends Error {
  readonly response: { statusCode: number; message: string[]; error: string };
  readonly status = 400;
  constructor(messages: string[]) {
    super("Bad Request Exception");
    this.name = "BadRequestException";
    this.response = { statusCode: 400, message: messages, error: "Bad Request" };
  }
}

const open: Built[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((built) => built.close()));
});

async function thrownOn(adapter: (typeof ADAPTERS)[number], thrown: () => unknown) {
  const built = await oneRoute(adapter, { options: { logger: false }, thrown });
  open.push(built);
  const answer = await built.request({});
  return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.text) as unknown };
}

/** A limit of one request: the first passes, the second is 429 / 100 with the limiter's Retry-After. */
async function limitedOnSecond(send: Send, message: string) {
  expect((await send({ method: "GET", path: "/x" } as never)).status).toBe(200);
  const limited = await send({ method: "GET", path: "/x" } as never);
  expect(limited.status).toBe(429);
  expect(limited.headers["retry-after"]).toBe("60");
  expect(limited.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(JSON.parse(limited.text)).toStrictEqual({ error_code: 100, error_message: message, details: null });
  return limited;
}

const GENERIC = { error_code: 0, error_message: "Unknown server side error occurred", details: null };

// Runs first: the process has no code with status 429 yet.
describe("a foreign 429 without a registered code", () => {
  it("is 400 / 3 on every adapter, and the fallback is reported once per process, naming the status", async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      for (const adapter of ADAPTERS) {
        const answer = await thrownOn(adapter, () => createError(429, "Slow down"));
        expect(answer.status, adapter).toBe(400);
        expect(answer.body).toStrictEqual({
          error_code: 3,
          error_message: "Slow down",
          details: { violations: [] },
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listen);
    }
    const ours = warnings.filter(
      (w) => (w as Error & { code?: string }).code === "API_ERROR_CODES_UNMAPPED_STATUS",
    );
    expect(ours.map((w) => [w.name, w.message])).toStrictEqual([
      [
        "ApiErrorCodesWarning",
        'api-error-codes: an error with status 429 was answered 400 / 3 (INVALID_STRUCTURE): no code is registered with status 429. Register one to keep it, e.g. registerCode({ code: 100, name: "RATE_LIMITED", status: 429, message: "Too many requests" }).',
      ],
    ]);
  });
});

describe("with the app's code for 429 registered", () => {
  beforeAll(() => {
    registerCode({ code: 100, name: "RATE_LIMITED", status: 429, message: "Too many requests" });
  });

  it("the warning for another unmapped status suggests a code still free", async () => {
    const warnings: Error[] = [];
    const listen = (warning: Error) => warnings.push(warning);
    process.on("warning", listen);
    try {
      expect((await thrownOn("node", () => createError(418, "Teapot"))).status).toBe(400);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off("warning", listen);
    }
    expect(warnings.map((w) => w.message)).toContain(
      'api-error-codes: an error with status 418 was answered 400 / 3 (INVALID_STRUCTURE): no code is registered with status 418. Register one to keep it, e.g. registerCode({ code: 101, name: "HTTP_418", status: 418, message: "..." }).',
    );
  });

  describe.each(ADAPTERS)("on %s", (adapter) => {
    it("http-errors' 429 is 429 / 100 with its message and Retry-After", async () => {
      const answer = await thrownOn(adapter, () =>
        createError(429, "Slow down", { headers: { "Retry-After": "30" } }),
      );
      expect(answer.status).toBe(429);
      expect(answer.headers["retry-after"]).toBe("30");
      expect(answer.body).toStrictEqual({ error_code: 100, error_message: "Slow down", details: null });
    });

    it("Boom's tooManyRequests is 429 / 100 with its Retry-After", async () => {
      const answer = await thrownOn(adapter, () => {
        const error = Boom.tooManyRequests("Try again in a minute");
        error.output.headers["Retry-After"] = "60";
        return error;
      });
      expect(answer.status).toBe(429);
      expect(answer.headers["retry-after"]).toBe("60");
      expect(answer.body).toStrictEqual({
        error_code: 100,
        error_message: "Try again in a minute",
        details: null,
      });
    });

    it("a public 4xx message is kept: http-errors' expose, Boom's payload, NestJS's response.message", async () => {
      const httpErrors = await thrownOn(adapter, () => createError(400, "Coupon has expired"));
      expect(httpErrors.body).toStrictEqual({
        error_code: 3,
        error_message: "Coupon has expired",
        details: { violations: [] },
      });
      const boom = await thrownOn(adapter, () => Boom.forbidden("Orders are read-only today"));
      expect(boom.status).toBe(403);
      expect(boom.body).toStrictEqual({
        error_code: 9,
        error_message: "Orders are read-only today",
        details: null,
      });
      const nest = await thrownOn(
        adapter,
        () => new BadRequestException(["name must be a string", "quantity must be an integer number"]),
      );
      expect(nest.status).toBe(400);
      expect(nest.body).toStrictEqual({
        error_code: 3,
        error_message: "name must be a string; quantity must be an integer number",
        details: { violations: [] },
      });
    });

    it("a 5xx message never leaks: http-errors, Boom", async () => {
      const httpErrors = await thrownOn(adapter, () =>
        createError(500, "password hunter2 rejected by 10.0.0.7"),
      );
      expect(httpErrors.status).toBe(500);
      expect(httpErrors.body).toStrictEqual(GENERIC);
      const boom = await thrownOn(adapter, () => Boom.badImplementation("password hunter2"));
      expect(boom.status).toBe(500);
      expect(boom.body).toStrictEqual(GENERIC);
    });
  });

  it("@fastify/rate-limit: 429 / 100 with its Retry-After and rate-limit headers", async () => {
    const app = Fastify({ ...serverOptions });
    await app.register(fastifyPlugin, { logger: false });
    await app.register(rateLimitPlugin, { max: 1, timeWindow: 60_000 });
    app.get("/x", async () => ({ ok: true }));
    const send = viaInject(app);
    try {
      const limited = await limitedOnSecond(send, "Rate limit exceeded, retry in 1 minute");
      expect(limited.headers["x-ratelimit-limit"]).toBe("1");
    } finally {
      await app.close();
    }
  });

  it("express-rate-limit with its handler passing the error on: 429 / 100 with its Retry-After", async () => {
    const app = express();
    expressAdapter(app, { logger: false });
    app.use(
      rateLimit({
        windowMs: 60_000,
        limit: 1,
        handler: (_req, _res, next, options) =>
          next(createError(options.statusCode, "Too many orders, slow down")),
      }),
    );
    app.get("/x", (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const send = overHttp((server.address() as AddressInfo).port);
    try {
      await limitedOnSecond(send, "Too many orders, slow down");
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it("classify: an HTTP-date Retry-After is kept, a malformed one dropped", () => {
    const date = "Wed, 21 Oct 2026 07:28:00 GMT";
    expect(classify(createError(429, { headers: { "Retry-After": date } })).headers).toStrictEqual({
      "Retry-After": date,
    });
    expect(classify(createError(429, { headers: { "Retry-After": "soon" } })).headers).toStrictEqual({});
    // A status some registered code merely allows (not its default) is kept through that code.
    registerCode({ code: 101, name: "PAYMENT_REQUIRED", status: 400, statuses: [402], message: "Pay first" });
    const payment = classify(createError(402, "Card declined"));
    expect([payment.code, payment.status, payment.message]).toStrictEqual([101, 402, "Card declined"]);
  });
});
