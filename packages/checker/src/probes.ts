/**
 * Which requests to send and what each must get back. Pure: a plan is computed from the options
 * and the (optional) spec before a byte goes out.
 *
 * Safe by default: without `allowWrites` no request with a write method (POST, PUT, PATCH,
 * DELETE) that gets past authentication is sent, not even a malformed one, since a server that
 * does not validate could accept it and write. What is sent then: reads (GET, OPTIONS), requests
 * to undocumented methods without credentials, and write requests with no or bad credentials.
 */
import { randomUUID } from "node:crypto";
import { absentItems, authItems, bodyItems, parameterItems, sampleItems } from "./operation-probes.js";
import { fullSample, merged, parameterText, sample, typesOf } from "./schema.js";
import type {
  Credentials,
  ErrorExpectation,
  HttpRequest,
  Operation,
  Parameter,
  PlanItem,
  Probe,
  Schema,
  Skip,
  Spec,
} from "./types.js";
import { validate } from "./validator.js";

export interface PlanOptions {
  /** Path of the base URL without a trailing slash (`""` for the root). */
  readonly basePath: string;
  /** `host[:port]` of the base URL, for raw requests. */
  readonly host: string;
  /** Raw-socket probes are possible (plain http). */
  readonly raw: boolean;
  /** A valid credential: a token, or `user:password` for http basic. */
  readonly token?: string | undefined;
  readonly expiredToken?: string | undefined;
  readonly forbiddenToken?: string | undefined;
  readonly allowWrites: boolean;
}

/** A path no API serves: the unknown-route probe and the raw probes use it. */
export const UNKNOWN_ROUTE = "/__api-error-codes-check__/no-such-route";
/** The operation name of the raw-socket checks. */
export const RAW_OPERATION = "raw socket";
/** A well-formed token no server knows. */
export const BOGUS_TOKEN = "api-error-codes-check-bogus-token";
/** Size of the oversize body: twice the contract's default limit of 1 MiB. */
export const OVERSIZE_BYTES = 2 * 1024 * 1024 + 1;
const PROBED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export const WRITE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);
/** Why a write request that would pass authentication is not sent by default. */
export const NEEDS_WRITES = "needs --allow-writes (a write request that gets past authentication)";

/** Statuses the contract allows for a code when the probe cannot be more precise. */
export function statusesFor(code: number): number[] {
  if (code === 4) return [400, 422];
  return [400];
}

export const error = (code: number, statuses: readonly number[] = statusesFor(code)): ErrorExpectation => ({
  kind: "error",
  statuses,
  code,
});

let sequence = 0;
/** A request id the server must echo back. */
const nextRequestId = (): string => `api-error-codes-check-${(++sequence).toString(36)}`;

export function http(
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
): HttpRequest {
  const all = { "x-request-id": nextRequestId(), accept: "application/json", ...headers };
  return body === undefined
    ? { kind: "http", method, target, headers: all }
    : { kind: "http", method, target, headers: all, body };
}

/**
 * The checks every API gets, spec or not: an unknown route, a malformed request line and an
 * oversized header block.
 * @example
 * planBase({ basePath: "", host: "127.0.0.1:3000", raw: true, allowWrites: false });
 */
export function planBase(options: PlanOptions): PlanItem[] {
  const target = `${options.basePath}${UNKNOWN_ROUTE}`;
  const unknown = `GET ${target}`;
  const items: PlanItem[] = [
    {
      check: "unknown-route",
      operation: unknown,
      group: unknown,
      documented: undefined,
      request: http("GET", target),
      expect: error(10, [404]),
    },
  ];
  const raw: [string, string, number[]][] = [
    ["malformed-request-line", "HELLO\r\n\r\n", [400]],
    [
      "header-overflow",
      `GET ${target} HTTP/1.1\r\nHost: ${options.host}\r\nConnection: close\r\nX-Api-Error-Codes-Check: ${"a".repeat(20_000)}\r\n\r\n`,
      [400, 431],
    ],
  ];
  for (const [check, data, statuses] of raw) {
    items.push(
      options.raw
        ? {
            check,
            operation: RAW_OPERATION,
            group: RAW_OPERATION,
            documented: undefined,
            request: { kind: "raw", data },
            expect: error(3, statuses),
          }
        : skip(check, RAW_OPERATION, "raw-socket probes need an http:// base URL"),
    );
  }
  return items;
}

export const skip = (check: string, operation: string, message: string, group = operation): Skip => ({
  skip: true,
  check,
  operation,
  group,
  message,
});

/** Whether a concrete path fits a path template (`/pet/findByStatus` fits `/pet/{petId}`). */
function templateMatches(template: string, path: string): boolean {
  const pattern = template
    .split(/\{[^}]+\}/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[^/]+");
  return new RegExp(`^${pattern}$`).test(path);
}

/** A path template with its parameters filled in (percent-encoded). */
function fillPath(template: string, values: ReadonlyMap<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = values.get(name);
    return value === undefined ? whole : encodeURIComponent(value);
  });
}

function queryString(entries: readonly [string, string][]): string {
  if (entries.length === 0) return "";
  return `?${entries.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")}`;
}

/** Sample values of parameters, as URL text; `undefined` for those without one. */
function sampleParameters(parameters: readonly Parameter[]): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const p of parameters) {
    const found = sample(p.schema);
    out.set(`${p.in}:${p.name}`, found === undefined ? undefined : parameterText(found.value));
  }
  return out;
}

/** A value for a path parameter that names no existing resource. */
export function absentValue(schema: Schema): string | undefined {
  const s = merged(schema);
  if (s.format === "uuid") return randomUUID();
  const types = typesOf(s) ?? ["string"];
  const candidates: unknown[] = [];
  if (types.includes("integer") || types.includes("number")) {
    candidates.push(typeof s.maximum === "number" ? s.maximum : 2_147_483_647, 999_999_999, 987_654);
  }
  // Digits last: ids kept as strings are often constrained to them (`^[1-9][0-9]*$`).
  if (types.includes("string")) {
    candidates.push(`api-error-codes-check-absent-${randomUUID()}`, randomUUID(), "999999999", "987654");
  }
  for (const candidate of candidates) {
    if (validate(schema, candidate).length === 0) return parameterText(candidate);
  }
  const found = sample(schema);
  return found === undefined ? undefined : parameterText(found.value);
}

/** Credentials as they go on a request: headers, and query parameters for apiKey in query. */
export interface Credential {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: readonly (readonly [string, string])[];
}

export interface OperationContext {
  readonly op: Operation;
  readonly spec: Spec;
  readonly options: PlanOptions;
  readonly prefix: string;
  /** Sample text per `in:name`. */
  readonly samples: ReadonlyMap<string, string | undefined>;
  /** Why valid parameters cannot be built, when they cannot. */
  readonly unsampled: string | undefined;
  /** What authenticates with `--token`; `undefined` when the operation needs one and none was given. */
  readonly credentials: Credential | undefined;
  /** A body the schema accepts, required members only (when the operation takes a JSON body). */
  readonly body: { value: unknown } | undefined;
  /** A body the schema accepts with optional members too, for requests that must reach the handler. */
  readonly fullBody: { value: unknown } | undefined;
  /** Sample values of the required header parameters, sent with every request of the operation. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The request target for an operation, with parameters overridden or left out, and credentials in the query. */
export function targetOf(
  ctx: OperationContext,
  overrides: ReadonlyMap<string, string | null> = new Map(),
  credential: Credential | undefined = undefined,
): string {
  const path = new Map<string, string>();
  const query: [string, string][] = [];
  for (const p of ctx.op.parameters) {
    const key = `${p.in}:${p.name}`;
    const override = overrides.get(key);
    const value = override !== undefined ? override : ctx.samples.get(key);
    if (value === null || value === undefined) continue;
    if (p.in === "path") path.set(p.name, value);
    else if (p.in === "query" && (p.required || override !== undefined)) query.push([p.name, value]);
  }
  for (const [name, value] of credential?.query ?? []) query.push([name, value]);
  return `${ctx.prefix}${fillPath(ctx.op.path, path)}${queryString(query)}`;
}

/**
 * How a credential goes on a request for a security scheme: `Bearer`, `Basic` (the token is
 * `user:password`), an apiKey header, query parameter or cookie. `undefined` for a scheme the
 * checker cannot drive.
 */
export function credentialFor(security: Credentials, token: string): Credential | undefined {
  switch (security.kind) {
    case "bearer":
      return { headers: { authorization: `Bearer ${token}` }, query: [] };
    case "basic":
      return { headers: { authorization: `Basic ${Buffer.from(token).toString("base64")}` }, query: [] };
    case "header":
      return { headers: { [security.header]: token }, query: [] };
    case "query":
      return { headers: {}, query: [[security.name, token]] };
    case "cookie":
      return { headers: { cookie: `${security.name}=${encodeURIComponent(token)}` }, query: [] };
    case "unsupported":
      return undefined;
  }
}

const ANONYMOUS: Credential = { headers: {}, query: [] };

function credentialsOf(op: Operation, token: string | undefined): Credential | undefined {
  if (op.security === undefined) return ANONYMOUS;
  return token === undefined ? undefined : credentialFor(op.security, token);
}

/**
 * The whole plan for a spec: per path the method and OPTIONS checks, per operation the auth,
 * body, parameter, absent-resource and not-realized checks.
 * @example
 * const items = planSpec(spec, { basePath: "", host: "localhost:3000", raw: true, allowWrites: false });
 */
export function planSpec(spec: Spec, options: PlanOptions): PlanItem[] {
  const prefix = options.basePath !== "" ? options.basePath : spec.serverPath;
  const items: PlanItem[] = [];
  for (const [path, own] of spec.paths) {
    const ops = spec.operations.filter((op) => op.path === path);
    const first = ops[0];
    const samples = sampleParameters(first?.parameters ?? []);
    const values = new Map<string, string>();
    for (const p of first?.parameters ?? []) {
      const value = samples.get(`path:${p.name}`);
      if (p.in === "path" && value !== undefined) values.set(p.name, value);
    }
    const concrete = fillPath(path, values);
    const target = `${prefix}${concrete}`;
    // A concrete path another template also matches (`/pet/findByStatus` and `/pet/{petId}`)
    // is served with the methods of both: a server cannot tell them apart.
    const methods = [...own];
    for (const [other, more] of spec.paths) {
      if (other === path || !templateMatches(other, concrete)) continue;
      for (const method of more) if (!methods.includes(method)) methods.push(method);
    }
    const group = `* ${path}`;
    for (const method of PROBED_METHODS) {
      if (methods.includes(method) || (method === "GET" && methods.includes("HEAD"))) continue;
      items.push({
        check: "method-not-allowed",
        operation: `${method} ${path}`,
        group,
        documented: undefined,
        request: http(method, target),
        expect: { ...error(1, [405]), allow: methods },
      });
    }
    items.push({
      check: "options-allow",
      operation: `OPTIONS ${path}`,
      group,
      documented: undefined,
      request: http("OPTIONS", target),
      expect: { kind: "options", allow: methods },
    });
    for (const op of ops) items.push(...planOperation(op, spec, options, prefix));
  }
  return items;
}

function planOperation(op: Operation, spec: Spec, options: PlanOptions, prefix: string): PlanItem[] {
  if (!WRITE_METHODS.has(op.method) && op.method !== "GET") return [];
  const samples = sampleParameters(op.parameters);
  const missing = op.parameters.filter((p) => p.required && samples.get(`${p.in}:${p.name}`) === undefined);
  const bodySchema = op.body?.schema;
  const body =
    op.body === undefined ? undefined : bodySchema === undefined ? { value: {} } : sample(bodySchema);
  const full = bodySchema === undefined ? body : (fullSample(bodySchema) ?? body);
  const headers: Record<string, string> = {};
  for (const p of op.parameters) {
    const value = samples.get(`header:${p.name}`);
    if (p.in === "header" && p.required && value !== undefined) headers[p.name] = value;
  }
  const ctx: OperationContext = {
    headers,
    op,
    spec,
    options,
    prefix,
    samples,
    unsampled:
      missing.length > 0
        ? `no valid sample for parameter ${missing.map((p) => p.name).join(", ")}`
        : undefined,
    credentials: credentialsOf(op, options.token),
    body,
    fullBody: full,
  };
  const items: PlanItem[] = [];
  const realized = op.responses.includes("501");
  // Safe by default: a write request that passes authentication waits for --allow-writes.
  const guarded = (item: PlanItem): PlanItem =>
    "skip" in item || options.allowWrites || !WRITE_METHODS.has(op.method) || item.authenticated !== true
      ? item
      : skip(item.check, item.operation, NEEDS_WRITES, item.group);
  const add = (item: PlanItem) => {
    const kept = guarded(item);
    // A valid request with no check of its own is simply not sent.
    if ("skip" in kept && kept.check === "") return;
    items.push(realized && !("skip" in kept) ? { ...kept, needsRealized: op.label } : kept);
  };
  if (realized) {
    const request = http(op.method, targetOf(ctx));
    items.push(
      guarded({
        ...probe(ctx, "not-realized", request, { kind: "not-realized" }),
        ...(op.security === undefined ? { authenticated: true } : {}),
      }),
    );
  }
  for (const item of authItems(ctx)) add(item);
  for (const item of bodyItems(ctx)) add(item);
  for (const item of parameterItems(ctx)) add(item);
  for (const item of absentItems(ctx)) add(item);
  for (const item of sampleItems(ctx)) add(item);
  return items;
}

/**
 * A probe of the operation. `credential` says how it authenticates: a valid credential (or an
 * anonymous operation) marks it `authenticated`, which lets a 403/9 answer skip its check.
 */
export function probe(
  ctx: OperationContext,
  check: string,
  request: HttpRequest,
  expect: Probe["expect"],
  authenticated = false,
): Probe {
  const sent = { ...request, headers: { ...ctx.headers, ...request.headers } };
  return {
    check,
    operation: ctx.op.label,
    group: ctx.op.label,
    documented: ctx.op,
    request: sent,
    expect,
    ...(authenticated ? { authenticated: true as const } : {}),
  };
}
