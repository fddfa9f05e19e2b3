/**
 * The one conversion from an error response to a {@link ClientApiError}, shared by `createClient`,
 * the ky hooks and the openapi-fetch middleware.
 */
import { getCode } from "../codes.js";
import type { DetailsOf } from "../details.js";
import { REQUEST_ID_HEADER } from "../request-id.js";
import { parseErrorBody } from "../wire.js";
import { ClientApiError, type ClientApiErrorInit, type ResponseError } from "./errors.js";

/** How many characters of a non-conforming body {@link ClientApiError.snippet} keeps. */
export const SNIPPET_LENGTH = 512;

/** How many bytes of an error body are read at most; the rest is discarded unread. */
export const MAX_ERROR_BODY_BYTES = 1024 * 1024;

/** A code no registry holds and the parser checks nothing for: stands in for an unknown code. */
const UNCONSTRAINED_CODE = Number.MAX_SAFE_INTEGER;

/**
 * `Retry-After` in milliseconds: delay-seconds (`"30"`) or an HTTP-date (`"Wed, 21 Oct 2015
 * 07:28:00 GMT"`, counted from `now`); `undefined` when absent or unreadable. Never negative.
 * @example
 * parseRetryAfter("2"); // 2000
 * parseRetryAfter(new Date(Date.now() + 5_000).toUTCString()); // about 5000 (whole seconds)
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * The request an error answered, as far as it is known (a `Request` fits).
 * @example
 * await errorFromResponse(res, { method: "GET", url: res.url });
 * await errorFromResponse(res, request); // a fetch Request: its X-Request-Id becomes sentRequestId
 */
export interface RequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers?: { get(name: string): string | null } | undefined;
}

/** Reads at most `limit` bytes of a body as UTF-8 text, cancelling the rest. */
async function readText(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  const stream = response.body;
  if (stream === null) return { text: "", truncated: false };
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = limit - bytes;
      if (value.byteLength > room) {
        text += decoder.decode(value.subarray(0, room));
        void reader.cancel().catch(() => undefined);
        return { text, truncated: true };
      }
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return { text: text + decoder.decode(), truncated: false };
}

/** What the body decides about the error; the response's headers add the rest. */
type Interpreted = Pick<
  ClientApiErrorInit,
  "code" | "details" | "message" | "known" | "conforming" | "problems" | "body" | "snippet"
>;

function nonConforming(message: string, problems: string[], body: unknown, text: string): Interpreted {
  return {
    code: 0,
    details: null,
    message,
    known: true,
    conforming: false,
    problems,
    body,
    snippet: text.slice(0, SNIPPET_LENGTH),
  };
}

/** Code, message and details from a body's text, per the contract. */
function interpret(text: string, truncated: boolean, status: number): Interpreted {
  const describe = (problems: string[]) =>
    `HTTP ${status}: the error body does not keep the contract (${problems[0] ?? "unreadable"})`;
  if (truncated) {
    const problems = [`body is larger than ${MAX_ERROR_BODY_BYTES} bytes`];
    return nonConforming(describe(problems), problems, text, text);
  }
  if (text.trim() === "") {
    const problems = ["body is empty"];
    return nonConforming(describe(problems), problems, text, text);
  }
  let parsed = parseErrorBody(text, status);
  if (!parsed.conforming) {
    // A code this client has never heard of may be a newer contract's: the body conforms if it
    // would with a code nobody constrains. Everything else about it must still hold.
    const record = parsed.body as Record<string, unknown> | null;
    const code = typeof record === "object" && record !== null ? record.error_code : undefined;
    if (typeof code === "number" && Number.isSafeInteger(code) && code >= 0 && getCode(code) === undefined) {
      const again = parseErrorBody({ ...record, error_code: UNCONSTRAINED_CODE }, status);
      if (again.conforming) {
        parsed = { ...again, body: { ...again.body, error_code: code } };
      }
    }
  }
  if (!parsed.conforming) {
    return nonConforming(describe(parsed.problems), parsed.problems, parsed.body, text);
  }
  const body = parsed.body;
  return {
    code: body.error_code,
    details: body.details as DetailsOf<number>,
    message: body.error_message,
    known: getCode(body.error_code) !== undefined,
    conforming: true,
    problems: [],
    body: undefined,
    snippet: undefined,
  };
}

/**
 * Turns an error response into the client's error: the body is read (at most 1 MiB) and checked
 * against the contract. A conforming body keeps its code, message and details, including a code
 * the client does not know (`known: false`); anything else (an HTML page from a proxy, an empty
 * body, wrong keys, a code with the wrong details or status) becomes code 0 with
 * `conforming: false`, the status, `snippet` and `problems`. The response's `X-Request-Id`,
 * `Retry-After` and headers are kept. Rejects only when the body cannot be read.
 * @example
 * const res = await fetch(url);
 * if (!res.ok) throw await errorFromResponse(res, { method: "GET", url });
 */
export async function errorFromResponse(response: Response, request?: RequestLike): Promise<ResponseError> {
  const status = response.status;
  let fields: Interpreted;
  if (response.bodyUsed) {
    const problems = ["body was already read by someone else"];
    fields = nonConforming(`HTTP ${status}: the error body was already read`, problems, undefined, "");
  } else {
    const { text, truncated } = await readText(response, MAX_ERROR_BODY_BYTES);
    fields = interpret(text, truncated, status);
  }
  const error = new ClientApiError({
    ...fields,
    status,
    requestId: response.headers.get(REQUEST_ID_HEADER) ?? undefined,
    sentRequestId: request?.headers?.get(REQUEST_ID_HEADER) ?? undefined,
    method: request?.method,
    url: request?.url ?? (response.url === "" ? undefined : response.url),
    retryAfterMs: parseRetryAfter(response.headers.get("Retry-After")),
    responseHeaders: response.headers,
  });
  return error as ResponseError;
}
