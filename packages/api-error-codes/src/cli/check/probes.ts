/**
 * Which requests to send and what each must get back. Pure: a plan is computed from the options
 * and the (optional) spec before a byte goes out.
 *
 * Safe by default: without `allowWrites` the plan holds reads (GET) and requests the contract says
 * must be rejected (no or bad credentials, broken bodies, bad parameters, undocumented methods).
 * Requests that a server could accept and that might change data (DELETE or PUT on an id, a valid
 * POST body) need `allowWrites`.
 */
import { randomUUID } from "node:crypto";
import {
  breakers,
  codeFor,
  type Failure,
  fieldsOf,
  merged,
  parameterText,
  parameterValue,
  sample,
  typesOf,
  validate,
  withField,
} from "./schema.js";
import type {
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

export interface PlanOptions {
  /** Path of the base URL without a trailing slash (`""` for the root). */
  readonly basePath: string;
  /** `host[:port]` of the base URL, for raw requests. */
  readonly host: string;
  /** Raw-socket probes are possible (plain http). */
  readonly raw: boolean;
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
const UNKNOWN_FIELD = "api_error_codes_check_unknown_field";
const WRONG_TYPE_PARAMETER = "abc";
const PROBED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Statuses the contract allows for a code when the probe cannot be more precise. */
export function statusesFor(code: number): number[] {
  if (code === 4) return [400, 422];
  return [400];
}

const error = (code: number, statuses: readonly number[] = statusesFor(code)): ErrorExpectation => ({
  kind: "error",
  statuses,
  code,
});

let sequence = 0;
/** A request id the server must echo back. */
const nextRequestId = (): string => `api-error-codes-check-${(++sequence).toString(36)}`;

function http(
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

const skip = (check: string, operation: string, message: string, group = operation): Skip => ({
  skip: true,
  check,
  operation,
  group,
  message,
});

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
function absentValue(schema: Schema): string | undefined {
  const s = merged(schema);
  if (s.format === "uuid") return randomUUID();
  const types = typesOf(s) ?? ["string"];
  const candidates: unknown[] = [];
  if (types.includes("integer") || types.includes("number")) {
    candidates.push(typeof s.maximum === "number" ? s.maximum : 2_147_483_647, 999_999_999, 987_654);
  }
  if (types.includes("string")) candidates.push(`api-error-codes-check-absent-${randomUUID()}`, randomUUID());
  for (const candidate of candidates) {
    if (validate(schema, candidate).length === 0) return parameterText(candidate);
  }
  const found = sample(schema);
  return found === undefined ? undefined : parameterText(found.value);
}

interface OperationContext {
  readonly op: Operation;
  readonly spec: Spec;
  readonly options: PlanOptions;
  readonly prefix: string;
  /** Sample text per `in:name`. */
  readonly samples: ReadonlyMap<string, string | undefined>;
  /** Why valid parameters cannot be built, when they cannot. */
  readonly unsampled: string | undefined;
  /** Headers that authenticate with `--token`; `undefined` when the operation needs one and none was given. */
  readonly credentials: Record<string, string> | undefined;
  /** A body the schema accepts (when the operation takes a JSON body). */
  readonly body: { value: unknown } | undefined;
  /** Sample values of the required header parameters, sent with every request of the operation. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The request target for an operation, with parameters overridden or left out. */
function targetOf(ctx: OperationContext, overrides: ReadonlyMap<string, string | null> = new Map()): string {
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
  return `${ctx.prefix}${fillPath(ctx.op.path, path)}${queryString(query)}`;
}

function credentialHeaders(op: Operation, token: string | undefined): Record<string, string> | undefined {
  const security = op.security;
  if (security === undefined) return {};
  if (token === undefined || security.kind === "unsupported") return undefined;
  return security.kind === "bearer" ? { authorization: `Bearer ${token}` } : { [security.header]: token };
}

const jsonHeaders = (credentials: Record<string, string>) => ({
  ...credentials,
  "content-type": "application/json",
});

/**
 * The whole plan for a spec: per path the method and OPTIONS checks, per operation the auth,
 * body, parameter, absent-resource and not-realized checks.
 * @example
 * const items = planSpec(spec, { basePath: "", host: "localhost:3000", raw: true, allowWrites: false });
 */
export function planSpec(spec: Spec, options: PlanOptions): PlanItem[] {
  const prefix = options.basePath !== "" ? options.basePath : spec.serverPath;
  const items: PlanItem[] = [];
  for (const [path, methods] of spec.paths) {
    const ops = spec.operations.filter((op) => op.path === path);
    const first = ops[0];
    const samples = sampleParameters(first?.parameters ?? []);
    const values = new Map<string, string>();
    for (const p of first?.parameters ?? []) {
      const value = samples.get(`path:${p.name}`);
      if (p.in === "path" && value !== undefined) values.set(p.name, value);
    }
    const target = `${prefix}${fillPath(path, values)}`;
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
    credentials: credentialHeaders(op, options.token),
    body,
  };
  const items: PlanItem[] = [];
  const realized = op.responses.includes("501");
  const add = (item: PlanItem) => {
    items.push(realized && !("skip" in item) ? { ...item, needsRealized: op.label } : item);
  };
  if (realized) {
    items.push(probe(ctx, "not-realized", http(op.method, targetOf(ctx)), { kind: "not-realized" }));
  }
  for (const item of authItems(ctx)) add(item);
  for (const item of bodyItems(ctx)) add(item);
  for (const item of parameterItems(ctx)) add(item);
  for (const item of absentItems(ctx)) add(item);
  for (const item of sampleItems(ctx)) add(item);
  return items;
}

function probe(ctx: OperationContext, check: string, request: HttpRequest, expect: Probe["expect"]): Probe {
  const sent = { ...request, headers: { ...ctx.headers, ...request.headers } };
  return { check, operation: ctx.op.label, group: ctx.op.label, documented: ctx.op, request: sent, expect };
}

/** 6, 7, 8 and 9 for a secured operation. Sent without a body: authentication comes first. */
function authItems(ctx: OperationContext): PlanItem[] {
  const { op, options } = ctx;
  const security = op.security;
  if (security === undefined) return [];
  const label = op.label;
  const checks = [
    "auth-missing",
    "auth-bogus",
    "auth-expired",
    ...(op.responses.includes("403") ? ["auth-forbidden"] : []),
  ];
  if (security.kind === "unsupported") {
    return checks.map((c) =>
      skip(c, label, `security scheme ${security.scheme} is not supported by the checker`),
    );
  }
  const target = targetOf(ctx);
  const bearer = security.kind === "bearer";
  const send = (token: string) =>
    bearer ? { authorization: `Bearer ${token}` } : { [security.header]: token };
  const items: PlanItem[] = [
    probe(ctx, "auth-missing", http(op.method, target), {
      ...error(6, [401]),
      ...(bearer ? { wwwAuthenticate: "present" as const } : {}),
    }),
    probe(ctx, "auth-bogus", http(op.method, target, send(BOGUS_TOKEN)), {
      ...error(7, [401]),
      ...(bearer ? { wwwAuthenticate: "invalid_token" as const } : {}),
    }),
  ];
  items.push(
    options.expiredToken === undefined
      ? skip("auth-expired", label, "needs --expired-token")
      : probe(ctx, "auth-expired", http(op.method, target, send(options.expiredToken)), {
          ...error(8, [401]),
          ...(bearer ? { wwwAuthenticate: "invalid_token" as const } : {}),
        }),
  );
  if (op.responses.includes("403")) {
    items.push(
      options.forbiddenToken === undefined
        ? skip("auth-forbidden", label, "needs --forbidden-token")
        : probe(
            ctx,
            "auth-forbidden",
            http(op.method, target, send(options.forbiddenToken)),
            error(9, [403]),
          ),
    );
  }
  return items;
}

/** Why a request that must pass authentication cannot be sent, if it cannot. */
function blocked(ctx: OperationContext): string | undefined {
  if (ctx.credentials === undefined) {
    return ctx.op.security?.kind === "unsupported"
      ? `security scheme ${ctx.op.security.scheme} is not supported by the checker`
      : "needs --token (the operation is secured)";
  }
  return undefined;
}

/** The expectation for a body or parameter that breaks exactly these rules. */
function expectationFor(failures: readonly Failure[]): ErrorExpectation {
  return error(codeFor(failures));
}

function bodyItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  if (op.body === undefined) return [];
  const label = op.label;
  const reason = blocked(ctx) ?? ctx.unsampled;
  const items: PlanItem[] = [];
  const target = targetOf(ctx);
  const credentials = ctx.credentials ?? {};
  const send = (
    check: string,
    text: string | Buffer,
    expect: ErrorExpectation,
    contentType = "application/json",
  ) =>
    reason !== undefined
      ? skip(check, label, reason)
      : probe(
          ctx,
          check,
          http(op.method, target, { ...credentials, "content-type": contentType }, text),
          expect,
        );

  items.push(send("body-malformed-json", '{"api_error_codes_check": ', error(3)));
  const wrongMedia = op.body.mediaTypes.includes("text/plain") ? "application/xml" : "text/plain";
  const mediaBody = ctx.body === undefined ? "{}" : JSON.stringify(ctx.body.value);
  items.push(send("body-media-type", mediaBody, error(3, [400, 415]), wrongMedia));

  const schema = op.body.schema;
  if (schema !== undefined) {
    const base = ctx.body;
    const mutated = (check: string, value: unknown, keyword: string, pointer: string, code?: number) => {
      if (base === undefined) {
        items.push(skip(check, label, reason ?? "no valid sample body could be built from the schema"));
        return;
      }
      const failures = validate(schema, value);
      if (!failures.some((f) => f.keyword === keyword && f.pointer === pointer)) return;
      const expect = expectationFor(failures);
      if (code !== undefined && expect.code !== code) return;
      items.push(send(check, JSON.stringify(value), expect));
    };
    for (const field of fieldsOf(schema)) {
      const name = field.path.join(".");
      const pointer = `/${field.path.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/")}`;
      const start = base?.value ?? {};
      if (field.required)
        mutated(`body-required:${name}`, withField(start, field, undefined, true), "required", pointer);
      const wrong = wrongTypeOf(field.schema);
      if (wrong !== undefined)
        mutated(`body-type:${name}`, withField(start, field, wrong), "type", pointer, 5);
      for (const breaker of breakers(field.schema)) {
        mutated(
          `body-constraint:${name}:${breaker.keyword}`,
          withField(start, field, breaker.value),
          breaker.keyword,
          pointer,
          4,
        );
      }
    }
    const root = merged(schema);
    if (root.additionalProperties === false || root.unevaluatedProperties === false) {
      const keyword = root.additionalProperties === false ? "additionalProperties" : "unevaluatedProperties";
      const start = base?.value;
      const value =
        typeof start === "object" && start !== null ? { ...start, [UNKNOWN_FIELD]: true } : undefined;
      mutated("body-additional", value, keyword, `/${UNKNOWN_FIELD}`, 3);
    }
  }
  const padding = "a".repeat(OVERSIZE_BYTES);
  items.push(send("body-oversize", `{"api_error_codes_check_padding":"${padding}"}`, error(3, [413])));
  return items;
}

/** A value of the wrong JSON type for a field, avoiding `null` (which many servers read as absent). */
function wrongTypeOf(schema: Schema): unknown {
  const types = typesOf(merged(schema));
  if (types === undefined) return undefined;
  const has = (t: string) => types.includes(t) || (t === "integer" && types.includes("number"));
  if (!has("string")) return "abc";
  if (!has("integer")) return 12345;
  if (!has("boolean")) return true;
  if (!has("object")) return { api_error_codes_check: 1 };
  if (!has("array")) return ["x"];
  return undefined;
}

function parameterItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  const items: PlanItem[] = [];
  const reason =
    blocked(ctx) ??
    ctx.unsampled ??
    (op.body?.required === true && ctx.body === undefined
      ? "no valid sample body could be built from the schema"
      : undefined);
  const bodyHeaders = (): { headers: Record<string, string>; body?: string } => {
    const credentials = ctx.credentials ?? {};
    if (op.body?.required !== true || ctx.body === undefined) return { headers: credentials };
    return { headers: jsonHeaders(credentials), body: JSON.stringify(ctx.body.value) };
  };
  const send = (check: string, overrides: Map<string, string | null>, expect: ErrorExpectation) => {
    if (reason !== undefined) {
      items.push(skip(check, op.label, reason));
      return;
    }
    const { headers, body } = bodyHeaders();
    items.push(probe(ctx, check, http(op.method, targetOf(ctx, overrides), headers, body), expect));
  };
  for (const p of op.parameters) {
    if (p.in === "header") continue;
    const key = `${p.in}:${p.name}`;
    const types = typesOf(merged(p.schema)) ?? [];
    if (
      types.length > 0 &&
      !types.includes("string") &&
      !types.includes("array") &&
      !types.includes("object")
    ) {
      const failures = validate(p.schema, parameterValue(WRONG_TYPE_PARAMETER, p.schema));
      if (codeFor(failures) === 5 && failures.length > 0) {
        send(`param-type:${p.name}`, new Map([[key, WRONG_TYPE_PARAMETER]]), expectationFor(failures));
      }
    }
    if (!types.includes("array") && !types.includes("object")) {
      for (const breaker of breakers(p.schema)) {
        const text = parameterText(breaker.value);
        if (p.in === "path" && text === "") continue;
        const failures = validate(p.schema, parameterValue(text, p.schema));
        if (!failures.some((f) => f.keyword === breaker.keyword) || codeFor(failures) !== 4) continue;
        send(`param-range:${p.name}:${breaker.keyword}`, new Map([[key, text]]), expectationFor(failures));
      }
    }
    if (p.in === "query" && p.required) send(`param-required:${p.name}`, new Map([[key, null]]), error(3));
  }
  return items;
}

/** 404 / 10 for an id that names nothing. Writes (DELETE, PUT, ...) only with `allowWrites`. */
function absentItems(ctx: OperationContext): PlanItem[] {
  const { op, options } = ctx;
  const pathParams = op.parameters.filter((p) => p.in === "path");
  if (pathParams.length === 0) return [];
  if (op.method !== "GET" && !options.allowWrites) {
    return [skip("absent-resource", op.label, "needs --allow-writes (the request could change data)")];
  }
  const needsBody = op.method === "PUT" || op.method === "PATCH" || op.method === "POST";
  const reason =
    blocked(ctx) ??
    ctx.unsampled ??
    (needsBody && op.body?.required === true && ctx.body === undefined
      ? "no valid sample body could be built from the schema"
      : undefined);
  if (reason !== undefined) return [skip("absent-resource", op.label, reason)];
  const overrides = new Map<string, string | null>();
  for (const p of pathParams) {
    const value = absentValue(p.schema);
    if (value === undefined)
      return [skip("absent-resource", op.label, `no value for path parameter ${p.name}`)];
    overrides.set(`path:${p.name}`, value);
  }
  const credentials = ctx.credentials ?? {};
  const withBody = needsBody && op.body !== undefined && ctx.body !== undefined;
  const request = withBody
    ? http(op.method, targetOf(ctx, overrides), jsonHeaders(credentials), JSON.stringify(ctx.body?.value))
    : http(op.method, targetOf(ctx, overrides), credentials);
  return [probe(ctx, "absent-resource", request, error(10, [404]))];
}

/**
 * Valid requests with no result of their own: reads of operations without path parameters, and
 * with `allowWrites` valid POST bodies. Their answers still get the checks every answer gets.
 */
function sampleItems(ctx: OperationContext): PlanItem[] {
  const { op, options } = ctx;
  if (
    ctx.credentials === undefined ||
    ctx.unsampled !== undefined ||
    ctx.op.security?.kind === "unsupported"
  ) {
    return [];
  }
  if (op.parameters.some((p) => p.in === "path")) return [];
  if (op.method === "GET")
    return [probe(ctx, "", http("GET", targetOf(ctx), ctx.credentials), { kind: "none" })];
  if (op.method === "POST" && options.allowWrites && ctx.body !== undefined) {
    const request = http("POST", targetOf(ctx), jsonHeaders(ctx.credentials), JSON.stringify(ctx.body.value));
    return [probe(ctx, "", request, { kind: "none" })];
  }
  return [];
}
