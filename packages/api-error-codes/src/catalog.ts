/**
 * The code table rendered for people and tools: markdown for the README, aligned text for a
 * terminal, JSON for scripts. Shared by the CLI, the OpenAPI module and the README drift test, so
 * every place that shows the table shows the same one.
 */
import { type CodeDefinition, listCodes } from "./codes.js";

const HEADERS = ["code", "name", "default status", "also allowed", "when"] as const;

function rows(codes: readonly CodeDefinition[]): string[][] {
  return codes.map((d) => [
    String(d.code),
    d.name,
    String(d.status),
    d.statuses
      .filter((s) => s !== d.status)
      .map(String)
      .join(", "),
    d.description,
  ]);
}

// A pipe would end the cell early and a line break would end the row.
function markdownCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\s*\n\s*/g, " ");
}

/**
 * The code table as GitHub-flavoured markdown, one row per registered code, ending in a newline.
 * This is the exact text the README keeps between `<!-- codes:start -->` and `<!-- codes:end -->`.
 * @example
 * codesMarkdownTable().split("\n")[2]; // "| 0 | UNKNOWN | 500 |  | Anything unexpected; ... |"
 */
export function codesMarkdownTable(codes: readonly CodeDefinition[] = listCodes()): string {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
  const lines = [line(HEADERS), `|${HEADERS.map(() => "---").join("|")}|`, ...rows(codes).map(line)];
  return `${lines.join("\n")}\n`;
}

/**
 * The code table as plain text with aligned columns (no trailing spaces), ending in a newline.
 * @example
 * process.stdout.write(codesTextTable());
 * // code  name               default status  also allowed        when
 * // 0     UNKNOWN            500                                 Anything unexpected; ...
 */
export function codesTextTable(codes: readonly CodeDefinition[] = listCodes()): string {
  const table = [[...HEADERS], ...rows(codes)];
  const widths = HEADERS.map((_, i) => Math.max(...table.map((r) => (r[i] ?? "").length)));
  const lines = table.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/**
 * The registry as pretty-printed JSON (an array of {@link CodeDefinition}, ascending by code),
 * ending in a newline.
 * @example
 * JSON.parse(codesJson())[10]; // { code: 10, name: "NOT_EXIST", status: 404, statuses: [404], ... }
 */
export function codesJson(codes: readonly CodeDefinition[] = listCodes()): string {
  const plain = codes.map((d) => ({
    code: d.code,
    name: d.name,
    status: d.status,
    statuses: [...d.statuses],
    message: d.message,
    description: d.description,
  }));
  return `${JSON.stringify(plain, null, 2)}\n`;
}
