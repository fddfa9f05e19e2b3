import type { Violation, ViolationLocation } from "./details.js";

/** The fields of an ajv `ErrorObject` that the mapping reads. */
export interface AjvErrorLike {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string | undefined;
}

/** Maps ajv errors to violations. */
export function fromAjvErrors(
  _errors: readonly AjvErrorLike[],
  _location: ViolationLocation = "body",
): Violation[] {
  return [];
}

/** The fields of a zod issue that the mapping reads. */
export interface ZodIssueLike {
  code: string;
  path: readonly PropertyKey[];
  message: string;
}

/** Maps zod issues to violations. */
export function fromZodIssues(
  _issues: readonly ZodIssueLike[],
  _location: ViolationLocation = "body",
): Violation[] {
  return [];
}
