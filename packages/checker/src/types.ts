/** The data the conformance checker passes between its steps: spec, probes, answers, results. */

/** A JSON Schema as found in an OpenAPI document, after local `$ref`s are resolved. */
export type Schema = { readonly [keyword: string]: unknown };

/** How a secured operation takes its credentials. */
export type Credentials =
  /** `Authorization: Bearer <token>` (http bearer, oauth2, openIdConnect). */
  | { readonly kind: "bearer" }
  /** `Authorization: Basic base64(user:password)`; the token given is `user:password`. */
  | { readonly kind: "basic" }
  /** A bare token in a header of its own (apiKey in header, name in lower case). */
  | { readonly kind: "header"; readonly header: string }
  /** A bare token in a query parameter (apiKey in query). */
  | { readonly kind: "query"; readonly name: string }
  /** A bare token in a cookie (apiKey in cookie). */
  | { readonly kind: "cookie"; readonly name: string }
  /** A scheme the checker cannot drive (mutualTLS, http digest, ...). */
  | { readonly kind: "unsupported"; readonly scheme: string };

/** A path, query or header parameter of an operation (header names in lower case). */
export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query" | "header";
  readonly required: boolean;
  readonly schema: Schema;
}

/** The JSON request body of an operation. */
export interface RequestBody {
  readonly required: boolean;
  /** Schema of the JSON media type; `undefined` when the document gives none. */
  readonly schema: Schema | undefined;
  /** Every media type the operation documents (lower case). */
  readonly mediaTypes: readonly string[];
}

/** One operation of the document, normalised. */
export interface Operation {
  /** Upper case. */
  readonly method: string;
  /** The path template as written in the document, e.g. `/v1/orders/{id}`. */
  readonly path: string;
  /** `METHOD /path`, the name results carry. */
  readonly label: string;
  readonly parameters: readonly Parameter[];
  /** `undefined` when the operation can be called anonymously. */
  readonly security: Credentials | undefined;
  /** `undefined` when the operation takes no JSON body. */
  readonly body: RequestBody | undefined;
  /** Keys of `responses`: `"200"`, `"4XX"`, `"default"`. */
  readonly responses: readonly string[];
}

/** A normalised OpenAPI document. */
export interface Spec {
  /** Where it came from, for the report. */
  readonly source: string;
  /** Path of the first server URL (`/api` of `https://x/api`), without a trailing slash. */
  readonly serverPath: string;
  readonly operations: readonly Operation[];
  /** Documented methods per path template, upper case, in document order. */
  readonly paths: ReadonlyMap<string, readonly string[]>;
}

/** What an error answer must be. */
export interface ErrorExpectation {
  readonly kind: "error";
  readonly statuses: readonly number[];
  readonly code: number;
  /**
   * For a 400: `details.violations` must hold one about the body as a whole (pointer `""`, or
   * rule `media_type`), not only about one of its members.
   */
  readonly wholeBody?: true;
  /** For 405: the methods `Allow` must name. */
  readonly allow?: readonly string[];
  /** For 401: `WWW-Authenticate` must be there; `invalid_token` also requires `error="invalid_token"`. */
  readonly wwwAuthenticate?: "present" | "invalid_token";
}

export type Expectation =
  | ErrorExpectation
  /** A 2xx answer to OPTIONS with `Allow` naming these methods. */
  | { readonly kind: "options"; readonly allow: readonly string[] }
  /** 501 / 2 for a documented operation without a handler, or a sign that it has one. */
  | { readonly kind: "not-realized" }
  /** No result of its own: only the checks every answer gets. */
  | { readonly kind: "none" };

/** A request sent with node:http(s). */
export interface HttpRequest {
  readonly kind: "http";
  readonly method: string;
  /** Path and query relative to the base URL, e.g. `/v1/orders?limit=1`. */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

/** Bytes written on a raw TCP connection (HTTP that a client library would refuse to send). */
export interface RawRequest {
  readonly kind: "raw";
  readonly data: string;
}

/** One request the checker sends and what it expects back. */
export interface Probe {
  /** The check id this probe decides (`method-not-allowed`, `body-type:quantity`, ...). */
  readonly check: string;
  /** The operation its result names. */
  readonly operation: string;
  /** Whose checks every answer gets (conforms, request-id, ...) this answer counts for. */
  readonly group: string;
  /** The documented operation, when the answer's status must be one it documents. */
  readonly documented: Operation | undefined;
  readonly request: HttpRequest | RawRequest;
  readonly expect: Expectation;
  /** The operation that has to be realized for this probe to make sense (see `not-realized`). */
  readonly needsRealized?: string;
  /**
   * Sent with the valid credential (or to an anonymous operation): it gets past authentication.
   * A 403/9 answer then means the credential lacks the operation's role, which the contract checks
   * before validation, so the probe's own check is skipped rather than failed.
   */
  readonly authenticated?: true;
}

/** A check that is not run, and why. */
export interface Skip {
  readonly skip: true;
  readonly check: string;
  readonly operation: string;
  readonly group: string;
  readonly message: string;
}

/** A planned probe or a skipped check, in report order. */
export type PlanItem = Probe | Skip;

/** An HTTP answer as received. */
export interface Answer {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What one request produced: an answer, or why there is none. */
export type Outcome = { readonly answer: Answer } | { readonly error: string; readonly code?: string };

/** One line of the report. */
export interface CheckResult {
  readonly check: string;
  readonly operation: string;
  readonly passed: boolean;
  /** Set (and `passed` true) when the check could not run; it does not fail the run. */
  readonly skipped?: true;
  /** Set (and `passed` true) when the check failed and the baseline accepts that failure. */
  readonly accepted?: true;
  readonly message: string;
}

export interface Summary {
  readonly passed: number;
  /** Failures that fail the run (not accepted by a baseline). */
  readonly failed: number;
  readonly skipped: number;
  /** Failures the baseline accepts (present when a baseline was given). */
  readonly accepted?: number;
}

/** Everything a run found. */
export interface Report {
  readonly target: string;
  readonly spec: string | undefined;
  readonly summary: Summary;
  readonly results: readonly CheckResult[];
  /** Baseline entries that no longer fail (present when a baseline was given). */
  readonly fixed?: readonly { readonly operation: string; readonly check: string }[];
}
