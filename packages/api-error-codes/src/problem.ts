/**
 * RFC 9457 Problem Details as a second form of the same answer: `detail` is `error_message`, and
 * `error_code` and `details` travel as extension members, so nothing of the contract is lost either way.
 */
import type { ErrorBody } from "./details.js";

/** The media type of an RFC 9457 body. */
export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** An RFC 9457 body carrying the contract's members. */
export interface ProblemDetails {
  /** The code's documentation page (`docUrl`), else `about:blank`. */
  type: string;
  /** The code's message where `type` names the code, else the status phrase (RFC 9457, 4.2.1). */
  title: string;
  status: number;
  /** The contract's `error_message`. */
  detail: string;
  /** The path the problem happened at. */
  instance?: string;
  error_code: number;
  details: ErrorBody<number>["details"];
}

/** Reason phrases (RFC 9110) of the statuses codes are sent with; others fall back to the code's message. */
const PHRASES: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  412: "Precondition Failed",
  413: "Content Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

export interface ProblemOptions {
  /** The code's documentation page; `about:blank` without one. */
  type?: string | undefined;
  /** The title when `type` names the code (its message, in the answer's language). */
  title: string;
  instance?: string | undefined;
}

/**
 * The Problem Details form of a contract body (one parsed from the wire, so plain JSON), as JSON text
 * with the members in RFC order.
 * @example
 * problemJson({ error_code: 10, error_message: "Resource not found", details: null }, 404, { title: "Resource not found", instance: "/orders/7" });
 * // '{"type":"about:blank","title":"Not Found","status":404,"detail":"Resource not found","instance":"/orders/7","error_code":10,"details":null}'
 */
export function problemJson(body: ErrorBody<number>, status: number, options: ProblemOptions): string {
  const type = options.type ?? "about:blank";
  const problem: ProblemDetails = {
    type,
    title: type === "about:blank" ? (PHRASES[status] ?? options.title) : options.title,
    status,
    detail: body.error_message,
    error_code: body.error_code,
    details: body.details,
  };
  if (options.instance !== undefined) {
    const { error_code, details, ...members } = problem;
    return JSON.stringify({ ...members, instance: options.instance, error_code, details });
  }
  return JSON.stringify(problem);
}

/**
 * The contract body a Problem Details object carries (`detail` as the message), or `undefined` when
 * `value` is not one with `error_code`.
 * @example
 * fromProblem({ type: "about:blank", title: "Not Found", status: 404, detail: "Resource not found", error_code: 10, details: null });
 * // { error_code: 10, error_message: "Resource not found", details: null }
 */
export function fromProblem(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  if (!Object.hasOwn(record, "error_code") || !Object.hasOwn(record, "status")) return undefined;
  if (!Object.hasOwn(record, "type") && !Object.hasOwn(record, "title")) return undefined;
  return {
    error_code: record.error_code,
    error_message: record.detail ?? record.title,
    details: Object.hasOwn(record, "details") ? record.details : null,
  };
}
