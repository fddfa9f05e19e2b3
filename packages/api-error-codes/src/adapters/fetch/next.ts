/**
 * Next.js App Router glue for the fetch adapter: the methods a `route.ts` may export, the catch-all
 * answering 404 / 10, and Next's thrown signals told apart from errors. Next itself is not imported:
 * its signals are recognised by their `digest`, so the adapter has no dependency on it.
 */
import { ApiError } from "../../api-error.js";
import type { PrincipalFields } from "../../pipeline/auth.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import type { Answer, ErrorContext } from "../../pipeline/port.js";

/** The methods Next.js routes to a route file's exports; any other it answers itself. */
export const NEXT_METHODS = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH"] as const;

/** A route-file export; Next's `context.params` (a Promise since Next 15) is not needed: the path is parsed. */
export type NextRouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response>;

export type NextRouteHandlers = Record<(typeof NEXT_METHODS)[number], NextRouteHandler>;

const digestOf = (thrown: unknown): string | undefined =>
  typeof thrown === "object" && thrown !== null && "digest" in thrown && typeof thrown.digest === "string"
    ? thrown.digest
    : undefined;

/**
 * The answer for a Next signal thrown by a handler: `notFound()`, `unauthorized()` and `forbidden()`
 * by the contract (Next would answer them with an empty body); `redirect()` and Next's other signals
 * (dynamic usage during a build's prerender) are rethrown for Next to handle. Undefined for an error.
 */
export function nextSignal<P extends PrincipalFields>(
  thrown: unknown,
  pipeline: Pipeline<P>,
  context: ErrorContext,
): Answer | undefined {
  const digest = digestOf(thrown);
  if (digest === undefined) return undefined;
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;404") return pipeline.notFound(context);
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;401") return pipeline.fail(ApiError.authNotProvided(), context);
  if (digest === "NEXT_HTTP_ERROR_FALLBACK;403") return pipeline.fail(ApiError.authForbidden(), context);
  if (digest.startsWith("NEXT_") || digest === "DYNAMIC_SERVER_USAGE") throw thrown;
  return undefined;
}
