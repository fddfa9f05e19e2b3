/**
 * How an error answer is said to this client, decided last and in one place for every adapter: the
 * message in the language `Accept-Language` asks for, RFC 9457 Problem Details for a client that
 * asks for `application/problem+json`, and a `Link` to the code's documentation. The code and the
 * details are never touched. Off (no instance) unless one of its options is given.
 */
import Negotiator from "negotiator";
import { getCode } from "../codes.js";
import type { ErrorBody } from "../details.js";
import type { Messages } from "../messages/messages.js";
import { translate } from "../messages/messages.js";
import { PROBLEM_CONTENT_TYPE, problemJson } from "../problem.js";
import { serializeBody } from "../wire.js";
import type { Answer, ErrorContext } from "./port.js";
import { pathOf } from "./routes.js";

export interface PresentOptions {
  /**
   * Message catalogues by language tag (`{ de }`), chosen by `Accept-Language`; English is built in
   * and a catalogue for `en` overrides it.
   */
  languages?: Readonly<Record<string, Messages>>;
  /** The language for a request that asks for none of those (default `en`). */
  defaultLanguage?: string;
  /** Answer `Accept: application/problem+json` with RFC 9457 Problem Details. */
  problemDetails?: boolean;
  /** `Link: <docUrl>; rel="help"` on answers whose code has a documentation page. */
  docLinks?: boolean;
}

const MEDIA_TYPES = ["application/json", PROBLEM_CONTENT_TYPE];
const ENGLISH: Messages = {};

export class Presenter {
  private readonly catalogs: Readonly<Record<string, Messages>>;
  /** The default language first: what a request without `Accept-Language` gets. */
  private readonly tags: string[];
  private readonly vary: string;
  /** Whether `languages` or `defaultLanguage` was given. */
  private readonly translates: boolean;

  /** `undefined` when no option asks for anything: answers then go out exactly as built. */
  static create(options: PresentOptions, dev: boolean, adapter: string): Presenter | undefined {
    const { languages, problemDetails = false, docLinks = false } = options;
    if (languages === undefined && options.defaultLanguage === undefined && !problemDetails && !docLinks)
      return undefined;
    return new Presenter(options, dev, adapter);
  }

  private constructor(
    private readonly options: PresentOptions,
    private readonly dev: boolean,
    adapter: string,
  ) {
    this.catalogs = { en: ENGLISH, ...options.languages };
    const fallback = options.defaultLanguage ?? "en";
    if (!Object.hasOwn(this.catalogs, fallback)) {
      throw new TypeError(
        `${adapter}: option "defaultLanguage" is "${fallback}", which is not one of "languages" (${Object.keys(this.catalogs).join(", ")})`,
      );
    }
    this.tags = [fallback, ...Object.keys(this.catalogs).filter((tag) => tag !== fallback)];
    this.translates = options.languages !== undefined || options.defaultLanguage !== undefined;
    const vary: string[] = [];
    if (options.problemDetails === true) vary.push("Accept");
    if (this.translates) vary.push("Accept-Language");
    this.vary = vary.join(", ");
  }

  /** `answer` (an error answer built for the contract) as this request should get it. */
  present(answer: Answer, context: ErrorContext): Answer {
    const header = (name: string) => context.port?.header(name);
    const body = JSON.parse(answer.body) as ErrorBody<number>;
    const headers = { ...answer.headers };
    if (this.vary !== "")
      headers.Vary = headers.Vary === undefined ? this.vary : `${headers.Vary}, ${this.vary}`;
    let message = body.error_message;
    let language: Messages = ENGLISH;
    if (this.translates) {
      const asked = new Negotiator({ headers: { "accept-language": header("accept-language") } }).language(
        this.tags,
      );
      const tag = asked ?? (this.tags[0] as string);
      const said = { code: body.error_code, message, details: body.details };
      // A development 5xx message is the cause, for the developer: it stays as it is.
      language = this.catalogs[tag] ?? ENGLISH;
      const translated = this.dev && answer.status >= 500 ? undefined : translate(language, said);
      if (translated !== undefined) message = translated;
      headers["Content-Language"] = translated === undefined ? "en" : tag;
    }
    const docUrl = getCode(body.error_code)?.docUrl;
    if (this.options.docLinks === true && docUrl !== undefined) headers.Link = `<${docUrl}>; rel="help"`;
    const problem =
      this.options.problemDetails === true &&
      new Negotiator({ headers: { accept: header("accept") } }).mediaType(MEDIA_TYPES) ===
        PROBLEM_CONTENT_TYPE;
    if (!problem) {
      const text =
        message === body.error_message ? answer.body : serializeBody(body.error_code, message, body.details);
      return { ...answer, headers, body: text };
    }
    // With the charset, as the contract's JSON has it (and Fastify would add it to a string payload).
    headers["Content-Type"] = `${PROBLEM_CONTENT_TYPE}; charset=utf-8`;
    const text = problemJson({ ...body, error_message: message }, answer.status, {
      type: docUrl,
      title: language.codes?.[body.error_code] ?? getCode(body.error_code)?.message ?? message,
      instance: pathOf(context.target),
    });
    return { ...answer, headers, body: text };
  }
}
