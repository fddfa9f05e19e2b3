/**
 * OpenAPI 3.0 schemas are a dialect of JSON Schema draft 4/5; ajv (2020-12) and the samplers read
 * JSON Schema. Three differences change what a value may be, and are rewritten in place:
 * - `nullable: true` adds `null` to `type` (and to `enum`, when there is one);
 * - `exclusiveMinimum: true` / `exclusiveMaximum: true` are flags on `minimum` / `maximum`, where
 *   JSON Schema gives the bound itself;
 * - `x-nullable` (a common vendor spelling) is read like `nullable`.
 * These keywords exist only in schemas, so the whole (bundled) document is walked. A package that
 * does this conversion exists (@openapi-contrib/openapi-schema-to-json-schema), but it pulls in a
 * CLI and lodash for what is these few lines.
 */

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null;

function convert(node: Node): void {
  const nullable = node.nullable === true || node["x-nullable"] === true;
  if ("nullable" in node && typeof node.nullable === "boolean") delete node.nullable;
  if (nullable) {
    if (typeof node.type === "string") node.type = [node.type, "null"];
    else if (Array.isArray(node.type) && !node.type.includes("null")) node.type = [...node.type, "null"];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
  }
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof node[flag] !== "boolean") continue;
    if (node[flag] === true && typeof node[bound] === "number") {
      node[flag] = node[bound];
      delete node[bound];
    } else {
      delete node[flag];
    }
  }
}

/**
 * Rewrites every 3.0 schema of a document (with `$ref`s not yet dereferenced) as JSON Schema.
 * @example
 * const doc = { components: { schemas: { A: { type: "integer", nullable: true, minimum: 0, exclusiveMinimum: true } } } };
 * openapi30ToJsonSchema(doc); // A is now { type: ["integer", "null"], exclusiveMinimum: 0 }
 */
export function openapi30ToJsonSchema(doc: unknown): void {
  const seen = new Set<object>();
  const walk = (value: unknown) => {
    if (!isNode(value) || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    convert(value);
    for (const child of Object.values(value)) walk(child);
  };
  walk(doc);
}
