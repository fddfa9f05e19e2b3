/** Requests over real HTTP and the checks every error answer must pass. */
import { parseErrorBody } from "api-error-codes";
import { expect } from "vitest";

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

export interface RequestOptions {
  token?: string;
  /** An object is sent as JSON; a string as it is (with a JSON media type unless headers say). */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The request of {@link call}, for helpers that read the response their own way. */
export function send(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<Answer> {
  const response = await send(base, method, path, options);
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export interface ErrorBody {
  error_code: number;
  error_message: string;
  details: unknown;
}

/** Asserts the contract on an error answer and returns its body. */
export function expectError(answer: Answer, status: number, code: number): ErrorBody {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
  expect(answer.headers.get("x-request-id")).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  const parsed = parseErrorBody(answer.text, status);
  expect(parsed.conforming ? [] : parsed.problems).toStrictEqual([]);
  const body = answer.json as ErrorBody;
  expect(Object.keys(body)).toStrictEqual(["error_code", "error_message", "details"]);
  expect(body.error_code).toBe(code);
  if (status === 401) expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
  return body;
}

/** The `rule`s of a 3/4/5 answer's violations, as `pointer:rule`. */
export function rules(body: ErrorBody): string[] {
  const { violations } = body.details as { violations: { pointer: string; rule: string }[] };
  return violations.map((v) => `${v.pointer}:${v.rule}`);
}
