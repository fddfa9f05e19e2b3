/**
 * The Fastify side of the adapter tests: the shared application of app.ts declared the Fastify way,
 * scenarios sent through `inject`, and a check of any error answer.
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { expect } from "vitest";
import { type ApiErrorCodesOptions, apiErrorCodes, serverOptions } from "../../src/adapters/fastify/index.js";
import { type ApiError, isApiError, parseErrorBody } from "../../src/index.js";
import { lookup, openapi, routes } from "./app.js";
import type { Send } from "./harness.js";

const quiet: ApiErrorCodesOptions = process.env.DEBUG_LOG ? {} : { logger: false };

/** The shared application of app.ts, declared the Fastify way (plugin logging off unless DEBUG_LOG). */
export async function buildSpecApp(
  options: FastifyServerOptions = {},
  pluginOptions = quiet,
): Promise<FastifyInstance> {
  const app = Fastify({ ...serverOptions, ...options });
  await app.register(apiErrorCodes, { auth: { lookup }, openapi, ...pluginOptions });
  for (const route of routes) {
    const { schema = {}, auth } = route.contract;
    // Fastify names the query `querystring`; an explicit `undefined` part makes it warn.
    const { query, ...parts } = schema;
    app.route({
      method: route.method,
      url: route.path,
      schema: query === undefined ? parts : { ...parts, querystring: query },
      config: auth === undefined ? {} : { auth },
      handler: async (request, reply) => {
        const answer = await route.handler({
          params: request.params as Record<string, unknown>,
          query: request.query as Record<string, unknown>,
          headers: request.headers,
          body: request.body,
          principal: request.principal,
        });
        return reply
          .code(answer.status)
          .headers(answer.headers ?? {})
          .send(answer.body);
      },
    });
  }
  return app;
}

/** Scenario -> inject -> Answer. Inject keeps a repeated header in `rawHeaders`, so no socket is needed. */
export function viaInject(app: FastifyInstance): Send {
  return async (scenario) => {
    const response = await app.inject({
      method: scenario.method as "GET",
      url: scenario.path,
      ...(scenario.headers === undefined ? {} : { headers: scenario.headers }),
      ...(scenario.body === undefined ? {} : { payload: scenario.body }),
    });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined)
        headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
    }
    return { status: response.statusCode, headers, text: response.body };
  };
}

export const json = { "content-type": "application/json" };
export const member = { authorization: "Bearer member-token" };

export function expectError(
  answer: { status: number; headers: Record<string, string>; text: string },
  status: number,
  code: number,
) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(answer.headers["x-request-id"]).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  const parsed = parseErrorBody(answer.text, status);
  expect(parsed.conforming ? [] : parsed.problems).toStrictEqual([]);
  const body = JSON.parse(answer.text) as { error_code: number; error_message: string; details: unknown };
  expect(body.error_code).toBe(code);
  return body;
}

/** The wire body of the refusal `fn` throws or returns: the reference answer to compare an adapter's with. */
export function thrownBody(fn: () => unknown): unknown {
  try {
    const result = fn();
    if (isApiError(result)) return result.toJSON();
  } catch (error) {
    return (error as ApiError<number>).toJSON();
  }
  return undefined;
}
