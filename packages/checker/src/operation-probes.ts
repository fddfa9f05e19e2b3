/**
 * The probes of one operation: authentication (6, 7, 8, 9), request bodies (3, 4, 5, 413),
 * parameters (3, 4, 5), absent resources (404) and valid requests. `probes.ts` decides which of
 * them may be sent (see NEEDS_WRITES).
 */
import { toPointer } from "api-error-codes";
import { breakers, fieldsOf, withField } from "./mutations.js";
import {
  absentValue,
  BOGUS_TOKEN,
  type Credential,
  credentialFor,
  error,
  http,
  type OperationContext,
  OVERSIZE_BYTES,
  probe,
  skip,
  targetOf,
} from "./probes.js";
import { merged, parameterText, parameterValue, typesOf } from "./schema.js";
import type { ErrorExpectation, HttpRequest, PlanItem, Schema } from "./types.js";
import { codeFor, type Failure, validate } from "./validator.js";

const UNKNOWN_FIELD = "api_error_codes_check_unknown_field";
const WRONG_TYPE_PARAMETER = "abc";

/** A request of the operation that authenticates with `credential` (query credentials included). */
function request(
  ctx: OperationContext,
  credential: Credential | undefined,
  options: {
    overrides?: ReadonlyMap<string, string | null>;
    body?: string | Buffer;
    contentType?: string;
  } = {},
): HttpRequest {
  const headers: Record<string, string> = { ...(credential?.headers ?? {}) };
  if (options.body !== undefined) headers["content-type"] = options.contentType ?? "application/json";
  return http(ctx.op.method, targetOf(ctx, options.overrides, credential), headers, options.body);
}

/** 6, 7, 8 and 9 for a secured operation. Sent without a body: authentication comes first. */
export function authItems(ctx: OperationContext): PlanItem[] {
  const { op, options } = ctx;
  const security = op.security;
  if (security === undefined) return [];
  const label = op.label;
  const forbidden = op.responses.includes("403");
  const checks = ["auth-missing", "auth-bogus", "auth-expired", ...(forbidden ? ["auth-forbidden"] : [])];
  if (security.kind === "unsupported") {
    return checks.map((c) =>
      skip(c, label, `security scheme ${security.scheme} is not supported by the checker`),
    );
  }
  const bearer = security.kind === "bearer";
  const send = (token: string | undefined) =>
    request(ctx, token === undefined ? undefined : credentialFor(security, token));
  const challenge = (value: "present" | "invalid_token") => (bearer ? { wwwAuthenticate: value } : {});
  const items: PlanItem[] = [
    probe(ctx, "auth-missing", send(undefined), { ...error(6, [401]), ...challenge("present") }),
    probe(ctx, "auth-bogus", send(security.kind === "basic" ? `${BOGUS_TOKEN}:x` : BOGUS_TOKEN), {
      ...error(7, [401]),
      ...challenge("invalid_token"),
    }),
  ];
  if (security.kind === "basic")
    items.push(skip("auth-expired", label, "http basic credentials do not expire"));
  else if (options.expiredToken === undefined)
    items.push(skip("auth-expired", label, "needs --expired-token"));
  else {
    items.push(
      probe(ctx, "auth-expired", send(options.expiredToken), {
        ...error(8, [401]),
        ...challenge("invalid_token"),
      }),
    );
  }
  if (forbidden) {
    items.push(
      options.forbiddenToken === undefined
        ? skip("auth-forbidden", label, "needs --forbidden-token")
        : // A valid token: past authentication, so a write waits for --allow-writes.
          probe(ctx, "auth-forbidden", send(options.forbiddenToken), error(9, [403]), true),
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
const expectationFor = (failures: readonly Failure[]): ErrorExpectation => error(codeFor(failures));

/** Broken bodies: malformed JSON, another media type, each rule of the schema, oversize. */
export function bodyItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  if (op.body === undefined) return [];
  const label = op.label;
  const reason = blocked(ctx) ?? ctx.unsampled;
  const items: PlanItem[] = [];
  const send = (check: string, body: string | Buffer, expect: ErrorExpectation, contentType?: string) =>
    reason !== undefined
      ? skip(check, label, reason)
      : probe(
          ctx,
          check,
          request(ctx, ctx.credentials, { body, ...(contentType === undefined ? {} : { contentType }) }),
          expect,
          true,
        );

  items.push(send("body-malformed-json", '{"api_error_codes_check": ', error(3)));
  const wrongMedia = op.body.mediaTypes.includes("text/plain") ? "application/xml" : "text/plain";
  // A body the schema accepts, so that only its media type is wrong; a 400 must say so.
  const mediaBody = JSON.stringify((ctx.fullBody ?? ctx.body)?.value ?? {});
  items.push(send("body-media-type", mediaBody, { ...error(3, [400, 415]), wholeBody: true }, wrongMedia));

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
      const pointer = toPointer(field.path);
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

/** Path and query parameters of the wrong type, out of range, or missing. */
export function parameterItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  const items: PlanItem[] = [];
  const reason =
    blocked(ctx) ??
    ctx.unsampled ??
    (op.body?.required === true && ctx.body === undefined
      ? "no valid sample body could be built from the schema"
      : undefined);
  // The fullest valid body: only the parameter may be wrong (see absentItems).
  const valid = ctx.fullBody ?? ctx.body;
  const body = op.body?.required === true && valid !== undefined ? JSON.stringify(valid.value) : undefined;
  const send = (check: string, overrides: Map<string, string | null>, expect: ErrorExpectation) => {
    if (reason !== undefined) {
      items.push(skip(check, op.label, reason));
      return;
    }
    const sent = request(ctx, ctx.credentials, { overrides, ...(body === undefined ? {} : { body }) });
    items.push(probe(ctx, check, sent, expect, true));
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

/**
 * 404 / 10 for an id that names nothing. A body-taking method gets a body the schema accepts with
 * its optional members too, so that a server may refuse nothing about it before the lookup.
 */
export function absentItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  const pathParams = op.parameters.filter((p) => p.in === "path");
  if (pathParams.length === 0) return [];
  const needsBody = op.method === "PUT" || op.method === "PATCH" || op.method === "POST";
  const body = needsBody && op.body !== undefined ? ctx.fullBody : undefined;
  const reason =
    blocked(ctx) ??
    ctx.unsampled ??
    (needsBody && op.body !== undefined && body === undefined
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
  const sent = request(ctx, ctx.credentials, {
    overrides,
    ...(body === undefined ? {} : { body: JSON.stringify(body.value) }),
  });
  return [probe(ctx, "absent-resource", sent, error(10, [404]), true)];
}

/**
 * Valid requests with no result of their own: reads of operations without path parameters, and
 * valid POST bodies (which `probes.ts` keeps for --allow-writes). Their answers still get the checks
 * every answer gets.
 */
export function sampleItems(ctx: OperationContext): PlanItem[] {
  const { op } = ctx;
  if (ctx.credentials === undefined || ctx.unsampled !== undefined) return [];
  if (op.parameters.some((p) => p.in === "path")) return [];
  if (op.method === "GET") return [probe(ctx, "", request(ctx, ctx.credentials), { kind: "none" }, true)];
  if (op.method === "POST" && ctx.body !== undefined) {
    const sent = request(ctx, ctx.credentials, { body: JSON.stringify(ctx.body.value) });
    return [probe(ctx, "", sent, { kind: "none" }, true)];
  }
  return [];
}
