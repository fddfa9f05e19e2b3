/** The text of `--help`, exact about what is sent. */

export const PROGRAM = "api-error-codes-check";

/** Exit codes, as `--help` and docs/checker.md give them. */
export const EXIT = {
  /** Every check passed (or failed only as the baseline accepts). */
  ok: 0,
  /** At least one check failed that the baseline does not accept. */
  failed: 1,
  /** A usage or config error: unknown option, bad value, unreadable config or baseline. */
  usage: 2,
  /** The run could not start: the spec is unreadable, the target unreachable, a login failed. */
  cannotRun: 3,
} as const;

export const CHECK_HELP = `Usage: ${PROGRAM} <baseUrl> [options]
       ${PROGRAM} --config checker.yaml [options]

Probes a running HTTP API (in any language) and reports where it breaks the api-error-codes
contract. The spec is OpenAPI 3.0 or 3.1, YAML or JSON, one file or several ($ref to other files).

What is sent, always:
  GET <base>/__api-error-codes-check__/no-such-route; on http:// a malformed request line and a
  20 kB header on raw sockets.
With --spec, per path: each of GET, POST, PUT, PATCH, DELETE that the spec does not document,
  with no credentials and no body, and OPTIONS. Per secured operation, with no body: no
  credentials, a made-up token, --expired-token, and for GET --forbidden-token where 403 is
  documented. To an operation documenting 501: one request with no credentials.
  Per GET operation, with --token (or none if it is not secured): parameters of the wrong
  type, out of range or missing, a made-up id, and one valid request.
With --allow-writes only, since a server that does not validate could accept them and write:
  every POST, PUT, PATCH or DELETE request that gets past authentication (sent with --token
  or --forbidden-token, or to an operation without security): malformed JSON, a valid body as
  text/plain, a body missing a required member, of a wrong type, breaking one rule or with an
  unknown member, a 2 MiB body, bad parameters, a made-up id (with a valid body), and one
  valid POST body per operation without path parameters.
Without --allow-writes, no request that a server could accept changes data.

Options:
  --spec <file|url>          OpenAPI 3.0/3.1 document, YAML or JSON
  --config <file>            config file (YAML or JSON): target, spec, tokens, skip, baseline...
  --token <t>                a valid credential: a bearer or apiKey token (header, query or
                             cookie, as the spec says), or user:password for http basic
  --expired-token <t>        a known but expired token (expects 401 / 8)
  --forbidden-token <t>      a valid token without the role (expects 403 / 9 where the spec
                             documents 403)
  --skip <pattern>           skip checks: "body-oversize", "body-constraint:*",
                             "POST /v1/orders body-type:*" (repeatable)
  --baseline <file>          accepted failures: fail only on failures not in this file
  --write-baseline <file>    write this run's failures as a baseline
  -f, --format <format>      table (default), json, junit, sarif or github (annotations)
  -o, --out <file>           write the report to a file; stdout gets the summary line
  --timeout <ms>             per request (default 10000)
  --concurrency <n>          requests in flight (default 8)
  --allow-writes             also send the write requests listed above
  -h, --help                 show this help
  -v, --version              print the version

Exit status: 0 every check passed (failures the baseline accepts do not count), 1 a check
failed, 2 usage or config error, 3 the run could not start (spec unreadable, target unreachable,
login failed). Details: node_modules/api-error-codes/docs/checker.md.
`;
