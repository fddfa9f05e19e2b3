/**
 * The route table every adapter consults before anything else, so that 404, 405 (+ `Allow`),
 * OPTIONS and 501 are decided once, the same way for every framework.
 *
 * Matching rules (an adapter configures its framework's router to agree with them):
 * - Methods are case-sensitive (RFC 9110 section 9.1). A request method nobody registered, such as
 *   `get`, `PROPFIND` or `CONNECT`, on a path that exists is 405, never 400 or 501: the contract's
 *   501 means "documented but not implemented", and code 1 is "path exists, method does not".
 *   Registration is forgiving: `add("get", ...)` registers `GET`.
 * - HEAD is served by a GET route; `Allow` lists HEAD wherever GET is allowed, and always OPTIONS.
 * - OPTIONS on a known path answers 204 with `Allow`, unless an OPTIONS route was registered.
 * - Literal segments win over parameters; a parameter never matches an empty segment.
 * - The trailing slash is significant (`/orders/` is not `/orders`) unless the table is created with
 *   `ignoreTrailingSlash: true`.
 * - Each path segment is percent-decoded on its own (so `%2F` stays inside its segment); bad
 *   percent-encoding is 400 / 3 rather than a guess.
 * - Documented operations (from OpenAPI) count as allowed methods; without a handler they answer 501.
 */
import { ApiError } from "../api-error.js";

/** What {@link RouteTable.resolve} decided. */
export type RouteResolution =
  | {
      kind: "match";
      /** The registered method that handles the request: `GET` for a HEAD request on a GET route. */
      method: string;
      /** The matched template in OpenAPI syntax, e.g. `/orders/{id}`. */
      template: string;
      /** Percent-decoded parameter values by name. */
      params: Readonly<Record<string, string>>;
    }
  | { kind: "options"; allow: readonly string[]; headers: Readonly<Record<string, string>> }
  | {
      kind: "not_allowed";
      error: ApiError<1>;
      /** The request's method; `allow` the methods the path has, `headers` the `Allow` header. */
      method: string;
      allow: readonly string[];
      headers: Readonly<Record<string, string>>;
    }
  | {
      kind: "not_found";
      error: ApiError<10>;
      /** The request's method and path, the error's details. */
      method: string;
      path: string;
    }
  | { kind: "not_realized"; error: ApiError<2> }
  | { kind: "bad_request"; error: ApiError<3> };

export interface RouteTableOptions {
  /** Treat `/orders/` as `/orders`. Off by default: the slash is part of the path. */
  ignoreTrailingSlash?: boolean;
}

export interface AddRouteOptions {
  /** A handler exists. Default `true`; {@link RouteTable.fromOpenApi} adds with `false`. */
  realized?: boolean;
  /** The operation is part of the published API description. */
  documented?: boolean;
}

/** An OpenAPI 3.x document, as far as the table reads it. */
export interface OpenApiDocumentLike {
  readonly paths?: object | undefined;
}

interface Route {
  readonly method: string;
  readonly template: string;
  readonly names: readonly string[];
  documented: boolean;
  realized: boolean;
}

interface Allow {
  readonly list: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

interface Node {
  readonly literals: Map<string, Node>;
  param: Node | undefined;
  routes: Map<string, Route> | undefined;
  /** Computed on first use after the node's routes last changed. */
  allow: Allow | undefined;
}

type Segment = { literal: string } | { param: string };

const BRACE_PARAM = /^\{([^{}/]+)\}$/;
const COLON_PARAM = /^:([A-Za-z0-9_]+)$/;
const METHOD_TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
const OPENAPI_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace", "query"];
const EMPTY_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

const newNode = (): Node => ({ literals: new Map(), param: undefined, routes: undefined, allow: undefined });

function parseTemplate(template: string): { segments: Segment[]; canonical: string } {
  if (!template.startsWith("/")) throw new TypeError(`route template "${template}" must start with "/"`);
  const segments: Segment[] = [];
  let canonical = "";
  for (const part of template.slice(1).split("/")) {
    const name = BRACE_PARAM.exec(part)?.[1] ?? COLON_PARAM.exec(part)?.[1];
    if (name !== undefined) {
      segments.push({ param: name });
      canonical += `/{${name}}`;
    } else if (/[{}*]/.test(part) || part.startsWith(":")) {
      // Partial-segment parameters, optional parameters and wildcards would silently mis-route.
      throw new TypeError(`route template "${template}": segment "${part}" is not supported`);
    } else {
      segments.push({ literal: part });
      canonical += `/${part}`;
    }
  }
  return { segments, canonical };
}

/**
 * The `{name}` form of a template written in either syntax: `/orders/:id` -> `/orders/{id}`.
 * @example
 * toOpenApiTemplate("/orders/:id/refund"); // "/orders/{id}/refund"
 */
export function toOpenApiTemplate(template: string): string {
  return template.replace(/\/:([A-Za-z0-9_]+)(?=\/|$)/g, "/{$1}");
}

/**
 * The 501 error for a documented operation that has no handler.
 * @example
 * app.post("/orders/:id/refund", () => { throw notRealized("POST", "/orders/:id/refund"); });
 */
export function notRealized(method: string, template: string): ApiError<2> {
  return ApiError.notRealized({ method, path: toOpenApiTemplate(template) });
}

function computeAllow(methods: Iterable<string>): Allow {
  const set = new Set(methods);
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  // Plain code-unit order: stable, locale-independent, and the same in every adapter.
  const list = Object.freeze([...set].sort());
  return { list, headers: Object.freeze({ Allow: list.join(", ") }) };
}

function allowOf(node: Node): Allow {
  if (node.allow === undefined) node.allow = computeAllow(node.routes?.keys() ?? []);
  return node.allow;
}

function routeFor(node: Node, method: string): Route | undefined {
  const routes = node.routes;
  if (routes === undefined) return undefined;
  const route = routes.get(method);
  if (route?.realized === true) return route;
  // A documented-only HEAD or OPTIONS must not turn into 501 when the table can answer it itself.
  if (method === "HEAD") return routes.get("GET") ?? route;
  if (method === "OPTIONS") return undefined;
  return route;
}

/** The request path without query string or fragment, from origin-form or absolute-form targets. */
export function pathOf(target: string): string {
  let end = target.length;
  const query = target.indexOf("?");
  if (query !== -1) end = query;
  const hash = target.indexOf("#");
  if (hash !== -1 && hash < end) end = hash;
  let path = end === target.length ? target : target.slice(0, end);
  if (path.charCodeAt(0) !== 47) {
    const origin = ABSOLUTE_FORM.exec(path);
    if (origin !== null) path = path.slice(origin[0].length) || "/";
  }
  return path;
}

/**
 * Routes as the contract sees them: which paths exist, which methods each allows, which documented
 * operations still lack a handler.
 * @example
 * const table = createRouteTable().fromOpenApi(spec);
 * table.add("GET", "/orders/:id");
 * const r = table.resolve(req.method, req.url);
 * if (r.kind === "options") reply.code(204).headers(r.headers).send();
 * else if (r.kind !== "match") send(errorResponse(r.error));
 */
export class RouteTable {
  private readonly root: Node = newNode();
  private readonly ignoreTrailingSlash: boolean;
  private readonly all: Route[] = [];
  private maxSegments = 0;

  constructor(options: RouteTableOptions = {}) {
    this.ignoreTrailingSlash = options.ignoreTrailingSlash ?? false;
  }

  /**
   * Registers an operation; by default one that has a handler. Adding the same method and template
   * again only widens its flags, so handlers and the OpenAPI document may be added in either order.
   * @example
   * table.add("GET", "/orders/{id}").add("DELETE", "/orders/:id");
   */
  add(method: string, template: string, options: AddRouteOptions = {}): this {
    const name = method.toUpperCase();
    if (!METHOD_TOKEN.test(name)) throw new TypeError(`"${method}" is not an HTTP method token`);
    const { segments, canonical } = parseTemplate(this.trim(template));
    let node = this.root;
    const names: string[] = [];
    for (const segment of segments) {
      if ("param" in segment) {
        names.push(segment.param);
        node.param ??= newNode();
        node = node.param;
      } else {
        let next = node.literals.get(segment.literal);
        if (next === undefined) {
          next = newNode();
          node.literals.set(segment.literal, next);
        }
        node = next;
      }
    }
    this.maxSegments = Math.max(this.maxSegments, segments.length);
    node.routes ??= new Map();
    const existing = node.routes.get(name);
    const realized = options.realized ?? true;
    const documented = options.documented ?? false;
    if (existing === undefined) {
      const route: Route = { method: name, template: canonical, names, documented, realized };
      node.routes.set(name, route);
      this.all.push(route);
      node.allow = undefined;
    } else {
      existing.realized ||= realized;
      existing.documented ||= documented;
    }
    return this;
  }

  /**
   * Says that a documented operation now has a handler (adds it when it was not documented).
   * @example
   * table.fromOpenApi(spec).markRealized("GET", "/orders/:id");
   */
  markRealized(method: string, template: string): this {
    return this.add(method, template, { realized: true });
  }

  /**
   * Adds every operation of an OpenAPI 3.x document as documented and not yet realized. Path items
   * given as local `$ref`s are followed; `basePath` prefixes every path (e.g. the server URL's path).
   * @example
   * const table = createRouteTable().fromOpenApi(spec, { basePath: "/v1" });
   */
  fromOpenApi(document: OpenApiDocumentLike, options: { basePath?: string } = {}): this {
    const base = (options.basePath ?? "").replace(/\/+$/, "");
    const paths = document.paths;
    if (typeof paths !== "object" || paths === null) return this;
    for (const [template, raw] of Object.entries(paths)) {
      const item = followRef(document, raw);
      if (item === undefined) continue;
      const flags = { realized: false, documented: true };
      for (const method of OPENAPI_METHODS) {
        if (isRecord(item[method])) this.add(method, base + template, flags);
      }
      const extra = item.additionalOperations;
      if (isRecord(extra)) {
        for (const [method, operation] of Object.entries(extra)) {
          if (isRecord(operation)) this.add(method, base + template, flags);
        }
      }
    }
    return this;
  }

  /**
   * Documented operations without a handler, e.g. to log them at startup.
   * @example
   * for (const op of table.unrealized()) log.warn(`${op.method} ${op.template} answers 501`);
   */
  unrealized(): { method: string; template: string }[] {
    return this.all.filter((r) => !r.realized).map((r) => ({ method: r.method, template: r.template }));
  }

  /**
   * Decides what a request gets before authentication and body parsing run. `target` is the request
   * target as received (`req.url`); its query string is ignored.
   * @example
   * table.resolve("PATCH", "/orders?x=1"); // { kind: "not_allowed", error } with Allow: GET, HEAD, OPTIONS, POST
   */
  resolve(method: string, target: string): RouteResolution {
    const path = pathOf(target);
    if (path.charCodeAt(0) !== 47) return notFound(method, path);
    const segments = this.trim(path).slice(1).split("/");
    if (path.includes("%")) {
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i] as string;
        if (!segment.includes("%")) continue;
        const decoded = safeDecode(segment);
        if (decoded === undefined) return { kind: "bad_request", error: badPath() };
        segments[i] = decoded;
      }
    }
    if (segments.length > this.maxSegments) return notFound(method, path);

    const values: string[] = [];
    const seen: Node[] = [];
    const route = search(this.root, segments, 0, method, values, seen);
    if (route !== undefined) {
      if (!route.realized) {
        return {
          kind: "not_realized",
          error: ApiError.notRealized({ method, path: route.template }),
        };
      }
      return new Match(route, values);
    }
    const first = seen[0];
    if (first === undefined) return notFound(method, path);
    const allow =
      seen.length === 1 ? allowOf(first) : computeAllow(seen.flatMap((n) => [...allowOf(n).list]));
    if (method === "OPTIONS") return { kind: "options", allow: allow.list, headers: allow.headers };
    return new NotAllowed(method, allow);
  }

  /**
   * Whether a path the table does not know is another letter case or trailing slash of one it does:
   * routers that are case-insensitive and non-strict by default (Express, @koa/router) would serve
   * it, the contract does not (adapters answer it 404).
   * @example
   * table.add("GET", "/orders").isLooseVariant("GET", "/Orders/"); // true
   */
  isLooseVariant(method: string, target: string): boolean {
    const path = pathOf(target);
    const folded = path.toLowerCase().replace(/(.)\/+$/, "$1");
    if (folded === path) return false;
    const kind = this.resolve(method, folded).kind;
    return kind !== "not_found" && kind !== "bad_request";
  }

  private trim(path: string): string {
    return this.ignoreTrailingSlash && path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  }
}

/**
 * A new, empty {@link RouteTable}.
 * @example
 * const table = createRouteTable({ ignoreTrailingSlash: false }).add("GET", "/health");
 */
export function createRouteTable(options?: RouteTableOptions): RouteTable {
  return new RouteTable(options);
}

/**
 * Depth-first, literals before parameters. Each trie node sits at one depth and is reachable one way,
 * so the walk visits every node at most once: linear in the table, whatever the request path.
 * Nodes that match the whole path but lack the method are collected into `seen` for `Allow`.
 */
function search(
  node: Node,
  segments: readonly string[],
  index: number,
  method: string,
  values: string[],
  seen: Node[],
): Route | undefined {
  if (index === segments.length) {
    if (node.routes === undefined) return undefined;
    const route = routeFor(node, method);
    if (route !== undefined) return route;
    seen.push(node);
    return undefined;
  }
  const segment = segments[index] as string;
  const literal = node.literals.get(segment);
  if (literal !== undefined) {
    const found = search(literal, segments, index + 1, method, values, seen);
    if (found !== undefined) return found;
  }
  if (node.param !== undefined && segment !== "") {
    values.push(segment);
    const found = search(node.param, segments, index + 1, method, values, seen);
    if (found !== undefined) return found;
    values.pop();
  }
  return undefined;
}

/** A match makes its params only when asked: adapters over a router use the router's own. */
class Match {
  readonly kind = "match" as const;
  readonly method: string;
  readonly template: string;
  #params: Readonly<Record<string, string>> | undefined;
  constructor(
    private readonly route: Route,
    private readonly values: readonly string[],
  ) {
    this.method = route.method;
    this.template = route.template;
  }
  get params(): Readonly<Record<string, string>> {
    this.#params ??= paramsOf(this.route, this.values);
    return this.#params;
  }
}

function paramsOf(route: Route, values: readonly string[]): Readonly<Record<string, string>> {
  if (route.names.length === 0) return EMPTY_PARAMS;
  // No prototype: a parameter named `__proto__` or `constructor` stays an ordinary key.
  const params = Object.create(null) as Record<string, string>;
  const names = route.names;
  for (let i = 0; i < names.length; i++) params[names[i] as string] = values[i] as string;
  return params;
}

/**
 * 404 and 405 outcomes make their ApiError only when it is asked for: adapters answer them from
 * `method`, `path` and `allow` (Contract.refuse), and most never need the Error object, whose
 * construction costs more than the rest of the answer.
 */
class NotFound {
  readonly kind = "not_found" as const;
  #error: ApiError<10> | undefined;
  constructor(
    readonly method: string,
    readonly path: string,
  ) {}
  get error(): ApiError<10> {
    this.#error ??= ApiError.notExist({ method: this.method, path: this.path });
    return this.#error;
  }
}

class NotAllowed {
  readonly kind = "not_allowed" as const;
  readonly allow: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  #error: ApiError<1> | undefined;
  constructor(
    readonly method: string,
    allow: Allow,
  ) {
    this.allow = allow.list;
    this.headers = allow.headers;
  }
  get error(): ApiError<1> {
    this.#error ??= ApiError.notAllowed(
      { method: this.method, allowed: [...this.allow] },
      { headers: this.headers },
    );
    return this.#error;
  }
}

function notFound(method: string, path: string): RouteResolution {
  return new NotFound(method, path);
}

function badPath(): ApiError<3> {
  return ApiError.invalidStructure([
    { in: "path", pointer: "", rule: "parse", message: "Path is not valid percent-encoded UTF-8" },
  ]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Follows local `$ref`s (`#/components/pathItems/...`) a few hops; anything else is skipped. */
function followRef(document: object, value: unknown): Record<string, unknown> | undefined {
  let current = value;
  for (let hops = 0; hops < 8 && isRecord(current) && typeof current.$ref === "string"; hops++) {
    const ref = current.$ref;
    if (!ref.startsWith("#/")) return undefined;
    let target: unknown = document;
    for (const raw of ref.slice(2).split("/")) {
      const key = safeDecode(raw)?.replace(/~1/g, "/").replace(/~0/g, "~") ?? "";
      target = isRecord(target) && Object.hasOwn(target, key) ? target[key] : undefined;
    }
    current = target;
  }
  return isRecord(current) && typeof current.$ref !== "string" ? current : undefined;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
