/** Ajv for JSON Schema 2020-12 with formats, as the OpenAPI tests validate published schemas. */
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

// Under NodeNext a CommonJS default export may arrive as the whole module object.
type Ajv2020Class = typeof import("ajv/dist/2020.js").Ajv2020;
type FormatsPlugin = typeof import("ajv-formats").default;
const Ajv2020 = ((Ajv2020Module as unknown as { default?: Ajv2020Class }).default ??
  Ajv2020Module) as Ajv2020Class;
const addFormats = ((addFormatsModule as unknown as { default?: FormatsPlugin }).default ??
  addFormatsModule) as FormatsPlugin;

/** strict: every keyword the schemas use must be one JSON Schema 2020-12 knows. */
export function newAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv;
}
