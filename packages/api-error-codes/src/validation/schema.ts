/**
 * Request validation shared by the adapters: JSON Schema (ajv; TypeBox schemas are JSON Schema) or
 * zod, per location, with every violation reported and the code picked by precedence.
 *
 * Path, query and header values arrive as strings. They are converted to the type their schema
 * declares only when the text is an exact rendering of such a value ("3" for an integer, never
 * "3.0", " 3" or "3abc"); anything else stays a string so that the validator reports a type
 * violation (5) rather than a missing route (404). JSON bodies are never coerced: `"3"` for an
 * integer is a type violation unless the application opts into ajv's `coerceTypes`.
 */
import { Ajv, type Options as AjvOptions, type ValidateFunction } from "ajv";
import * as ajvFormatsModule from "ajv-formats";
import { ApiError } from "../api-error.js";
import type { Violation, ViolationLocation } from "../details.js";
import { fromAjvErrors, fromZodIssues, type ZodIssueLike } from "./issues.js";
import {
  fromStandardIssues,
  isStandardSchema,
  type StandardResultLike,
  type StandardSchemaLike,
} from "./standard.js";

/** A zod schema, recognised by shape so that zod stays an optional dependency. */
export interface ZodLikeSchema {
  safeParse(
    value: unknown,
  ): { success: true; data: unknown } | { success: false; error: { issues: ZodIssueLike[] } };
}

/** A JSON Schema object (plain, or built with TypeBox). */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

export type RequestSchema = JsonSchemaObject | ZodLikeSchema | StandardSchemaLike;

/** Schemas of one route, per part of the request. */
export interface RouteSchemas {
  body?: RequestSchema;
  query?: RequestSchema;
  params?: RequestSchema;
  headers?: RequestSchema;
}

/** The parts of a request to validate; values are replaced by the validated (converted) ones. */
export interface RequestParts {
  body?: unknown;
  query?: Record<string, unknown>;
  params?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

export interface SchemaOptions {
  /** An ajv instance of your own (plugins, keywords). Default: allErrors, no coercion, formats. */
  ajv?: Ajv;
  /** ajv options for the default instance. */
  ajvOptions?: AjvOptions;
}

const LOCATIONS: readonly [keyof RouteSchemas, ViolationLocation][] = [
  ["params", "path"],
  ["headers", "header"],
  ["query", "query"],
  ["body", "body"],
];

interface Checked {
  value: unknown;
  violations: Violation[];
}
/** A promise only where a Standard Schema validates asynchronously (an async refinement). */
type Check = (value: unknown) => Checked | Promise<Checked>;

const MISSING_BODY: Checked = {
  value: undefined,
  violations: [{ in: "body", pointer: "", rule: "required", message: "Request body is required" }],
};

const isZod = (schema: RequestSchema): schema is ZodLikeSchema =>
  typeof (schema as { safeParse?: unknown }).safeParse === "function";

// Under NodeNext the CJS default export of ajv-formats may arrive as the module object.
const addFormats = ((ajvFormatsModule as { default?: unknown }).default ?? ajvFormatsModule) as (
  ajv: Ajv,
) => Ajv;

/** The ajv instance used when the application brings none. */
export function createAjv(options: AjvOptions = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, ...options });
  addFormats(ajv);
  return ajv;
}

const INTEGER = /^-?(?:0|[1-9]\d*)$/;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** The value a parameter string stands for under the declared type, or the string itself. */
function convertParameter(text: string, type: unknown): unknown {
  const types = Array.isArray(type) ? type : [type];
  if (types.includes("integer") && INTEGER.test(text) && Number.isSafeInteger(Number(text)))
    return Number(text);
  if (types.includes("number") && NUMBER.test(text) && Number.isFinite(Number(text))) return Number(text);
  if (types.includes("boolean") && (text === "true" || text === "false")) return text === "true";
  if (types.includes("null") && text === "") return null;
  return text;
}

/** Converts each string of a parameter object by the type its property schema declares. */
function convertParameters(schema: JsonSchemaObject, value: unknown): unknown {
  const properties = schema.properties as Record<string, JsonSchemaObject> | undefined;
  if (properties === undefined || typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [name, raw] of Object.entries(out)) {
    const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
    if (property === undefined) continue;
    if (typeof raw === "string") out[name] = convertParameter(raw, property.type);
    else if (Array.isArray(raw) && property.type === "array") {
      const itemType = (property.items as JsonSchemaObject | undefined)?.type;
      out[name] = raw.map((item) => (typeof item === "string" ? convertParameter(item, itemType) : item));
    }
  }
  return out;
}

function standardCheck(schema: StandardSchemaLike, location: ViolationLocation): Check {
  const standard = schema["~standard"];
  const settle = (value: unknown, result: StandardResultLike): Checked =>
    result.issues === undefined
      ? { value: result.value, violations: [] }
      : {
          value,
          violations: fromStandardIssues(result.issues, location, { input: value, vendor: standard.vendor }),
        };
  return (value) => {
    const result = standard.validate(value);
    return typeof (result as { then?: unknown }).then === "function"
      ? Promise.resolve(result).then((r) => settle(value, r))
      : settle(value, result as StandardResultLike);
  };
}

function compileCheck(ajv: Ajv, schema: RequestSchema, location: ViolationLocation): Check {
  // `~standard` first: zod 4 has both, and only its standard interface validates async refinements.
  if (isStandardSchema(schema)) return standardCheck(schema, location);
  if (isZod(schema)) {
    return (value) => {
      const result = schema.safeParse(value);
      return result.success
        ? { value: result.data, violations: [] }
        : { value, violations: fromZodIssues(result.error.issues, location, { input: value }) };
    };
  }
  const validate: ValidateFunction = ajv.compile(schema);
  const parameters = location !== "body";
  return (value) => {
    const input = parameters ? convertParameters(schema, value) : value;
    return validate(input)
      ? { value: input, violations: [] }
      : { value: input, violations: fromAjvErrors(validate.errors ?? [], location) };
  };
}

type CheckResult = RequestParts | ApiError<3 | 4 | 5>;

/**
 * Validates the parts of a request: the converted parts, or one ApiError (3/4/5) listing every
 * violation. A promise only when a Standard Schema's validation is asynchronous.
 */
export type RequestCheck = (parts: RequestParts) => CheckResult | Promise<CheckResult>;

function settleParts(
  parts: RequestParts,
  results: readonly (readonly [keyof RouteSchemas, Checked])[],
): CheckResult {
  const out: RequestParts = { ...parts };
  const violations: Violation[] = [];
  for (const [part, result] of results) {
    if (result.violations.length > 0) violations.push(...result.violations);
    else (out as Record<string, unknown>)[part] = result.value;
  }
  if (violations.length > 0) return ApiError.fromViolations(violations);
  return out;
}

/**
 * Compiles the schemas of one route once, at registration time. The check returns the refusal
 * rather than throwing it: an invalid request costs no exception.
 * @example
 * const check = compileRouteSchemas({ body: { type: "object", required: ["item"] } });
 * const checked = check({ body: parsedJson }); // the parts, or ApiError 3/4/5
 */
export function compileRouteSchemas(schemas: RouteSchemas, options: SchemaOptions = {}): RequestCheck {
  const ajv = options.ajv ?? createAjv(options.ajvOptions);
  const checks: [keyof RouteSchemas, Check][] = [];
  for (const [part, location] of LOCATIONS) {
    const schema = schemas[part];
    if (schema === undefined) continue;
    const check = compileCheck(ajv, schema, location);
    // A route with a body schema needs a body: its absence is structural (3), not a type problem.
    checks.push([
      part,
      part !== "body" ? check : (value) => (value === undefined ? MISSING_BODY : check(value)),
    ]);
  }
  return (parts) => {
    const results: [keyof RouteSchemas, Checked | Promise<Checked>][] = [];
    let pending = false;
    for (const [part, check] of checks) {
      const result = check(parts[part]);
      if (result instanceof Promise) pending = true;
      results.push([part, result]);
    }
    if (!pending) return settleParts(parts, results as [keyof RouteSchemas, Checked][]);
    return Promise.all(results.map(async ([part, result]) => [part, await result] as const)).then((settled) =>
      settleParts(parts, settled),
    );
  };
}
