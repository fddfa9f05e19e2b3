/**
 * The error catalogue: one page per registered code for the people who meet it (what it means, the
 * statuses, the `details` shape with an example, whether to retry, how to fix), as one Markdown
 * document or as static HTML pages. The CLI writes them (`api-error-codes catalog`); a service can
 * serve the same pages.
 */
import { type CodeDefinition, listCodes } from "./codes.js";
import { detailsSchema, errorExample, sentStatuses } from "./openapi.js";

/** What a client should do about a code: retry or not, and how to fix the request. */
interface Advice {
  readonly retry: string;
  readonly fix: string;
}

const NO_RETRY = "No: the same request gets the same answer.";

const ADVICE: Readonly<Record<number, Advice>> = {
  0: {
    retry: "Not automatically. An idempotent request may succeed later, but the failure was unexpected.",
    fix: "Nothing to change in the request: report the X-Request-Id to the operator, whose log entry for it has the cause.",
  },
  1: {
    retry: NO_RETRY,
    fix: "Use one of the methods in details.allowed (the Allow header lists them too).",
  },
  2: {
    retry: NO_RETRY,
    fix: "The operation is documented but not built yet: don't call it until the API says it exists.",
  },
  3: {
    retry: NO_RETRY,
    fix: "Send a JSON body that parses, as application/json in UTF-8, within the size limit, with every required member; each violation points at a problem.",
  },
  4: {
    retry: NO_RETRY,
    fix: "Change the values the violations point at to what their rule and expected say.",
  },
  5: {
    retry: NO_RETRY,
    fix: 'Send the JSON type each violation expects; values are never converted ("1" is not 1).',
  },
  6: {
    retry: "Only with credentials.",
    fix: "Send Authorization: Bearer <token>, after logging in.",
  },
  7: {
    retry: "Not with the same token.",
    fix: "The token is unknown, malformed or revoked: log in again for a new one.",
  },
  8: {
    retry: "Yes, once, after refreshing the token.",
    fix: "Refresh the token (or log in again) and repeat the request; details.expired_at says when it expired.",
  },
  9: {
    retry: NO_RETRY,
    fix: "The token is valid but lacks the role or scope details.required names: ask for that access.",
  },
  10: {
    retry: NO_RETRY,
    fix: "Check the path and the id; a resource the caller may not see is also not found.",
  },
  11: {
    retry:
      "Yes for 503 and 504, with backoff and after Retry-After when sent; a 502 (a bad answer upstream) rarely heals at once.",
    fix: "Nothing to change in the request: details.service and details.reason say which dependency failed and how.",
  },
  12: {
    retry: "Yes for 503 (unavailable, or a transaction conflict), with backoff; not for 500.",
    fix: "Nothing to change in the request: the database failed or was busy.",
  },
};

/** Advice for an application's code, from its statuses. */
function adviceFor(definition: CodeDefinition): Advice {
  const builtin = ADVICE[definition.code];
  if (builtin !== undefined) return builtin;
  const transient = definition.statuses.some((s) => s === 429 || s === 503);
  return {
    retry: transient
      ? "Yes, after the time Retry-After gives (or with backoff)."
      : definition.status >= 500
        ? "Not automatically: the failure is on the server's side."
        : NO_RETRY,
    fix: definition.description,
  };
}

/** The statuses a code is answered with, the default first. */
function statusesOf(definition: CodeDefinition): number[] {
  const sent = definition.code < 100 ? sentStatuses(definition.code) : [];
  return [...new Set([definition.status, ...sent, ...definition.statuses])];
}

/** Everything a page says about one code. */
export interface CatalogEntry {
  readonly code: number;
  readonly name: string;
  readonly message: string;
  readonly description: string;
  readonly statuses: readonly number[];
  /** JSON Schema of `details`. */
  readonly details: unknown;
  /** A wire body as the API sends it. */
  readonly example: unknown;
  readonly retry: string;
  readonly fix: string;
  readonly docUrl: string | undefined;
}

/**
 * The catalogue's content for every registered code (the application's included), ascending.
 * @example
 * catalogEntries().find((e) => e.code === 8)?.retry; // "Yes, once, after refreshing the token."
 */
export function catalogEntries(codes: readonly CodeDefinition[] = listCodes()): CatalogEntry[] {
  return codes.map((definition) => {
    const advice = adviceFor(definition);
    return {
      code: definition.code,
      name: definition.name,
      message: definition.message,
      description: definition.description,
      statuses: statusesOf(definition),
      details: detailsSchema(definition.code),
      example: errorExample(definition.code),
      retry: advice.retry,
      fix: advice.fix,
      docUrl: definition.docUrl,
    };
  });
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

/**
 * The catalogue as one Markdown document, a section per code.
 * @example
 * writeFileSync("docs/errors.md", catalogMarkdown());
 */
export function catalogMarkdown(codes: readonly CodeDefinition[] = listCodes()): string {
  const sections = catalogEntries(codes).map((e) =>
    [
      `## ${e.code} ${e.name}`,
      "",
      e.description,
      "",
      `- Message: ${e.message}`,
      `- Statuses: ${e.statuses.join(", ")} (default ${e.statuses[0]})`,
      `- Retry: ${e.retry}`,
      `- How to fix: ${e.fix}`,
      ...(e.docUrl === undefined ? [] : [`- Documentation: ${e.docUrl}`]),
      "",
      "`details`:",
      "",
      "```json",
      json(e.details),
      "```",
      "",
      "Example:",
      "",
      "```json",
      json(e.example),
      "```",
      "",
    ].join("\n"),
  );
  return `# Error codes\n\nEvery error answer is \`{"error_code", "error_message", "details"}\`. The codes:\n\n${sections.join("\n")}`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}" +
  "pre{background:#f4f4f4;padding:.75rem;overflow:auto}dt{font-weight:600}table{border-collapse:collapse}" +
  "td,th{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left}";

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
${body}
</body>
</html>
`;
}

/** One HTML file of the catalogue: `index.html`, or `<code>.html`. */
export interface CatalogPage {
  readonly path: string;
  readonly html: string;
}

/**
 * The catalogue as static HTML: `index.html` (a table of every code) and `<code>.html` per code,
 * linked relatively (`10.html`), or as `<base><code>` when `base` is given (a server that serves
 * `/docs/errors/10`); each page links back to `index` (default `index.html`, or `base`).
 * @example
 * for (const { path, html } of catalogPages()) writeFileSync(join(out, path), html);
 */
export function catalogPages(
  options: { codes?: readonly CodeDefinition[]; base?: string; index?: string; title?: string } = {},
): CatalogPage[] {
  const entries = catalogEntries(options.codes ?? listCodes());
  const title = options.title ?? "Error codes";
  const link = (code: number) => (options.base === undefined ? `${code}.html` : `${options.base}${code}`);
  const rows = entries
    .map(
      (e) =>
        `<tr><td><a href="${escapeHtml(link(e.code))}">${e.code}</a></td><td>${escapeHtml(e.name)}</td><td>${e.statuses.join(", ")}</td><td>${escapeHtml(e.description)}</td></tr>`,
    )
    .join("\n");
  const index = page(
    title,
    `<h1>${escapeHtml(title)}</h1>
<p>Every error answer is JSON: <code>{"error_code": int, "error_message": string, "details": any|null}</code>.</p>
<table><thead><tr><th>code</th><th>name</th><th>statuses</th><th>when</th></tr></thead>
<tbody>
${rows}
</tbody></table>`,
  );
  const home = options.index ?? options.base ?? "index.html";
  const pages = entries.map((e) => ({
    path: `${e.code}.html`,
    html: page(
      `${e.code} ${e.name} - ${title}`,
      `<p><a href="${escapeHtml(home)}">${escapeHtml(title)}</a></p>
<h1>${e.code} ${escapeHtml(e.name)}</h1>
<p>${escapeHtml(e.description)}</p>
<dl>
<dt>Message</dt><dd>${escapeHtml(e.message)}</dd>
<dt>Statuses</dt><dd id="statuses">${e.statuses.join(", ")} (default ${e.statuses[0]})</dd>
<dt>Retry</dt><dd id="retry">${escapeHtml(e.retry)}</dd>
<dt>How to fix</dt><dd id="fix">${escapeHtml(e.fix)}</dd>
</dl>
<h2><code>details</code></h2>
<pre id="details">${escapeHtml(json(e.details))}</pre>
<h2>Example</h2>
<pre id="example">${escapeHtml(json(e.example))}</pre>`,
    ),
  }));
  return [{ path: "index.html", html: index }, ...pages];
}
