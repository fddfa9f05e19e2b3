/** Turning a token source of the config into a token: a variable, a literal, or a login request. */
import { ConfigError, type LoginRequest, type TokenSource, withEnv } from "./config.js";

/** The login request failed or its answer carries no token: the run stops with exit code 3. */
export class LoginError extends Error {
  override readonly name = "LoginError";
}

function atPointer(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  let node = value;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/**
 * Sends the login request and reads the token from its JSON answer.
 * @example
 * await login(new URL("http://127.0.0.1:3000"), { method: "POST", path: "/v1/auth/token",
 *   headers: {}, body: { email: "ci@example.com", password: { env: "CI_PASSWORD" } }, token: "/access_token" }, process.env, 5000);
 */
export async function login(
  base: URL,
  request: LoginRequest,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<string> {
  const url = new URL(`${base.href.replace(/\/+$/, "")}${request.path}`);
  const body = request.body === undefined ? undefined : JSON.stringify(withEnv(request.body, env));
  const headers = withEnv(request.headers, env) as Record<string, string>;
  let response: Response;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        accept: "application/json",
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...headers,
      },
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    throw new LoginError(
      `login ${request.method} ${request.path} failed: ${typeof code === "string" ? code : String(error)}`,
    );
  }
  const text = await response.text();
  if (!response.ok) {
    throw new LoginError(
      `login ${request.method} ${request.path} answered ${response.status}: ${text.slice(0, 200)}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new LoginError(`login ${request.method} ${request.path} answered ${response.status} without JSON`);
  }
  const token = atPointer(parsed, request.token);
  if (typeof token !== "string" || token === "") {
    throw new LoginError(
      `login ${request.method} ${request.path}: no string token at ${request.token} in the answer`,
    );
  }
  return token;
}

/** The token a source gives. */
export async function tokenFrom(
  source: TokenSource,
  base: URL,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
): Promise<string> {
  if ("value" in source) return source.value;
  if ("env" in source) {
    const value = env[source.env];
    if (value === undefined || value === "")
      throw new ConfigError(`environment variable ${source.env} is not set`);
    return value;
  }
  return login(base, source.login, env, timeoutMs);
}
