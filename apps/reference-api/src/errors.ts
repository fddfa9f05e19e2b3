/**
 * The service's own error code, registered through the library's extension point (100 and up):
 * it gets the same wire format, typing, OpenAPI components and catalogue entry as the built-in ones.
 */
import { ApiError, registerCode } from "api-error-codes";

export const TOO_MANY_ATTEMPTS = registerCode({
  code: 100,
  name: "TOO_MANY_ATTEMPTS",
  status: 429,
  message: "Too many failed login attempts, try again later",
  description:
    "Login is throttled for this account or client address after repeated failures; Retry-After says when to try again.",
});

export interface TooManyAttemptsDetails {
  retry_after_seconds: number;
}

declare module "api-error-codes" {
  interface ErrorDetailsMap {
    100: TooManyAttemptsDetails;
  }
}

/** 429 / 100 with `Retry-After`. */
export function tooManyAttempts(seconds: number): ApiError<100> {
  const wait = Math.max(1, Math.ceil(seconds));
  return new ApiError(100, { retry_after_seconds: wait }, { retryAfter: wait });
}

/** The JSON Schema of code 100's `details`, for the OpenAPI document. */
export const tooManyAttemptsDetailsSchema = {
  type: "object",
  required: ["retry_after_seconds"],
  additionalProperties: false,
  properties: { retry_after_seconds: { type: "integer", minimum: 1 } },
} as const;
