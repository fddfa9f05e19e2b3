/**
 * Fastify validates route schemas with the library's rules: a validator compiler built on
 * `compileRouteSchemas` (no coercion of JSON bodies, exact conversion of path/query/header strings,
 * zod or JSON Schema), and the completion of Fastify's stop-at-the-first-failing-part into the
 * contract's answer, which lists every violation of the request.
 */
import type { Ajv } from "ajv";
import type { FastifyReply, FastifyRequest, FastifySchemaCompiler, HookHandlerDoneFunction } from "fastify";
import { ApiError, isApiError } from "../api-error.js";
import type { Violation, ViolationDetails } from "../details.js";
import { parseQuery } from "../query.js";
import { compileRouteChecks, type RequestParts, type RequestSchema, type RouteSchemas } from "../schema.js";

/** Fastify's names for the parts of a request, in the order Fastify validates them. */
type Part = "params" | "body" | "querystring" | "headers";
const FASTIFY_ORDER: readonly Part[] = ["params", "body", "querystring", "headers"];
const SCHEMA_PART: Record<Part, keyof RouteSchemas> = {
  params: "params",
  body: "body",
  querystring: "query",
  headers: "headers",
};
/** The core's order of locations in `details.violations` (that of `compileRouteSchemas`). */
const LOCATION_RANK: Readonly<Record<string, number>> = { path: 0, header: 1, query: 2, body: 3 };

/**
 * Fastify hands a validator `null` for an absent body, which a JSON `null` body also is; this marks
 * the absent one so that it is 3 "required", as in the core. Validation always fails on it.
 */
const NO_BODY = Symbol("api-error-codes.no-body");

/**
 * The route's first preValidation hook, after the body was read, where the reference reads the query:
 * the query as the core parses it (so that every adapter validates the same values, and bad
 * percent-encoding is 3), and for routes with a body schema, an absent body marked as such.
 * @example
 * route.preValidation = [beforeValidation(route.schema?.body !== undefined), ...others];
 */
export function beforeValidation(bodySchema: boolean) {
  return (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if (bodySchema && request.body === undefined) request.body = NO_BODY;
    if (request.url.includes("?")) {
      try {
        request.query = parseQuery(request.url);
      } catch (error) {
        done(error as Error);
        return;
      }
    }
    done();
  };
}

/**
 * A preHandler hook for routes with `attachValidation`, whose handler runs after a failed validation.
 * @example
 * if (route.attachValidation) route.preHandler = [unmarkMissingBody, ...others];
 */
export function unmarkMissingBody(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  if (request.body === NO_BODY) request.body = undefined;
  done();
}

type PartValidator = (data: unknown) => { value: unknown } | { error: Error };

/** One part's validator: its value converted, or an ApiError (no stack) listing every violation. */
function compilePart(schema: RequestSchema, part: keyof RouteSchemas, ajv: Ajv): PartValidator {
  // What the check throws (a throwing refinement: a bug in a schema) Fastify makes a 500.
  const check = compileRouteChecks({ [part]: schema }, { ajv });
  return (data) => {
    const parts = { [part]: data === NO_BODY ? undefined : data } as RequestParts;
    const checked = check(parts);
    return isApiError<number>(checked) ? { error: checked } : { value: checked[part] };
  };
}

/**
 * The validator compiler of one app, and what it compiled, by part and schema object.
 * @example
 * const validators = new PartValidators(createAjv(), () => app.getSchemas());
 * app.setValidatorCompiler(validators.compiler);
 */
export class PartValidators {
  private readonly compiled: Record<Part, WeakMap<object, PartValidator>> = {
    params: new WeakMap(),
    body: new WeakMap(),
    querystring: new WeakMap(),
    headers: new WeakMap(),
  };

  constructor(
    private readonly ajv: Ajv,
    /** Schemas shared with `app.addSchema`: what `$ref`s point at, given by Fastify only to its own ajv. */
    private readonly shared: () => Record<string, unknown>,
  ) {}

  readonly compiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
    for (const [id, shared] of Object.entries(this.shared())) {
      if (this.ajv.getSchema(id) === undefined) this.ajv.addSchema(shared as object, id);
    }
    const part = (httpPart ?? "body") as Part;
    const validate = compilePart(schema as RequestSchema, SCHEMA_PART[part] ?? "body", this.ajv);
    if (typeof schema === "object" && schema !== null) this.compiled[part]?.set(schema, validate);
    return validate;
  };

  /**
   * Fastify stops at the first part that fails. The parts it validated before passed; the ones after
   * are checked here, raw, so that the answer lists every violation in the core's order.
   */
  everyViolation(error: unknown, request: FastifyRequest): unknown {
    if (!isApiError(error)) return error;
    const failed = FASTIFY_ORDER.indexOf(
      (error as { validationContext?: unknown }).validationContext as Part,
    );
    if (failed === -1 || failed === FASTIFY_ORDER.length - 1) return error;
    const schemas = request.routeOptions.schema as Partial<Record<Part, unknown>> | undefined;
    const more: Violation[] = [];
    for (const part of FASTIFY_ORDER.slice(failed + 1)) {
      const schema = schemas?.[part];
      if (typeof schema !== "object" || schema === null) continue;
      const result = this.compiled[part].get(schema)?.(
        part === "querystring" ? request.query : request[part],
      );
      if (result !== undefined && "error" in result && isApiError(result.error)) {
        more.push(...(result.error.details as ViolationDetails).violations);
      }
    }
    if (more.length === 0) return error;
    const all = [...(error.details as ViolationDetails).violations, ...more];
    return ApiError.fromViolations(
      all.sort((a, b) => (LOCATION_RANK[a.in] ?? 4) - (LOCATION_RANK[b.in] ?? 4)),
    );
  }
}
