/**
 * The config file (`--config checker.yaml`, YAML or JSON) for CI: the target, the spec, where the
 * tokens come from (environment variables, or a login request), checks to skip, and the output.
 * Command-line options override it. Secrets are never written in it: a token is `{ env: NAME }`
 * or obtained by `login`.
 */
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";

/** The config is unusable: the run stops with exit code 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** A login request whose JSON answer carries a token (at `token`, a JSON Pointer). */
export interface LoginRequest {
  readonly method: string;
  /** Relative to the target, e.g. `/v1/auth/token`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Sent as JSON; `{ env: NAME }` anywhere in it is replaced by that variable. */
  readonly body: unknown;
  /** JSON Pointer of the token in the answer, e.g. `/access_token`. */
  readonly token: string;
}

/** Where one credential comes from. */
export type TokenSource =
  | { readonly env: string }
  | { readonly value: string }
  | { readonly login: LoginRequest };

/** The config file, checked and with its relative paths resolved. */
export interface CheckerConfig {
  readonly target?: string;
  readonly spec?: string;
  readonly tokens: {
    readonly valid?: TokenSource;
    readonly expired?: TokenSource;
    readonly forbidden?: TokenSource;
  };
  /** Check patterns to skip: `body-oversize`, `body-constraint:*`, `POST /v1/orders body-type:*`. */
  readonly skip: readonly string[];
  readonly allowWrites?: boolean;
  readonly baseline?: string;
  readonly format?: string;
  readonly out?: string;
  readonly timeout?: number;
  readonly concurrency?: number;
}

const KEYS = new Set([
  "target",
  "spec",
  "tokens",
  "skip",
  "allowWrites",
  "baseline",
  "format",
  "out",
  "timeout",
  "concurrency",
]);
const TOKEN_KEYS = new Set(["valid", "expired", "forbidden"]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function string(value: unknown, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value === "") throw new ConfigError(`${where} must be a non-empty string`);
  return value;
}

function tokenSource(value: unknown, where: string): TokenSource | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value))
    throw new ConfigError(`${where} must be { env: NAME }, { value: "..." } or { login: {...} }`);
  if (typeof value.env === "string") return { env: value.env };
  if (typeof value.value === "string") return { value: value.value };
  if (isRecord(value.login)) {
    const login = value.login;
    const method = (string(login.method, `${where}.login.method`) ?? "POST").toUpperCase();
    const path = string(login.path, `${where}.login.path`);
    const token = string(login.token, `${where}.login.token`);
    if (path === undefined || !path.startsWith("/"))
      throw new ConfigError(`${where}.login.path must start with /`);
    if (token === undefined || (token !== "" && !token.startsWith("/"))) {
      throw new ConfigError(`${where}.login.token must be a JSON Pointer such as /access_token`);
    }
    const headers: Record<string, string> = {};
    for (const [name, header] of Object.entries(isRecord(login.headers) ? login.headers : {})) {
      headers[name.toLowerCase()] = string(header, `${where}.login.headers.${name}`) as string;
    }
    return { login: { method, path, headers, body: login.body, token } };
  }
  throw new ConfigError(`${where} must be { env: NAME }, { value: "..." } or { login: {...} }`);
}

function positive(value: unknown, where: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ConfigError(`${where} must be a positive integer`);
  }
  return value;
}

/**
 * Reads and checks a config file; unknown keys are errors, so a typo never disables a setting.
 * @example
 * const config = await loadConfig("checker.yaml");
 * config.tokens.valid; // { env: "API_TOKEN" }
 */
export async function loadConfig(file: string): Promise<CheckerConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new ConfigError(
      `cannot read the config ${file}: ${typeof code === "string" ? code : String(error)}`,
    );
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `the config ${file} is not YAML or JSON: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (!isRecord(raw)) throw new ConfigError(`the config ${file} is not an object`);
  for (const key of Object.keys(raw)) {
    if (!KEYS.has(key)) throw new ConfigError(`unknown key "${key}" in the config ${file}`);
  }
  const here = dirname(resolve(file));
  const local = (value: string | undefined) =>
    value === undefined || /^https?:\/\//i.test(value) ? value : resolve(here, value);
  const tokens = isRecord(raw.tokens) ? raw.tokens : {};
  if (raw.tokens !== undefined && !isRecord(raw.tokens)) throw new ConfigError("tokens must be an object");
  for (const key of Object.keys(tokens)) {
    if (!TOKEN_KEYS.has(key))
      throw new ConfigError(`unknown key "tokens.${key}" (valid, expired, forbidden)`);
  }
  if (raw.skip !== undefined && (!Array.isArray(raw.skip) || raw.skip.some((s) => typeof s !== "string"))) {
    throw new ConfigError("skip must be a list of check patterns");
  }
  if (raw.allowWrites !== undefined && typeof raw.allowWrites !== "boolean") {
    throw new ConfigError("allowWrites must be true or false");
  }
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
  return {
    ...optional("target", string(raw.target, "target")),
    ...optional("spec", local(string(raw.spec, "spec"))),
    tokens: {
      ...optional("valid", tokenSource(tokens.valid, "tokens.valid")),
      ...optional("expired", tokenSource(tokens.expired, "tokens.expired")),
      ...optional("forbidden", tokenSource(tokens.forbidden, "tokens.forbidden")),
    },
    skip: (raw.skip as string[] | undefined) ?? [],
    ...optional("allowWrites", raw.allowWrites as boolean | undefined),
    ...optional("baseline", local(string(raw.baseline, "baseline"))),
    ...optional("format", string(raw.format, "format")),
    ...optional("out", local(string(raw.out, "out"))),
    ...optional("timeout", positive(raw.timeout, "timeout")),
    ...optional("concurrency", positive(raw.concurrency, "concurrency")),
  };
}

/** `{ env: NAME }` anywhere in a value replaced by the variable (missing ones are errors). */
export function withEnv(value: unknown, env: Readonly<Record<string, string | undefined>>): unknown {
  if (Array.isArray(value)) return value.map((item) => withEnv(item, env));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && typeof value.env === "string") {
    const found = env[value.env];
    if (found === undefined || found === "")
      throw new ConfigError(`environment variable ${value.env} is not set`);
    return found;
  }
  return Object.fromEntries(keys.map((key) => [key, withEnv(value[key], env)]));
}

/** Whether a check id (`body-type:quantity`) of an operation matches a skip pattern. */
export function matchesSkip(pattern: string, check: string, operation: string): boolean {
  const glob = (text: string) =>
    new RegExp(
      `^${text
        .split("*")
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join(".*")}$`,
    );
  const space = pattern.lastIndexOf(" ");
  if (space > 0) {
    return glob(pattern.slice(0, space)).test(operation) && glob(pattern.slice(space + 1)).test(check);
  }
  return glob(pattern).test(check);
}
