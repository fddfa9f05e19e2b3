/**
 * Failures of validators an app already has, turned into the contract's 3 / 5 / 4 with the right
 * `in` and RFC 6901 pointers: the hook results of Hono's zod validators (`@hono/zod-validator`,
 * `@hono/zod-openapi`'s `defaultHook`) and class-validator's `ValidationError[]` (what NestJS's
 * ValidationPipe sees). The libraries are read by shape; none of them is imported.
 */
import { ApiError } from "../api-error.js";
import type { Violation, ViolationLocation } from "../details.js";
import { fromZodIssues, type ZodIssueLike } from "./issues.js";
import { fromStandardIssues, type StandardIssueLike } from "./standard.js";
import { toPointer } from "./violations.js";

/**
 * What a Hono validator hook receives (`@hono/zod-validator`'s `hook`, `@hono/zod-openapi`'s
 * `defaultHook`, `@hono/standard-validator`'s `hook`): the result and the part of the request that
 * was validated.
 */
export interface ValidatorHookResult {
  readonly success: boolean;
  /** A ZodError (its `issues` are mapped), or the Standard Schema issues themselves. */
  readonly error?: unknown;
  /** The value that was validated (the input, on failure). */
  readonly data?: unknown;
  /** `json`, `form`, `query`, `param`, `header` or `cookie`. */
  readonly target: string;
}

/** Where each Hono validation target is in the contract's terms. */
const TARGETS: Readonly<Record<string, ViolationLocation>> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "header",
};

function issuesOf(error: unknown): readonly ZodIssueLike[] {
  const issues = (error as { issues?: unknown } | null | undefined)?.issues;
  return Array.isArray(issues) ? (issues as ZodIssueLike[]) : [];
}

/**
 * The contract's error for a failed validator hook result (3 / 5 / 4, every issue listed), or
 * `undefined` when the validation succeeded. Cookies are reported in the header, under `/cookie/...`.
 * @example
 * zValidator("json", Order, (result, c) => {
 *   const error = validatorHookError(result);
 *   if (error) return c.json(error.toJSON(), error.status as 400);
 * });
 */
export function validatorHookError(result: ValidatorHookResult): ApiError<3 | 4 | 5> | undefined {
  if (result.success) return undefined;
  const location = TARGETS[result.target] ?? "body";
  // `@hono/standard-validator` hands over the issue list itself, of whichever library.
  let violations = Array.isArray(result.error)
    ? fromStandardIssues(result.error as StandardIssueLike[], location, { input: result.data })
    : fromZodIssues(issuesOf(result.error), location, { input: result.data });
  if (result.target === "cookie") {
    violations = violations.map((v) => ({ ...v, pointer: `/cookie${v.pointer}` }));
  }
  if (violations.length === 0) {
    violations = [{ in: location, pointer: "", rule: "custom", message: "is invalid" }];
  }
  return ApiError.fromViolations(violations, { cause: result.error });
}

/**
 * A validator hook answering failures with the contract's 3 / 5 / 4 (every issue with its `in` and
 * pointer, logged, `X-Request-Id`); a success goes on to the handler. It suits any validator whose
 * hook gets `(result, context)`: `@hono/zod-validator`, `@hono/standard-validator` (valibot, arktype,
 * zod), `@hono/zod-openapi`'s `defaultHook`. Without `api` it throws, for the adapter's error
 * handler: a hook given before the adapter exists (`new OpenAPIHono({ defaultHook })`) needs that.
 * @example
 * app.post("/orders", zValidator("json", Order, validatorHook(api)), (c) => c.json(c.req.valid("json")));
 * const app = new OpenAPIHono({ defaultHook: validatorHook() });
 */
export function validatorHook(): (result: ValidatorHookResult, context: unknown) => undefined;
export function validatorHook<C, R>(api: {
  respond(context: C, thrown: unknown): R;
}): (result: ValidatorHookResult, context: C) => R | undefined;
export function validatorHook<C, R>(api?: {
  respond(context: C, thrown: unknown): R;
}): (result: ValidatorHookResult, context: C) => R | undefined {
  return (result, context) => {
    const error = validatorHookError(result);
    if (error === undefined) return undefined;
    if (api === undefined) throw error;
    return api.respond(context, error);
  };
}

/** The fields of class-validator's `ValidationError` that the mapping reads. */
export interface ClassValidatorErrorLike {
  readonly property: string;
  readonly value?: unknown;
  /** Failed rules by name (`isInt`, `maxLength`, ...) with their messages. */
  readonly constraints?: Readonly<Record<string, string>> | undefined;
  readonly children?: readonly ClassValidatorErrorLike[] | undefined;
}

/** class-validator rules that check a JSON type: 5, with the type expected. */
const TYPE_RULES: Readonly<Record<string, string>> = {
  isString: "string",
  isInt: "integer",
  isNumber: "number",
  isBoolean: "boolean",
  isArray: "array",
  isObject: "object",
  nestedValidation: "object",
};

/** class-validator rules that check a value, by their JSON Schema keyword (4), some with `expected`. */
const VALUE_RULES: Readonly<Record<string, readonly [string, string?]>> = {
  min: ["minimum"],
  max: ["maximum"],
  minLength: ["minLength"],
  maxLength: ["maxLength"],
  arrayMinSize: ["minItems"],
  arrayMaxSize: ["maxItems"],
  arrayNotEmpty: ["minItems"],
  arrayUnique: ["uniqueItems"],
  isNotEmptyObject: ["minProperties"],
  isPositive: ["exclusiveMinimum"],
  isNegative: ["exclusiveMaximum"],
  isEnum: ["enum"],
  isIn: ["enum"],
  isNotIn: ["not"],
  equals: ["const"],
  matches: ["pattern"],
  isEmail: ["format", "email"],
  isUUID: ["format", "uuid"],
  isUrl: ["format", "uri"],
  isURL: ["format", "uri"],
  isDateString: ["format", "date-time"],
  isISO8601: ["format", "date-time"],
  isDate: ["format", "date-time"],
};

/** Rules that say a value must be there at all. */
const PRESENCE_RULES = new Set(["isDefined", "isNotEmpty"]);

function mapConstraint(
  location: ViolationLocation,
  pointer: string,
  name: string,
  message: string,
  value: unknown,
): Violation {
  if (name === "whitelistValidation") {
    return { in: location, pointer, rule: "additionalProperties", message: "is not an allowed property" };
  }
  const type = TYPE_RULES[name];
  if (type !== undefined) return { in: location, pointer, rule: "type", message, expected: type };
  if (PRESENCE_RULES.has(name)) {
    // Present but empty ("", [], {}): a value problem, not a missing member.
    if (value === null) return { in: location, pointer, rule: "required", message };
    return { in: location, pointer, rule: "minLength", message, expected: 1 };
  }
  const known = VALUE_RULES[name];
  if (known === undefined) return { in: location, pointer, rule: name, message };
  const [rule, expected] = known;
  return expected === undefined
    ? { in: location, pointer, rule, message }
    : { in: location, pointer, rule, message, expected };
}

function collect(
  errors: readonly ClassValidatorErrorLike[],
  path: readonly string[],
  location: ViolationLocation,
  out: Violation[],
): void {
  for (const error of errors) {
    const at = [...path, String(error.property)];
    const pointer = toPointer(at);
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length > 0) {
      const whitelist = names.includes("whitelistValidation");
      if (error.value === undefined && !whitelist) {
        // Absent: whatever rules it would have broken, the member is missing (3).
        out.push({ in: location, pointer, rule: "required", message: "is required" });
      } else {
        for (const name of names) {
          out.push(mapConstraint(location, pointer, name, constraints[name] as string, error.value));
        }
      }
    }
    if (error.children !== undefined && error.children.length > 0) collect(error.children, at, location, out);
  }
}

/**
 * Maps class-validator's `ValidationError[]` (nested `children` included) to violations: type rules
 * (`isInt`, `isString`, ...) are `type` (5), value rules (`min`, `maxLength`, `isEmail`, ...) their
 * JSON Schema keyword (4), an absent member `required` and a forbidden one (`whitelistValidation`)
 * `additionalProperties` (3). Rules without a JSON Schema twin keep their class-validator name (4).
 * @example
 * const errors = await validate(plainToInstance(CreateOrder, body));
 * if (errors.length > 0) throw ApiError.fromViolations(fromClassValidatorErrors(errors));
 * // NestJS: new ValidationPipe({ exceptionFactory: (errors) => ApiError.fromViolations(fromClassValidatorErrors(errors)) })
 */
export function fromClassValidatorErrors(
  errors: readonly ClassValidatorErrorLike[],
  location: ViolationLocation = "body",
): Violation[] {
  const out: Violation[] = [];
  collect(errors, [], location, out);
  return out;
}
