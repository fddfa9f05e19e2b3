/**
 * Message catalogues: `error_message` in another language. Only the message is translated;
 * `error_code` and `details` are the same in every language, and each violation keeps its `rule` and
 * `expected` so a client can write its own text.
 */
import type { Violation, ViolationLocation } from "../details.js";
import { decidingViolation, summarizeViolations } from "../validation/violations.js";

/**
 * The texts of one language. English is built in (the registry's messages and the library's own);
 * a catalogue for `en` overrides them. Any text may be left out: it falls back to the code's message
 * in this language, then to English.
 * @example
 * const fr: Messages = { codes: { 10: "Ressource introuvable" }, texts: { "Order already shipped": "Commande déjà expédiée" } };
 */
export interface Messages {
  /** Each code's own message (what `error_message` is when nothing more specific was said). */
  readonly codes?: Readonly<Partial<Record<number, string>>>;
  /**
   * Any other message by its English text: the library's fixed messages and the application's own
   * (`ApiError.notExist({ message: "No such book" })`).
   */
  readonly texts?: Readonly<Record<string, string>>;
  /**
   * A violation's text by its `rule` (`required`, `minimum`, `type`, ...), `{expected}` replaced by
   * the rule's parameter; `*` for rules without a text of their own.
   */
  readonly rules?: Readonly<Record<string, string>>;
  /** The names of where a violation is: `body`, `query`, `path`, `header`. */
  readonly places?: Readonly<Partial<Record<ViolationLocation, string>>>;
  /**
   * The message of a validation failure: `{where}` (place and pointer), `{message}` (the rule's
   * text) and, in `more`, `{count}` further violations.
   */
  readonly summary?: { readonly one: string; readonly more: string };
}

/** An error answer's message and details, as they go on the wire. */
export interface Said {
  readonly code: number;
  readonly message: string;
  readonly details: unknown;
}

const MORE = / \(and (\d+) more\)$/;

function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** A rule's parameter as a reader expects it: `integer`, `1`, `"a", "b"`. */
function shown(expected: unknown): string {
  if (Array.isArray(expected)) return expected.map(shown).join(", ");
  if (typeof expected === "string") return expected;
  return JSON.stringify(expected) ?? "";
}

/** The violations of a 3/4/5 answer whose message is the library's summary of them. */
function summarized(said: Said): { first: Violation; total: number } | undefined {
  const violations = (said.details as { violations?: unknown } | null)?.violations;
  if (!Array.isArray(violations) || !said.message.startsWith("Invalid request: ")) return undefined;
  const total = 1 + Number(MORE.exec(said.message)?.[1] ?? 0);
  const list = violations as Violation[];
  if (summarizeViolations(list, total) !== said.message) return undefined;
  const first = decidingViolation(list);
  return first === undefined ? undefined : { first, total };
}

function violationText(messages: Messages, v: Violation): string | undefined {
  const own = messages.rules?.[v.rule];
  // A text that names the parameter says nothing useful without one (`enum` with no values given).
  const rule =
    own !== undefined && (v.expected !== undefined || !own.includes("{expected}"))
      ? own
      : messages.rules?.["*"];
  if (rule === undefined) return undefined;
  return fill(rule, { expected: v.expected === undefined ? "" : shown(v.expected) });
}

/**
 * `said.message` in the language of `messages`, or `undefined` when the catalogue has nothing for it
 * (neither the text, nor the rule of a validation summary, nor the code).
 * @example
 * translate(de, { code: 10, message: "Resource not found", details: null }); // "Ressource nicht gefunden"
 */
export function translate(messages: Messages, said: Said): string | undefined {
  const text = messages.texts?.[said.message];
  if (text !== undefined) return text;
  const summary = messages.summary;
  const violations = summary === undefined ? undefined : summarized(said);
  if (summary !== undefined && violations !== undefined) {
    const { first, total } = violations;
    const message = violationText(messages, first);
    if (message !== undefined) {
      const place = messages.places?.[first.in] ?? first.in;
      const values = {
        where: first.pointer === "" ? place : `${place} ${first.pointer}`,
        message,
        count: String(total - 1),
      };
      return fill(total > 1 ? summary.more : summary.one, values);
    }
  }
  return messages.codes?.[said.code];
}
