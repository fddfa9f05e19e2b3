/**
 * OpenAPI output for the error contract, derived from the code registry: a schema and a response
 * per code to merge into `components`, and per-operation `responses` maps. JSON Schema 2020-12 for
 * OpenAPI 3.1 by default, 3.0's dialect with `{ openapi: "3.0" }`.
 * Codes registered with `registerCode` get the same treatment as the built-in ones.
 * @example
 * import { errorComponents, errorResponses } from "api-error-codes/openapi";
 * const doc = {
 *   openapi: "3.1.0",
 *   components: { ...errorComponents() },
 *   paths: { "/v1/orders/{id}": { get: { responses: { 200: ok, ...errorResponses([4, 6, 7, 8, 10]) } } } },
 * };
 */
import { ApiError, type StatusOf } from "./api-error.js";
import { type CodeDefinition, getCode, listCodes } from "./codes.js";
import { builtinDetailsSchema, type JsonValue, type Violation } from "./details.js";
import { PROBLEM_CONTENT_TYPE, problemJson } from "./problem.js";
import { REQUEST_ID_PATTERN } from "./request-id.js";
import { errorResponse } from "./response.js";

export { codesJson, codesMarkdownTable, codesTextTable } from "./catalog.js";
export {
  type CatalogEntry,
  type CatalogPage,
  catalogEntries,
  catalogMarkdown,
  catalogPages,
} from "./catalog-pages.js";

/** A JSON Schema (2020-12) as plain JSON. `$ref` objects are schemas too. */
export type JsonSchema = { [keyword: string]: JsonValue };

/** An OpenAPI Reference Object. */
export interface ReferenceObject {
  $ref: string;
}

/** An OpenAPI Header Object. */
export interface HeaderObject {
  description: string;
  required: boolean;
  schema: JsonSchema;
  example?: JsonValue;
}

/** An OpenAPI Example Object. */
export interface ExampleObject {
  summary: string;
  value: JsonValue;
}

/** An OpenAPI Media Type Object. */
export interface MediaTypeObject {
  schema: JsonSchema;
  example?: JsonValue;
  examples?: Record<string, ExampleObject>;
}

/** An OpenAPI Response Object for an error answer. */
export interface ResponseObject {
  description: string;
  headers: Record<string, HeaderObject>;
  content: Record<string, MediaTypeObject>;
}

/** What {@link errorComponents} returns: merge it into a document's `components`. */
export interface ErrorComponents {
  schemas: Record<string, JsonSchema>;
  responses: Record<string, ResponseObject>;
}

/** What {@link errorResponses} returns: merge it into an operation's `responses`. */
export type ErrorResponses = Record<string, ResponseObject | ReferenceObject>;

/**
 * One error an operation may answer with: a code (at every status the adapters send it with, see
 * {@link sentStatuses}), or a code at one named status.
 */
export type OperationError = number | { readonly code: number; readonly status?: number };

export interface OpenApiOptions {
  /**
   * Write every schema and response in full instead of `$ref`s into `#/components/...`. Use it
   * when the document does not carry {@link errorComponents}. Default `false`.
   */
  inline?: boolean;
  /** The key under `content`. Default `"application/json"` (the wire adds `; charset=utf-8`). */
  mediaType?: string;
  /**
   * The OpenAPI version of the document the output goes into. `"3.1"` (default): JSON Schema
   * 2020-12. `"3.0"`: the same schemas in OpenAPI 3.0's dialect (`enum` for `const`, `nullable`
   * for a `null` type, `example` for `examples`). Give the same value to both functions.
   */
  openapi?: "3.0" | "3.1";
  /**
   * The API answers `Accept: application/problem+json` with RFC 9457 Problem Details (the adapters'
   * `problemDetails` option): every error response documents that media type too. Default `false`.
   */
  problemDetails?: boolean;
}

/** Name of the generic body schema in `components.schemas`. */
export const API_ERROR_SCHEMA_NAME = "ApiError";

const DEFAULT_MEDIA_TYPE = "application/json";

/**
 * The statuses the library itself answers a code with, where that is more than the default: 3 for a
 * body of another media type (415) or over the limit (413), 11 by what the upstream did (502 bad
 * answer, 503 circuit open, 504 timeout), 12 by whether the database failure is transient (503) or
 * not (500). 408 and 431 of code 3 are answered by the server protection before any route is known,
 * so no operation lists them; 409 and 422 of code 4 only when the application throws them.
 */
const SENT_STATUSES: Readonly<Record<number, readonly number[]>> = {
  3: [400, 413, 415],
  11: [502, 503, 504],
  12: [500, 503],
};

/**
 * The statuses {@link errorResponses} documents for a code listed as a plain number: every status the
 * adapters send it with (`[400, 413, 415]` for 3), else the code's default status.
 * @example
 * sentStatuses(3); // [400, 413, 415]
 * sentStatuses(10); // [404]
 */
export function sentStatuses(code: number): number[] {
  const definition = definitionOf(code, "sentStatuses");
  return [...(SENT_STATUSES[definition.code] ?? [definition.status])];
}

function definitionOf(code: number, caller: string): CodeDefinition {
  if (typeof code !== "number" || !Number.isSafeInteger(code)) {
    throw new TypeError(`${caller}: code must be an integer, got ${JSON.stringify(code) ?? String(code)}`);
  }
  const definition = getCode(code);
  if (definition === undefined) {
    throw new RangeError(`${caller}: code ${code} is not registered (see registerCode)`);
  }
  return definition;
}

function pascalCase(name: string): string {
  return name
    .toLowerCase()
    .split("_")
    .filter((part) => part.length > 0)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

/**
 * The name a code's schema and response get in `components` (the same name in both sections):
 * `Error` + code + the name in PascalCase.
 * @example
 * errorComponentName(10); // "Error10NotExist"
 * errorComponentName(11); // "Error11ExternalService"
 */
export function errorComponentName(code: number): string {
  const definition = definitionOf(code, "errorComponentName");
  return `Error${definition.code}${pascalCase(definition.name)}`;
}

// ---------------------------------------------------------------------------------------------
// Schemas. Built fresh for every caller: some OpenAPI tools dereference documents in place, and
// one shared object would then be rewritten for everybody.

/** A caller's own copy of a `details` schema from the one table in details.ts. */
function builtinSchemaCopy(code: number): JsonSchema | undefined {
  const schema = builtinDetailsSchema(code);
  return schema === undefined ? undefined : (JSON.parse(JSON.stringify(schema)) as JsonSchema);
}

/**
 * The JSON Schema of the wire body of any error: exactly `error_code`, `error_message` and
 * `details` (any JSON value, `null` included).
 * @example
 * const ajv = new Ajv2020();
 * ajv.validate(errorBodySchema, { error_code: 10, error_message: "Resource not found", details: null }); // true
 */
export const errorBodySchema: JsonSchema = genericBodySchema();

function genericBodySchema(): JsonSchema {
  return {
    title: "ApiError",
    description: "The body of every response with status >= 400.",
    type: "object",
    required: ["error_code", "error_message", "details"],
    properties: {
      error_code: { type: "integer", minimum: 0, description: "The error code; 0-99 are the contract's." },
      error_message: {
        type: "string",
        minLength: 1,
        description: "Human-readable text for debugging. Not meant to be parsed.",
      },
      details: { description: "A JSON value whose shape is fixed per code, or null." },
    },
    additionalProperties: false,
  };
}

/**
 * The JSON Schema of `details` for a code: the contract's shape for a built-in code (the table in
 * details.ts, which the types and the wire parser also derive from), any JSON value for an
 * application's own codes. Throws for a code nobody registered.
 * @example
 * detailsSchema(12); // { type: "object", required: ["reason"], properties: { reason: { enum: [...] } }, ... }
 */
export function detailsSchema(code: number): JsonSchema {
  const definition = definitionOf(code, "detailsSchema");
  return (
    builtinSchemaCopy(definition.code) ?? {
      description: "Any JSON value; its shape is defined by the application that registered the code.",
    }
  );
}

/**
 * The JSON Schema of the wire body for one code: `error_code` is a `const`, `details` has the
 * code's shape.
 * @example
 * codeSchema(10).properties; // { error_code: { const: 10 }, error_message: {...}, details: {...} }
 */
export function codeSchema(code: number): JsonSchema {
  const definition = definitionOf(code, "codeSchema");
  const generic = genericBodySchema();
  return {
    ...generic,
    title: `${definition.code} ${definition.name}`,
    description: definition.description,
    properties: {
      error_code: { const: definition.code },
      error_message: { type: "string", minLength: 1, examples: [definition.message] },
      details: detailsSchema(definition.code),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Examples: built with the real factories and serialized by the real code, so they cannot drift
// from what a server sends.

// Keeps the literals of each violation checked against Violation where they are written.
const v = (violation: Violation): Violation => violation;

function violationExample(code: 3 | 4 | 5, status: number): Violation[] {
  if (code === 5) {
    return [
      v({ in: "query", pointer: "/offset", rule: "type", message: "must be integer", expected: "integer" }),
    ];
  }
  if (code === 4) {
    if (status === 409) {
      return [v({ in: "body", pointer: "/email", rule: "unique", message: "is already registered" })];
    }
    if (status === 422) {
      return [
        v({
          in: "body",
          pointer: "/currency",
          rule: "enum",
          message: "must be equal to one of the allowed values",
          expected: ["EUR", "USD"],
        }),
      ];
    }
    return [
      v({ in: "query", pointer: "/limit", rule: "maximum", message: "must be <= 100", expected: 100 }),
      v({ in: "query", pointer: "/offset", rule: "minimum", message: "must be >= 0", expected: 0 }),
    ];
  }
  switch (status) {
    case 408:
      return [v({ in: "body", pointer: "", rule: "timeout", message: "body was not received in time" })];
    case 413:
      return [v({ in: "body", pointer: "", rule: "size", message: "must be at most 1048576 bytes" })];
    case 415:
      return [
        v({
          in: "header",
          pointer: "/content-type",
          rule: "media_type",
          message: "must be application/json",
          expected: "application/json",
        }),
      ];
    case 431:
      return [v({ in: "header", pointer: "", rule: "size", message: "headers must be at most 16384 bytes" })];
    default:
      return [
        v({
          in: "body",
          pointer: "/quantity",
          rule: "required",
          message: "must have required property 'quantity'",
        }),
      ];
  }
}

const EXTERNAL_REASON_BY_STATUS = { 502: "bad_response", 503: "circuit_open", 504: "timeout" } as const;

/** A realistic error for a code at a status; the status must be one the code allows. */
function exampleError(definition: CodeDefinition, status: number): ApiError<number> {
  switch (definition.code) {
    case 0:
      return ApiError.unknown();
    case 1:
      return ApiError.notAllowed({ method: "PATCH", allowed: ["GET", "HEAD", "POST"] });
    case 2:
      return ApiError.notRealized({ method: "POST", path: "/v1/orders/{id}/refund" });
    case 3:
      return ApiError.invalidStructure(violationExample(3, status), { status: status as StatusOf<3> });
    case 4:
      return ApiError.invalidValue(violationExample(4, status), { status: status as StatusOf<4> });
    case 5:
      return ApiError.invalidType(violationExample(5, status));
    case 6:
      return ApiError.authNotProvided();
    case 7:
      return ApiError.authInvalid();
    case 8:
      return ApiError.authExpired("2025-06-01T12:00:00.000Z");
    case 9:
      return ApiError.authForbidden("admin");
    case 10:
      return ApiError.notExist({ resource: "order", id: "0f8fad5b-d9cb-469f-a165-70867728950e" });
    case 11: {
      const reason = EXTERNAL_REASON_BY_STATUS[status as keyof typeof EXTERNAL_REASON_BY_STATUS];
      return ApiError.externalService(
        { service: "rates", reason },
        reason === "circuit_open" ? { retryAfter: 30 } : {},
      );
    }
    case 12:
      return status === 500
        ? ApiError.database({ reason: "failure" })
        : ApiError.database({ reason: "unavailable" }, { retryAfter: 5 });
    default:
      return new ApiError<number>(definition.code, null, { status });
  }
}

/**
 * The wire body a server built on this library sends for a code at a status (its default when
 * omitted), with realistic details. Throws for an unregistered code or a status it does not allow.
 * @example
 * errorExample(11, 504);
 * // { error_code: 11, error_message: "External service timed out", details: { service: "rates", reason: "timeout" } }
 */
export function errorExample(code: number, status?: number): JsonValue {
  const definition = definitionOf(code, "errorExample");
  return exampleBody(exampleError(definition, checkedStatus(definition, status, "errorExample")));
}

function exampleBody(error: ApiError<number>): JsonValue {
  // A JSON round trip gives a plain copy, exactly as a client would parse it.
  return JSON.parse(JSON.stringify(error.toJSON())) as JsonValue;
}

function checkedStatus(definition: CodeDefinition, status: number | undefined, caller: string): number {
  if (status === undefined) return definition.status;
  if (!definition.statuses.includes(status)) {
    throw new RangeError(
      `${caller}: status ${String(status)} is not allowed for code ${definition.code} ${definition.name} (allowed: ${definition.statuses.join(", ")})`,
    );
  }
  return status;
}

function responseHeaders(status: number, samples: readonly ApiError<number>[]): Record<string, HeaderObject> {
  const sampleHeader = (name: string): { example?: JsonValue } => {
    for (const sample of samples) {
      const value = errorResponse(sample).headers[name];
      if (value !== undefined) return { example: value };
    }
    return {};
  };
  const headers: Record<string, HeaderObject> = {
    "X-Request-Id": {
      description:
        "The request's own X-Request-Id when it matches the pattern, otherwise a fresh UUID. Quote it when reporting a problem.",
      required: true,
      schema: { type: "string", pattern: REQUEST_ID_PATTERN.source },
      example: "5b0e8f4a-3c1d-4e2f-9a6b-7c8d9e0f1a2b",
    },
  };
  if (status === 405) {
    headers["Allow"] = {
      description: "The methods the path allows.",
      required: true,
      schema: { type: "string" },
      ...sampleHeader("Allow"),
    };
  }
  if (status === 401) {
    headers["WWW-Authenticate"] = {
      description: 'The Bearer challenge (RFC 6750); `error="invalid_token"` for invalid or expired tokens.',
      required: true,
      schema: { type: "string" },
      ...sampleHeader("WWW-Authenticate"),
    };
  }
  if (status === 503) {
    headers["Retry-After"] = {
      description: "Seconds to wait before retrying, sent when the server knows a sensible delay.",
      required: false,
      schema: { type: "integer", minimum: 0 },
      ...numericExample(sampleHeader("Retry-After")),
    };
  }
  return headers;
}

function numericExample(found: { example?: JsonValue }): { example?: JsonValue } {
  return typeof found.example === "string" ? { example: Number(found.example) } : {};
}

function schemaFor(definition: CodeDefinition, options: OpenApiOptions): JsonSchema {
  return options.inline === true
    ? dialect(codeSchema(definition.code), options)
    : { $ref: `#/components/schemas/${errorComponentName(definition.code)}` };
}

function dialect(schema: JsonSchema, options: OpenApiOptions): JsonSchema {
  return options.openapi === "3.0" ? toOpenApi30(schema) : schema;
}

const isSchema = (value: JsonValue | undefined): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isNullType = (value: JsonValue | undefined): boolean => isSchema(value) && value["type"] === "null";

/**
 * A JSON Schema 2020-12 of this module in OpenAPI 3.0's Schema Object dialect: `const` becomes a
 * one-value `enum`, `examples` the first `example`, and a `null` alternative (`oneOf` with
 * `{ type: "null" }`, or `type: [..., "null"]`) the `nullable` flag, and `type: "null"` alone a
 * nullable object whose only value is `null`. Only the keywords this module writes are translated.
 * @example
 * toOpenApi30({ oneOf: [{ type: "null" }, { type: "object" }] }); // { type: "object", nullable: true }
 */
export function toOpenApi30(schema: JsonSchema): JsonSchema {
  let out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "const") out["enum"] = [value];
    else if (key === "examples" && Array.isArray(value)) {
      if (value.length > 0) out["example"] = value[0] as JsonValue;
    } else if (key === "properties" && isSchema(value)) {
      const properties: JsonSchema = {};
      for (const [name, property] of Object.entries(value)) {
        properties[name] = isSchema(property) ? toOpenApi30(property) : property;
      }
      out[key] = properties;
    } else if ((key === "items" || key === "not" || key === "additionalProperties") && isSchema(value)) {
      out[key] = toOpenApi30(value);
    } else if ((key === "oneOf" || key === "anyOf" || key === "allOf") && Array.isArray(value)) {
      // A null branch stays as it is until it becomes `nullable` below.
      out[key] = value.map((branch) =>
        isSchema(branch) && !isNullType(branch) ? toOpenApi30(branch) : branch,
      );
    } else out[key] = value;
  }
  for (const key of ["oneOf", "anyOf"] as const) {
    const branches = out[key];
    if (!Array.isArray(branches) || !branches.some(isNullType)) continue;
    const rest = branches.filter((branch) => !isNullType(branch));
    delete out[key];
    out =
      rest.length === 1 && isSchema(rest[0])
        ? { ...out, ...rest[0], nullable: true }
        : { ...out, [key]: rest, nullable: true };
  }
  const type = out["type"];
  // Only null: 3.0 has no null type; a nullable object that admits no other value says it.
  if (type === "null") return { ...out, type: "object", nullable: true, enum: [null] };
  if (Array.isArray(type) && type.includes("null")) {
    const others = type.filter((t) => t !== "null");
    out["type"] = others.length === 1 ? (others[0] as JsonValue) : others;
    out["nullable"] = true;
  }
  return out;
}

/**
 * The RFC 9457 body of a code: the standard members, then `error_code` and `details` as extension
 * members (see `problemJson`).
 * @example
 * problemSchema(10).properties.error_code; // { const: 10 }
 */
export function problemSchema(code: number): JsonSchema {
  const definition = definitionOf(code, "problemSchema");
  const body = codeSchema(code) as { properties: Record<string, JsonSchema> };
  return {
    type: "object",
    title: `${definition.name} as Problem Details`,
    required: ["type", "title", "status", "detail", "error_code", "details"],
    properties: {
      type: {
        type: "string",
        format: "uri-reference",
        description: "The code's documentation page, or about:blank.",
      },
      title: { type: "string" },
      status: { type: "integer", enum: [...definition.statuses] },
      detail: { type: "string", description: "The contract's error_message." },
      instance: { type: "string", description: "The path the problem happened at." },
      error_code: body.properties.error_code as JsonSchema,
      details: body.properties.details as JsonSchema,
    },
  };
}

/** The Problem Details form of an example body. */
function problemExample(body: JsonValue, status: number): JsonValue {
  const { error_code, error_message, details } = body as {
    error_code: number;
    error_message: string;
    details: JsonValue;
  };
  return JSON.parse(
    problemJson({ error_code, error_message, details }, status, { title: error_message }),
  ) as JsonValue;
}

/** The response's `content`: the contract's media type, and Problem Details when the API offers it. */
function contentOf(
  definitions: readonly CodeDefinition[],
  status: number,
  media: MediaTypeObject,
  options: OpenApiOptions,
): Record<string, MediaTypeObject> {
  const content: Record<string, MediaTypeObject> = { [options.mediaType ?? DEFAULT_MEDIA_TYPE]: media };
  if (options.problemDetails !== true) return content;
  const schemas = definitions.map((d) => dialect(problemSchema(d.code), options));
  const problem: MediaTypeObject = {
    schema: schemas.length === 1 ? (schemas[0] as JsonSchema) : { oneOf: schemas },
  };
  if (media.example !== undefined) problem.example = problemExample(media.example, status);
  if (media.examples !== undefined) {
    problem.examples = Object.fromEntries(
      Object.entries(media.examples).map(([name, e]) => [
        name,
        { ...e, value: problemExample(e.value, status) },
      ]),
    );
  }
  content[PROBLEM_CONTENT_TYPE] = problem;
  return content;
}

/** A code in a response's description; its documentation page there too (not in the schema, which strict validators compile). */
function describe(definition: CodeDefinition): string {
  const docs = definition.docUrl === undefined ? "" : ` (${definition.docUrl})`;
  return `${definition.code} ${definition.name}: ${definition.description}${docs}`;
}

function singleResponse(definition: CodeDefinition, status: number, options: OpenApiOptions): ResponseObject {
  const sample = exampleError(definition, status);
  return {
    description: describe(definition),
    headers: responseHeaders(status, [sample]),
    content: contentOf(
      [definition],
      status,
      { schema: schemaFor(definition, options), example: exampleBody(sample) },
      options,
    ),
  };
}

function groupResponse(
  definitions: readonly CodeDefinition[],
  status: number,
  options: OpenApiOptions,
): ResponseObject {
  const samples = definitions.map((d) => exampleError(d, status));
  const examples: Record<string, ExampleObject> = {};
  definitions.forEach((d, i) => {
    examples[errorComponentName(d.code)] = {
      summary: `${d.code} ${d.name}`,
      value: exampleBody(samples[i]!),
    };
  });
  return {
    description: `One of:\n\n${definitions.map((d) => `- ${describe(d)}`).join("\n")}`,
    headers: responseHeaders(status, samples),
    content: contentOf(
      definitions,
      status,
      { schema: { oneOf: definitions.map((d) => schemaFor(d, options)) }, examples },
      options,
    ),
  };
}

/**
 * Schemas and responses to merge into a document's `components`: the generic `ApiError` body
 * schema, then per registered code a body schema and a response (both named by
 * {@link errorComponentName}) with its description, a wire-exact example and the headers the
 * contract mandates for its default status.
 * @example
 * const components = errorComponents();
 * const doc = {
 *   openapi: "3.1.0",
 *   components: { schemas: { ...components.schemas, Order }, responses: components.responses },
 * };
 * // components.responses.Error10NotExist -> { description, headers: { "X-Request-Id": ... }, content: ... }
 */
export function errorComponents(options: OpenApiOptions = {}): ErrorComponents {
  const schemas: Record<string, JsonSchema> = {
    [API_ERROR_SCHEMA_NAME]: dialect(genericBodySchema(), options),
  };
  const responses: Record<string, ResponseObject> = {};
  for (const definition of listCodes()) {
    const name = errorComponentName(definition.code);
    schemas[name] = dialect(codeSchema(definition.code), options);
    responses[name] = singleResponse(definition, definition.status, options);
  }
  return { schemas, responses };
}

/**
 * The error part of an operation's `responses`, keyed by status. A code given as a number is
 * documented at every status the adapters send it with ({@link sentStatuses}: 3 at 400, 413 and
 * 415; 11 at 502, 503 and 504; 12 at 500 and 503), so a conformance check of the running API finds
 * each answer documented. `{ code, status }` documents one status only (409 for 4, say). Codes that
 * share a status are combined into one response (`oneOf` of their schemas, one named example per
 * code). By default schemas and default-status
 * responses are `$ref`s into `#/components` (see {@link errorComponents}); pass `{ inline: true }`
 * for a self-contained result. Throws for an unregistered code or a status the code does not allow.
 * @example
 * const get = {
 *   responses: {
 *     200: { description: "The order" },
 *     ...errorResponses([4, 6, 7, 8, 10, { code: 11, status: 504 }]),
 *   },
 * };
 * // keys: "400" (4), "401" (6, 7, 8 combined), "404" ($ref to Error10NotExist), "504" (11 at 504 only)
 */
export function errorResponses(
  codes: readonly OperationError[],
  options: OpenApiOptions = {},
): ErrorResponses {
  const byStatus = new Map<number, CodeDefinition[]>();
  for (const entry of codes) {
    const isObject = typeof entry === "object" && entry !== null;
    const definition = definitionOf(isObject ? entry.code : entry, "errorResponses");
    const statuses =
      isObject && entry.status !== undefined
        ? [checkedStatus(definition, entry.status, "errorResponses")]
        : (SENT_STATUSES[definition.code] ?? [definition.status]);
    for (const status of statuses) {
      const group = byStatus.get(status) ?? [];
      // Listing the same code twice at one status is harmless; it must not become two oneOf branches.
      if (!group.includes(definition)) group.push(definition);
      byStatus.set(status, group);
    }
  }
  const inline = options.inline ?? false;
  const out: ErrorResponses = {};
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    const group = byStatus.get(status)!.sort((a, b) => a.code - b.code);
    const only = group.length === 1 ? group[0] : undefined;
    if (only !== undefined && !inline && status === only.status) {
      out[String(status)] = { $ref: `#/components/responses/${errorComponentName(only.code)}` };
    } else if (only !== undefined) {
      out[String(status)] = singleResponse(only, status, options);
    } else {
      out[String(status)] = groupResponse(group, status, options);
    }
  }
  return out;
}

/** Options of {@link requestJsonSchema}. */
export interface RequestJsonSchemaOptions {
  /**
   * `"input"` (default): what a client must send, which is what a request schema in a document
   * describes. `"output"`: what the handler receives after the schema's transforms.
   */
  io?: "input" | "output";
}

interface StandardJsonSchemaLike {
  readonly "~standard": {
    readonly vendor: string;
    readonly jsonSchema?: {
      readonly input: (options: { target: string }) => Record<string, unknown>;
      readonly output: (options: { target: string }) => Record<string, unknown>;
    };
  };
}

/**
 * The JSON Schema (2020-12) of a route's request schema, for the `requestBody` and `parameters` of
 * your document: a JSON Schema object (TypeBox's too) as it is; a Standard Schema through the
 * Standard JSON Schema interface (`~standard.jsonSchema`, which zod 4 and arktype 2 offer in the
 * tested versions). `undefined` for a schema that offers no JSON Schema (valibot: convert it with
 * `@valibot/to-json-schema`, or write the document's schema by hand). A library that cannot express
 * a schema (a zod transform on the output side) throws its error, wrapped in a TypeError naming it.
 * @example
 * const body = requestJsonSchema(NewOrder); // { type: "object", properties: { item: ... }, ... }
 * doc.paths["/orders"].post.requestBody = { content: { "application/json": { schema: body } } };
 */
export function requestJsonSchema(
  schema: unknown,
  options: RequestJsonSchemaOptions = {},
): JsonSchema | undefined {
  if ((typeof schema !== "object" && typeof schema !== "function") || schema === null) return undefined;
  const standard = (schema as Partial<StandardJsonSchemaLike>)["~standard"];
  if (standard === undefined) {
    // A zod 3 schema has `safeParse` and no JSON Schema of its own.
    if (typeof (schema as { safeParse?: unknown }).safeParse === "function") return undefined;
    return typeof schema === "object" ? (JSON.parse(JSON.stringify(schema)) as JsonSchema) : undefined;
  }
  const convert = standard.jsonSchema?.[options.io ?? "input"];
  if (typeof convert !== "function") return undefined;
  try {
    return JSON.parse(JSON.stringify(convert({ target: "draft-2020-12" }))) as JsonSchema;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TypeError(
      `requestJsonSchema: this ${standard.vendor} schema has no JSON Schema form: ${reason}`,
      {
        cause,
      },
    );
  }
}
