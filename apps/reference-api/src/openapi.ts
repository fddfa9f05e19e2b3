/**
 * The OpenAPI 3.1 document, generated from the route declarations (./routes/spec.ts): their schemas
 * become parameters, request bodies and answers, their error lists become error responses through
 * the library's `errorResponses`, with the library's components for every registered code (the
 * service's own 100 included). The error catalogue is in `info.description`.
 */
import { listCodes, PROBLEM_CONTENT_TYPE, problemJson, toOpenApiTemplate } from "api-error-codes";
import {
  API_ERROR_SCHEMA_NAME,
  codesMarkdownTable,
  errorComponentName,
  errorComponents,
  errorResponses,
  type OpenApiOptions,
} from "api-error-codes/openapi";
import { TOO_MANY_ATTEMPTS, tooManyAttempts, tooManyAttemptsDetailsSchema } from "./errors.js";
import { schemaNames } from "./routes/schemas.js";
import type { JsonSchema, RouteSpec } from "./routes/spec.js";

/** The service answers `Accept: application/problem+json` with Problem Details (see app.ts). */
const ERRORS: OpenApiOptions = { problemDetails: true };

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: Record<string, unknown>;
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, unknown>>;
  components: Record<string, unknown>;
}

const TAGS = [
  { name: "auth", description: "Sessions: log in, rotate tokens, log out." },
  { name: "orders", description: "The caller's orders." },
  { name: "users", description: "Accounts." },
  { name: "service", description: "Health and readiness." },
];

const INTRO = `A small orders service built on the **api-error-codes** library: every answer with status
400 or more has the body \`{"error_code", "error_message", "details"}\`, with \`details\` shaped per code.
Every operation lists the codes it can return, with examples.

Every answer carries \`X-Request-Id\` (yours when it is well-formed): quote it when reporting a problem.
A path that exists answers an unsupported method with 405 / 1 and \`Allow\`; an unknown path is 404 / 10.

## Error catalogue
`;

/** A copy of a schema with every named sub-schema replaced by a `$ref`. */
function toDocument(schema: unknown, top = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toDocument(item));
  if (typeof schema !== "object" || schema === null) return schema;
  const name = top ? undefined : schemaNames.get(schema);
  if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, toDocument(value)]));
}

/** An object schema's properties as OpenAPI parameters. */
function parameters(schema: JsonSchema | undefined, where: "path" | "query"): unknown[] {
  if (schema === undefined) return [];
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: toDocument(rest),
    };
  });
}

function successResponse(route: RouteSpec): Record<string, unknown> {
  const { success } = route;
  const out: Record<string, unknown> = { description: success.description };
  if (success.headers !== undefined) out.headers = toDocument(success.headers);
  if (success.schema !== undefined) {
    out.content = { [success.mediaType ?? "application/json"]: { schema: toDocument(success.schema) } };
  }
  return out;
}

function operation(route: RouteSpec): Record<string, unknown> {
  const roles = typeof route.auth === "object" ? route.auth.roles : undefined;
  const description = [route.description, roles && `Requires the role: ${roles.join(" or ")}.`]
    .filter(Boolean)
    .join("\n\n");
  const op: Record<string, unknown> = {
    operationId: route.operationId,
    summary: route.summary,
    ...(description === "" ? {} : { description }),
    tags: [route.tag],
    security: route.auth === undefined ? [] : [{ bearerAuth: [] }],
  };
  const params = [...parameters(route.params, "path"), ...parameters(route.querystring, "query")];
  if (params.length > 0) op.parameters = params;
  if (route.body !== undefined) {
    op.requestBody = { required: true, content: { "application/json": { schema: toDocument(route.body) } } };
  }
  op.responses = {
    [String(route.success.status)]: successResponse(route),
    ...errorResponses(route.errors, ERRORS),
    // What no operation lists but any can meet (405 / 1 for another method, 431 / 3 for huge
    // headers, ...) still has the contract's shape.
    default: {
      description: "Any other error answer: the contract's body.",
      content: { "application/json": { schema: { $ref: `#/components/schemas/${API_ERROR_SCHEMA_NAME}` } } },
    },
  };
  return op;
}

/** Every `$ref` target reachable from a value. */
function refsIn(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) refsIn(item, out);
  else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === "$ref" && typeof item === "string") out.add(item);
      else refsIn(item, out);
    }
  }
  return out;
}

/**
 * Drops the error components no operation refers to: the library offers one per registered code,
 * the document keeps those this API can answer with.
 */
function prune(document: OpenApiDocument): void {
  const sections = document.components as Record<string, Record<string, unknown>>;
  const used = refsIn(document.paths);
  // Components refer to each other (a response to its schema): follow them to a fixed point.
  for (let size = -1; size !== used.size; ) {
    size = used.size;
    for (const ref of [...used]) {
      const [, , section, name] = ref.split("/");
      if (section !== undefined && name !== undefined) refsIn(sections[section]?.[name], used);
    }
  }
  for (const section of ["schemas", "responses"]) {
    const entries = sections[section] ?? {};
    for (const name of Object.keys(entries)) {
      if (!used.has(`#/components/${section}/${name}`)) delete entries[name];
    }
  }
}

/** The components of the library, with the precise `details` of the service's own code 100. */
function components(): Record<string, unknown> {
  const errors = errorComponents(ERRORS);
  const name = errorComponentName(TOO_MANY_ATTEMPTS.code);
  const schema = errors.schemas[name] as { properties: Record<string, unknown> } | undefined;
  if (schema !== undefined) schema.properties.details = { ...tooManyAttemptsDetailsSchema };
  const response = errors.responses[name];
  if (response !== undefined) {
    const example = JSON.parse(JSON.stringify(tooManyAttempts(300).toJSON()));
    const problem = response.content[PROBLEM_CONTENT_TYPE];
    for (const media of Object.values(response.content)) media.example = example;
    if (problem !== undefined) {
      (problem.schema as { properties: Record<string, unknown> }).properties.details = {
        ...tooManyAttemptsDetailsSchema,
      };
      problem.example = JSON.parse(
        problemJson(example, TOO_MANY_ATTEMPTS.status, { title: TOO_MANY_ATTEMPTS.message }),
      );
    }
    response.headers["Retry-After"] = {
      description: "Seconds until login attempts are accepted again.",
      required: true,
      schema: { type: "integer", minimum: 1 },
      example: 300,
    };
  }
  const schemas: Record<string, unknown> = {};
  for (const [named, object] of [...schemaNames.entries()].map(([o, n]) => [n, o] as const)) {
    schemas[named] = toDocument(object, true);
  }
  return {
    schemas: { ...schemas, ...errors.schemas },
    responses: errors.responses,
    securitySchemes: {
      bearerAuth: {
        type: "http",
        scheme: "bearer",
        description: "The access token from POST /v1/auth/token (an opaque random value, not a JWT).",
      },
    },
  };
}

export function buildOpenApiDocument(routes: readonly RouteSpec[], version: string): OpenApiDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = toOpenApiTemplate(route.url);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route);
  }
  const document: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: "api-error-codes reference API",
      version,
      summary: "An orders service that keeps one JSON error contract.",
      description: `${INTRO}\n${codesMarkdownTable(listCodes())}`,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: "/", description: "This server" }],
    tags: TAGS,
    paths,
    components: components(),
  };
  prune(document);
  return document;
}
