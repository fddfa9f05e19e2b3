/**
 * Loading an OpenAPI 3.0 or 3.1 document (YAML or JSON, from a file or a URL, split over several
 * files or not) and reducing it to what the checker probes: operations with their parameters,
 * JSON body schema, security and documented statuses.
 *
 * `yaml` reads the text (JSON is YAML too); json-schema-ref-parser bundles external `$ref`s (other
 * files, relative to the document) into one document and dereferences it, cycles included; 3.0
 * schemas are then rewritten as JSON Schema (`openapi30.ts`) so that ajv judges them.
 */
import { readFile } from "node:fs/promises";
import { resolve as resolvePath } from "node:path";
import { $RefParser } from "@apidevtools/json-schema-ref-parser";
import { parse as parseYaml } from "yaml";
import { openapi30ToJsonSchema } from "./openapi30.js";
import type { Credentials, Operation, Parameter, RequestBody, Schema, Spec } from "./types.js";
import { registerDocument } from "./validator.js";

const isHttp = (source: string): boolean => /^https?:\/\//i.test(source);

/** The document cannot be used; the run stops with exit code 2. */
export class SpecError extends Error {
  override readonly name = "SpecError";
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
const IGNORED_HEADERS = new Set(["accept", "authorization", "content-type"]);
const JSON_MEDIA = /^application\/(?:[\w.+-]+\+)?json$/;

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The text of a document named by a path or an http(s) URL.
 * @example
 * const text = await readSource("http://127.0.0.1:3000/openapi.json", 5000);
 */
export async function readSource(source: string, timeoutMs: number): Promise<string> {
  if (/^https?:\/\//i.test(source)) {
    let response: Response | undefined;
    // A GET may be sent again: once, when the connection dropped before an answer (a kept-alive
    // socket the server had just closed), never after a timeout or an HTTP error.
    for (let attempt = 1; response === undefined; attempt++) {
      try {
        response = await fetch(source, {
          headers: { accept: "application/json, application/yaml;q=0.9, */*;q=0.5" },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (attempt === 1 && droppedConnection(error)) continue;
        throw new SpecError(`cannot fetch the spec ${source}: ${describeFetchError(error)}`);
      }
    }
    if (!response.ok) throw new SpecError(`cannot fetch the spec ${source}: HTTP ${response.status}`);
    return response.text();
  }
  try {
    return await readFile(source, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new SpecError(`cannot read the spec ${source}: ${typeof code === "string" ? code : String(error)}`);
  }
}

function droppedConnection(error: unknown): boolean {
  const code = (error as { cause?: { code?: unknown } }).cause?.code;
  return code === "ECONNRESET" || code === "UND_ERR_SOCKET" || code === "EPIPE";
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === "string") return cause.code;
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses, bundles and normalises a document. `source` is its path or URL: external `$ref`s are
 * read relative to it.
 * @example
 * const spec = await parseSpec(await readSource("openapi.yaml", 5000), "openapi.yaml");
 * spec.operations.map((op) => op.label); // ["GET /v1/orders", "POST /v1/orders", ...]
 */
export async function parseSpec(text: string, source: string, timeoutMs = 10_000): Promise<Spec> {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 1000 });
  } catch (error) {
    const first = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new SpecError(`the spec ${source} is neither JSON nor YAML: ${first}`);
  }
  if (!isRecord(raw)) throw new SpecError(`the spec ${source} is not a JSON or YAML object`);
  if (typeof raw.swagger === "string") {
    throw new SpecError(`the spec ${source} is Swagger ${raw.swagger}; only OpenAPI 3.x is supported`);
  }
  if (typeof raw.openapi !== "string" || !/^3\.[01]\./.test(raw.openapi)) {
    throw new SpecError(`the spec ${source} is not an OpenAPI 3.0 or 3.1 document (no "openapi": "3.x")`);
  }
  if (!isRecord(raw.paths)) throw new SpecError(`the spec ${source} has no "paths" object`);
  const base = isHttp(source) ? source : resolvePath(source);
  let bundled: Record<string, unknown>;
  let doc: Record<string, unknown>;
  try {
    // The resolver refuses loopback and private addresses by default (against SSRF from a spec one
    // does not trust). A spec the user fetched from such an address may refer to its neighbours.
    const options = {
      resolve: { http: { timeout: timeoutMs, safeUrlResolver: !isHttp(source) } },
      dereference: { circular: true as const },
    };
    bundled = (await $RefParser.bundle(base, raw, options)) as Record<string, unknown>;
    if ((raw.openapi as string).startsWith("3.0.")) openapi30ToJsonSchema(bundled);
    doc = (await $RefParser.dereference(base, structuredClone(bundled), options)) as Record<string, unknown>;
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new SpecError(`cannot resolve the $refs of the spec ${source}: ${message}`);
  }
  registerDocument(bundled, doc);
  return normalise(doc, source);
}

function normalise(doc: Record<string, unknown>, source: string): Spec {
  const components = isRecord(doc.components) ? doc.components : {};
  const schemes = isRecord(components.securitySchemes) ? components.securitySchemes : {};
  const operations: Operation[] = [];
  const paths = new Map<string, string[]>();
  for (const [path, item] of Object.entries(doc.paths as Record<string, unknown>)) {
    if (!path.startsWith("/") || !isRecord(item)) continue;
    const shared = parametersOf(item.parameters);
    const methods: string[] = [];
    for (const method of METHODS) {
      const op = item[method];
      if (!isRecord(op)) continue;
      methods.push(method.toUpperCase());
      operations.push(operationOf(method.toUpperCase(), path, op, shared, doc.security, schemes));
    }
    if (methods.length > 0) paths.set(path, methods);
  }
  return { source, serverPath: serverPathOf(doc.servers), operations, paths };
}

/** Loads a document from a path or URL. */
export async function loadSpec(source: string, timeoutMs: number): Promise<Spec> {
  return parseSpec(await readSource(source, timeoutMs), source, timeoutMs);
}

function serverPathOf(servers: unknown): string {
  const first = Array.isArray(servers) ? (servers[0] as unknown) : undefined;
  if (!isRecord(first) || typeof first.url !== "string") return "";
  const variables = isRecord(first.variables) ? first.variables : {};
  const url = first.url.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const variable = variables[name];
    return isRecord(variable) && typeof variable.default === "string" ? variable.default : "";
  });
  let path = url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname;
    } catch {
      return "";
    }
  } else if (!url.startsWith("/")) {
    return "";
  }
  return path.replace(/\/+$/, "");
}

function parametersOf(list: unknown): Parameter[] {
  if (!Array.isArray(list)) return [];
  const out: Parameter[] = [];
  for (const p of list as unknown[]) {
    if (!isRecord(p) || typeof p.name !== "string") continue;
    if (p.in !== "path" && p.in !== "query" && p.in !== "header") continue;
    // OpenAPI ignores header parameters of these names; the checker sets them itself.
    if (p.in === "header" && IGNORED_HEADERS.has(p.name.toLowerCase())) continue;
    let schema: unknown = p.schema;
    if (!isRecord(schema) && isRecord(p.content)) {
      const media = Object.values(p.content)[0];
      schema = isRecord(media) ? media.schema : undefined;
    }
    out.push({
      name: p.in === "header" ? p.name.toLowerCase() : p.name,
      in: p.in,
      required: p.in === "path" || p.required === true,
      schema: isRecord(schema) ? schema : {},
    });
  }
  return out;
}

function operationOf(
  method: string,
  path: string,
  op: Record<string, unknown>,
  shared: readonly Parameter[],
  globalSecurity: unknown,
  schemes: Record<string, unknown>,
): Operation {
  const own = parametersOf(op.parameters);
  const parameters = [...shared.filter((p) => !own.some((o) => o.name === p.name && o.in === p.in)), ...own];
  // A template parameter the document forgot to declare is still a required string.
  for (const match of path.matchAll(/\{([^}]+)\}/g)) {
    const name = match[1] as string;
    if (!parameters.some((p) => p.in === "path" && p.name === name)) {
      parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
    }
  }
  const responses = isRecord(op.responses) ? Object.keys(op.responses) : [];
  return {
    method,
    path,
    label: `${method} ${path}`,
    parameters,
    security: securityOf(op.security !== undefined ? op.security : globalSecurity, schemes),
    body: bodyOf(op.requestBody),
    responses,
  };
}

function securityOf(requirements: unknown, schemes: Record<string, unknown>): Credentials | undefined {
  if (!Array.isArray(requirements) || requirements.length === 0) return undefined;
  // An empty requirement object makes credentials optional: anonymous calls are allowed.
  if (requirements.some((r) => isRecord(r) && Object.keys(r).length === 0)) return undefined;
  let unsupported: string | undefined;
  for (const requirement of requirements as unknown[]) {
    if (!isRecord(requirement)) continue;
    for (const name of Object.keys(requirement)) {
      const scheme = schemes[name];
      if (!isRecord(scheme)) {
        unsupported ??= name;
        continue;
      }
      const type = String(scheme.type ?? "").toLowerCase();
      if (
        (type === "http" && String(scheme.scheme ?? "").toLowerCase() === "bearer") ||
        type === "oauth2" ||
        type === "openidconnect"
      ) {
        return { kind: "bearer" };
      }
      if (type === "http" && String(scheme.scheme ?? "").toLowerCase() === "basic") return { kind: "basic" };
      if (type === "apikey" && typeof scheme.name === "string" && scheme.name !== "") {
        if (scheme.in === "header") return { kind: "header", header: scheme.name.toLowerCase() };
        if (scheme.in === "query") return { kind: "query", name: scheme.name };
        if (scheme.in === "cookie") return { kind: "cookie", name: scheme.name };
      }
      unsupported ??= `${name} (${type}${typeof scheme.scheme === "string" ? ` ${scheme.scheme}` : ""})`;
    }
  }
  return { kind: "unsupported", scheme: unsupported ?? "unknown" };
}

function bodyOf(requestBody: unknown): RequestBody | undefined {
  if (!isRecord(requestBody) || !isRecord(requestBody.content)) return undefined;
  const mediaTypes = Object.keys(requestBody.content).map((m) => m.toLowerCase());
  const jsonKey = Object.keys(requestBody.content).find((m) =>
    JSON_MEDIA.test(m.split(";")[0]?.trim().toLowerCase() ?? ""),
  );
  if (jsonKey === undefined) return undefined;
  const media = requestBody.content[jsonKey];
  const schema = isRecord(media) && isRecord(media.schema) ? media.schema : undefined;
  return { required: requestBody.required === true, schema, mediaTypes };
}

/** The schema of a parameter or field, `{}` when it is not an object. */
export const asSchema = (value: unknown): Schema => (isRecord(value) ? value : {});
