/**
 * Options and route contracts checked when they are given, in JavaScript as much as in TypeScript:
 * an unknown key, a value of the wrong type or a limit that is no limit is a `TypeError` at start-up
 * naming the key and the adapter, never a check that is silently off (`auth: { role: [...] }` once
 * meant "no role check at all").
 */

import { isStandardSchema } from "../validation/standard.js";
import type { AuthenticateOptions } from "./auth.js";
import type { JsonBodyOptions } from "./body.js";
import type { ProtectOptions } from "./node/protect.js";
import type { PipelineOptions } from "./pipeline.js";

/** What a check says about a value: `undefined` when it is fine, else what it must be. */
type Check = (value: unknown) => string | undefined;

/** A byte size as `express.json({ limit })` spells it: `"512kb"`, `"1mb"`, `"1.5MB"`. */
export type ByteSize = `${number}${"b" | "kb" | "mb" | "gb" | "B" | "KB" | "MB" | "GB"}`;

const BYTES = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)$/i;
const UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const positiveInteger: Check = (value) =>
  typeof value === "number" && Number.isSafeInteger(value) && value > 0
    ? undefined
    : "must be a positive integer";
const nonNegative: Check = (value) =>
  typeof value === "number" && Number.isFinite(value) && value >= 0
    ? undefined
    : "must be a non-negative number of milliseconds";
const boolean: Check = (value) => (typeof value === "boolean" ? undefined : "must be true or false");
const string: Check = (value) => (typeof value === "string" ? undefined : "must be a string");
const nonEmptyString: Check = (value) =>
  typeof value === "string" && value.trim() !== "" ? undefined : "must be a non-empty string";
const fn: Check = (value) => (typeof value === "function" ? undefined : "must be a function");
const object: Check = (value) => (isRecord(value) ? undefined : "must be an object");
const stringList: Check = (value) =>
  Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === "string" && item !== "")
    ? undefined
    : "must be a non-empty array of strings";

/**
 * The number of bytes of a body limit: a positive integer, or a byte size string with binary units
 * as Express's body parsers read it (`"1mb"` is 1 048 576).
 * @example
 * toBytes("512kb"); // 524288
 * toBytes(-1); // undefined: not a limit
 */
export function toBytes(value: unknown): number | undefined {
  if (typeof value === "number") return positiveInteger(value) === undefined ? value : undefined;
  if (typeof value !== "string") return undefined;
  const match = BYTES.exec(value.trim());
  if (match === null) return undefined;
  const bytes = Math.floor(Number(match[1]) * (UNITS[(match[2] as string).toLowerCase()] as number));
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

const byteLimit: Check = (value) =>
  toBytes(value) === undefined
    ? 'must be a positive integer number of bytes or a size such as "512kb" or "1mb"'
    : undefined;

const logger: Check = (value) =>
  value === false ||
  (typeof value === "object" &&
    value !== null &&
    typeof (value as { info?: unknown }).info === "function" &&
    typeof (value as { error?: unknown }).error === "function")
    ? undefined
    : "must be a logger with info() and error() (pino's, console), or false";

const ajv: Check = (value) =>
  typeof (value as { compile?: unknown } | null)?.compile === "function" &&
  typeof (value as { validateSchema?: unknown }).validateSchema === "function"
    ? undefined
    : "must be an ajv instance";

const prometheus: Check = (value) =>
  typeof (value as { registerMetric?: unknown } | null)?.registerMetric === "function" &&
  typeof (value as { getSingleMetric?: unknown }).getSingleMetric === "function" &&
  typeof (value as { metrics?: unknown }).metrics === "function"
    ? undefined
    : "must be a prom-client Registry (new Registry(), or prom-client's default register)";

const LANGUAGE_TAG = /^[a-zA-Z]{1,8}(?:-[a-zA-Z0-9]{1,8})*$/;
const MESSAGES_KEYS = ["codes", "texts", "rules", "places", "summary"];

const languages: Check = (value) => {
  if (!isRecord(value)) return "must be an object of message catalogues by language tag, e.g. { de }";
  for (const [tag, messages] of Object.entries(value)) {
    if (!LANGUAGE_TAG.test(tag)) return `has "${tag}", which is not a language tag such as "de" or "pt-BR"`;
    if (!isRecord(messages)) return `.${tag} must be a message catalogue (an object)`;
    const unknown = Object.keys(messages).find((key) => !MESSAGES_KEYS.includes(key));
    if (unknown !== undefined)
      return `.${tag} has "${unknown}", which is not one of ${MESSAGES_KEYS.join(", ")}`;
  }
  return undefined;
};
const languageTag: Check = (value) =>
  typeof value === "string" && LANGUAGE_TAG.test(value)
    ? undefined
    : 'must be a language tag such as "en" or "de"';

const basePath: Check = (value) =>
  typeof value === "string" && (value === "" || value.startsWith("/"))
    ? undefined
    : 'must be a path starting with "/"';

/** Keys of a nested object, each with its check; `required` ones must be present. */
interface Shape {
  readonly keys: Readonly<Record<string, Check | Shape>>;
  readonly required?: readonly string[];
  /** Hints for keys people write by mistake, e.g. `limit` -> `bodyLimit`. */
  readonly hints?: Readonly<Record<string, string>>;
  /** `false` stands for "off" (`protect: false`). */
  readonly orFalse?: boolean;
}

const AUTH: Shape = {
  keys: {
    lookup: fn,
    header: nonEmptyString,
    maxTokenLength: positiveInteger,
    now: fn,
  } satisfies Record<keyof AuthenticateOptions | "lookup", Check>,
  required: ["lookup"],
  hints: {
    roles: "roles and scopes belong to a route's contract: api.route({ auth: { roles: [...] } })",
    scopes: "roles and scopes belong to a route's contract: api.route({ auth: { scopes: [...] } })",
  },
};
const JSON_LIMITS: Shape = {
  keys: {
    maxDepth: positiveInteger,
    maxStringLength: positiveInteger,
    maxArrayLength: positiveInteger,
    maxKeys: positiveInteger,
  } satisfies Record<keyof Omit<JsonBodyOptions, "limit">, Check>,
  hints: { limit: 'the body limit is the top-level option "bodyLimit"' },
};
const PROTECT: Shape = {
  keys: { headersTimeout: nonNegative, requestTimeout: nonNegative } satisfies Record<
    keyof ProtectOptions,
    Check
  >,
  orFalse: true,
};

const PIPELINE: Shape = {
  keys: {
    auth: AUTH,
    openapi: object,
    openapiBasePath: basePath,
    bodyLimit: byteLimit,
    json: JSON_LIMITS,
    dev: boolean,
    realm: string,
    logger,
    ajv,
    ignoreTrailingSlash: boolean,
    opentelemetry: boolean,
    prometheus,
    languages,
    defaultLanguage: languageTag,
    problemDetails: boolean,
    docLinks: boolean,
    // Every key of PipelineOptions, and no other: the options reference (docs/options.md) is tested against these.
  } satisfies Record<keyof PipelineOptions, Check | Shape>,
  hints: {
    otel: "opentelemetry",
    telemetry: "opentelemetry",
    registry: "prometheus",
    metrics: 'a prom-client registry is the option "prometheus"; OpenTelemetry metrics need no option',
    limit: 'did you mean "bodyLimit"?',
    problem: "problemDetails",
    language: "languages",
    locales: "languages",
    protect:
      "only the Express, Fastify and NestJS adapters take it; call protectServer(server) on the server you start",
  },
};

/** Options only some adapters have, by adapter name. `false` for `protect` switches it off. */
const ADAPTER_KEYS: Readonly<Record<string, Readonly<Record<string, Check | Shape>>>> = {
  "api-error-codes/express": { protect: PROTECT },
  "api-error-codes/nest": { protect: PROTECT },
  // Fastify's own registration options arrive with the plugin's.
  "api-error-codes/fastify": { protect: PROTECT, prefix: string, logLevel: string, logSerializers: object },
};

/**
 * Every option an adapter takes, nested ones as `auth.lookup`: what docs/options.md must list.
 * @example
 * optionKeys("api-error-codes/express"); // ["auth", "auth.lookup", ..., "protect", "protect.headersTimeout", ...]
 */
export function optionKeys(adapter: string): string[] {
  const keys: string[] = [];
  const walk = (shape: Readonly<Record<string, Check | Shape>>, prefix: string): void => {
    for (const [key, check] of Object.entries(shape)) {
      keys.push(prefix + key);
      if (typeof check !== "function") walk(check.keys, `${prefix}${key}.`);
    }
  };
  walk({ ...PIPELINE.keys, ...ADAPTER_KEYS[adapter] }, "");
  return keys;
}

/** Edit distance up to 2 (or the same letters in another case): what a typo looks like. */
function near(a: string, b: string): boolean {
  if (a.toLowerCase() === b.toLowerCase()) return true;
  if (Math.abs(a.length - b.length) > 2) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = row;
  }
  return (previous[b.length] as number) <= 2;
}

function unknownKey(
  key: string,
  known: readonly string[],
  hints: Readonly<Record<string, string>> = {},
): string {
  const hint = hints[key];
  if (hint !== undefined)
    return hint.includes(" ") ? `is unknown: ${hint}` : `is unknown; did you mean "${hint}"?`;
  const close = known.find((name) => near(key, name));
  if (close !== undefined) return `is unknown; did you mean "${close}"?`;
  return `is unknown (known: ${known.join(", ")})`;
}

/** The first problem of `value` against `shape`, as [path, what is wrong]. */
function problemIn(value: unknown, shape: Shape, path: string): [string, string] | undefined {
  if (value === false && shape.orFalse === true) return undefined;
  if (!isRecord(value))
    return [path, shape.orFalse === true ? "must be an object or false" : "must be an object"];
  const known = Object.keys(shape.keys);
  for (const key of Object.keys(value)) {
    const where = path === "" ? key : `${path}.${key}`;
    const check = Object.hasOwn(shape.keys, key) ? shape.keys[key] : undefined;
    if (check === undefined) return [where, unknownKey(key, known, shape.hints)];
    const given = value[key];
    if (given === undefined) continue;
    if (typeof check !== "function") {
      const inner = problemIn(given, check, where);
      if (inner !== undefined) return inner;
      continue;
    }
    const problem = check(given);
    if (problem !== undefined) return [where, problem];
  }
  for (const key of shape.required ?? []) {
    if (value[key] === undefined) return [path === "" ? key : `${path}.${key}`, "is required"];
  }
  return undefined;
}

/**
 * Checks an adapter's options; `adapter` names it in the error (`api-error-codes/express`). Keys
 * only some adapters have (`protect`) are accepted by those. Throws a `TypeError` naming the key.
 * @example
 * checkPipelineOptions({ bodyLimit: -1 }, "api-error-codes/express");
 * // TypeError: api-error-codes/express: option "bodyLimit" must be a positive integer number of bytes ...
 */
export function checkPipelineOptions(options: unknown, adapter: string): void {
  if (options === undefined) return;
  if (!isRecord(options)) throw new TypeError(`${adapter}: options must be an object`);
  const extra = ADAPTER_KEYS[adapter];
  const shape: Shape = extra === undefined ? PIPELINE : { ...PIPELINE, keys: { ...PIPELINE.keys, ...extra } };
  const problem = problemIn(options, shape, "");
  if (problem !== undefined) throw new TypeError(`${adapter}: option "${problem[0]}" ${problem[1]}`);
}

const SCHEMA_PARTS = ["body", "query", "params", "headers"] as const;
const CONTRACT_AUTH: Shape = { keys: { roles: stringList, scopes: stringList } };
const CONTRACT_HINTS: Readonly<Record<string, string>> = {
  querystring: "query",
  json: "body",
  param: "params",
  header: "headers",
};

/** Words of JSON Schema that make an object a schema rather than, say, a map of field names to types. */
const SCHEMA_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "items",
  "prefixItems",
  "enum",
  "const",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "$ref",
  "$id",
  "$schema",
  "$defs",
  "definitions",
  "additionalProperties",
  "patternProperties",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minItems",
  "maxItems",
  "uniqueItems",
  "contains",
  "minProperties",
  "maxProperties",
  "propertyNames",
  "dependentRequired",
  "dependentSchemas",
  "if",
  "then",
  "else",
  "multipleOf",
  "unevaluatedProperties",
  "unevaluatedItems",
  "nullable",
  "discriminator",
  "title",
  "description",
  "default",
  "examples",
  "$anchor",
  "$dynamicRef",
  "$comment",
]);

/**
 * What a route schema must look like: Standard Schema (`~standard`: valibot, arktype, zod), zod
 * (`safeParse`) or a JSON Schema object (TypeBox's too).
 */
function schemaProblem(value: unknown): string | undefined {
  if (isStandardSchema(value)) return undefined;
  if (typeof (value as { safeParse?: unknown } | null)?.safeParse === "function") return undefined;
  if (!isRecord(value)) return "must be a Standard Schema (valibot, arktype, zod) or a JSON Schema object";
  const keys = Object.keys(value);
  if (keys.length > 0 && !keys.some((key) => SCHEMA_KEYWORDS.has(key))) {
    return `is not a schema: no JSON Schema keyword among ${keys.slice(0, 5).join(", ")} (write { type: "object", properties: {...} } or a zod object)`;
  }
  return undefined;
}

/**
 * Checks a route's contract; `where` names the route in the error
 * (`api-error-codes/express: api.route()`). Throws a `TypeError` naming the key.
 * @example
 * checkRouteContract({ auth: { role: ["admin"] } }, "api-error-codes/hono: api.route()");
 * // TypeError: api-error-codes/hono: api.route(): "auth.role" is unknown; did you mean "roles"?
 */
export function checkRouteContract(contract: unknown, where: string): void {
  if (contract === undefined) return;
  const fail = (path: string, what: string): never => {
    throw new TypeError(`${where}: "${path}" ${what}`);
  };
  if (!isRecord(contract)) throw new TypeError(`${where}: the route contract must be an object`);
  for (const key of Object.keys(contract)) {
    if (key !== "auth" && key !== "schema") fail(key, unknownKey(key, ["auth", "schema"]));
  }
  const auth = contract.auth;
  if (auth !== undefined && typeof auth !== "boolean") {
    const problem = problemIn(auth, CONTRACT_AUTH, "auth");
    if (problem !== undefined)
      fail(problem[0], problem[0] === "auth" ? "must be true, false or { roles, scopes }" : problem[1]);
  }
  const schema = contract.schema;
  if (schema === undefined) return;
  if (!isRecord(schema)) fail("schema", "must be an object of body, query, params and headers schemas");
  for (const key of Object.keys(schema as object)) {
    const part = (schema as Record<string, unknown>)[key];
    if (!(SCHEMA_PARTS as readonly string[]).includes(key)) {
      fail(`schema.${key}`, unknownKey(key, SCHEMA_PARTS, CONTRACT_HINTS));
    }
    if (part === undefined) continue;
    const problem = schemaProblem(part);
    if (problem !== undefined) fail(`schema.${key}`, problem);
  }
}

const ADAPTED = Symbol.for("api-error-codes.adapted");

/**
 * Marks an app as adapted, or throws the same `TypeError` on every adapter when it already is: two
 * adapters on one app would answer every error twice.
 * @example
 * claimApp(app, "api-error-codes/hono"); // second call: TypeError "... this app is already adapted ..."
 */
export function claimApp(app: object, adapter: string): void {
  // Read through the prototype chain: a Fastify child context inherits its parent's mark.
  if ((app as { [ADAPTED]?: unknown })[ADAPTED] === true) {
    throw new TypeError(
      `${adapter}: this app is already adapted; apply apiErrorCodes once, right after creating the app`,
    );
  }
  Object.defineProperty(app, ADAPTED, { value: true, configurable: true });
}
