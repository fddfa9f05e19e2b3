/**
 * Validating values against the spec's schemas with ajv, and naming what they break the way the
 * library's servers name it (`fromAjvErrors`), so that the code a probe expects (3, 4 or 5) is the
 * code a conforming server computes for the same value.
 *
 * A loaded spec registers its bundled document (internal `$ref`s only) once; every schema object
 * of the dereferenced view is then validated through a `$ref` to its place in that document, so
 * recursive schemas compile (ajv follows the `$ref`s itself) and each schema compiles once.
 */
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import formatsModule from "ajv-formats";
import { codeForViolations, fromAjvErrors } from "api-error-codes";
import type { Schema } from "./types.js";

/** One broken keyword at one place. */
export interface Failure {
  readonly keyword: string;
  /** RFC 6901 pointer of the value that broke it (for `required`, of the missing member). */
  readonly pointer: string;
}

/** The contract's code for a set of failures: 3 structural, else 5 type, else 4. */
export const codeFor = (failures: readonly Failure[]): 3 | 4 | 5 =>
  codeForViolations(failures.map((f) => ({ rule: f.keyword })));

type FormatsPlugin = (ajv: Ajv2020) => unknown;
// Under NodeNext the CommonJS default export arrives as the module object.
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

function newAjv(): Ajv2020 {
  // strict: false: OpenAPI schemas carry `example`, `xml`, `discriminator` and other annotations.
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false, logger: false });
  addFormats(ajv);
  return ajv;
}

/** The id under which a spec's bundled document is registered with its ajv. */
const DOCUMENT_ID = "urn:api-error-codes-checker:spec";

interface Located {
  readonly ajv: Ajv2020;
  readonly pointer: string;
}

const locations = new WeakMap<object, Located>();
const compiled = new WeakMap<object, ValidateFunction | null>();
let standalone: Ajv2020 | undefined;

const escapeSegment = (segment: string): string => segment.replace(/~/g, "~0").replace(/\//g, "~1");
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * Registers a spec: `bundled` is the document with internal `$ref`s only, `dereferenced` the same
 * document with every `$ref` replaced by its target. Each object of `dereferenced` that stands at
 * its own place in `bundled` (not behind a `$ref`) is validated through that place from now on.
 */
export function registerDocument(bundled: unknown, dereferenced: unknown): void {
  const ajv = newAjv();
  ajv.addSchema(bundled as object, DOCUMENT_ID);
  const walk = (plain: unknown, resolved: unknown, pointer: string) => {
    if (!isObject(plain) || !isObject(resolved)) return;
    if (typeof plain.$ref === "string") return;
    if (!locations.has(resolved)) locations.set(resolved, { ajv, pointer });
    for (const [key, value] of Object.entries(plain)) {
      walk(value, (resolved as Record<string, unknown>)[key], `${pointer}/${escapeSegment(key)}`);
    }
  };
  walk(bundled, dereferenced, "");
}

function validatorOf(schema: Schema): ValidateFunction | null {
  const known = compiled.get(schema);
  if (known !== undefined) return known;
  let fn: ValidateFunction | null;
  const located = locations.get(schema);
  try {
    if (located !== undefined) {
      fn = located.ajv.compile({ $ref: `${DOCUMENT_ID}#${located.pointer}` });
    } else {
      standalone ??= newAjv();
      fn = standalone.compile(schema);
    }
  } catch {
    // A schema ajv cannot compile (an unresolvable `$ref`, an invalid pattern): it judges nothing.
    fn = null;
  }
  compiled.set(schema, fn);
  return fn;
}

/**
 * Every rule of `schema` that `value` breaks, as the library's servers would report it.
 * @example
 * validate({ type: "integer", minimum: 1 }, 0); // [{ keyword: "minimum", pointer: "" }]
 */
export function validate(schema: Schema, value: unknown): Failure[] {
  const fn = validatorOf(schema);
  if (fn === null || fn(value)) return [];
  return fromAjvErrors(fn.errors ?? []).map((v) => ({ keyword: v.rule, pointer: v.pointer }));
}

/** Whether ajv can judge values against the schema at all. */
export const canValidate = (schema: Schema): boolean => validatorOf(schema) !== null;
