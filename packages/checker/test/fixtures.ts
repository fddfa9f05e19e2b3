/**
 * Fixture APIs for the conformance checker: a small orders API that keeps the contract (built with
 * the library's node:http adapter), and the same API with one seeded defect each.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Principal } from "api-error-codes";
import { ApiError } from "api-error-codes";
import { createApi, type NodeApi, protectServer, reply } from "api-error-codes/node";
import { errorComponents, errorResponses } from "api-error-codes/openapi";

export const ADMIN_TOKEN = "admin-token-0123";
export const MEMBER_TOKEN = "member-token-4567";
export const EXPIRED_TOKEN = "expired-token-89ab";

const TOKENS: Record<string, Principal> = {
  [ADMIN_TOKEN]: { id: "u-admin", roles: ["admin"] },
  [MEMBER_TOKEN]: { id: "u-member", roles: ["member"] },
  [EXPIRED_TOKEN]: { id: "u-old", roles: ["admin"], expiresAt: "2020-01-02T03:04:05.000Z" },
};

/** The body of POST /v1/orders, as the spec documents it. */
export const NEW_ORDER = {
  type: "object",
  required: ["item", "quantity", "unit_price", "currency"],
  additionalProperties: false,
  properties: {
    item: { type: "string", minLength: 1, maxLength: 100 },
    quantity: { type: "integer", minimum: 1, maximum: 1000 },
    unit_price: { type: "number", minimum: 0 },
    currency: { type: "string", enum: ["EUR", "USD", "GBP"] },
    note: { type: "string", maxLength: 200, pattern: "^[^<>]*$" },
    contact: { type: "string", format: "email" },
  },
} as const;

const LIST_QUERY = {
  type: "object",
  properties: {
    offset: { type: "integer", minimum: 0 },
    limit: { type: "integer", minimum: 1, maximum: 100 },
    status: { type: "string", enum: ["open", "paid", "cancelled"] },
  },
} as const;

const ID_PARAMS = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", format: "uuid" } },
} as const;

const ok = (description: string) => ({ description });

/** The OpenAPI 3.1 document of the fixture API (local `$ref`s throughout). */
export function fixtureSpec(): Record<string, unknown> {
  const components = errorComponents();
  const idParam = { $ref: "#/components/parameters/OrderId" };
  return {
    openapi: "3.1.0",
    info: { title: "fixture orders", version: "1.0.0" },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      schemas: { ...components.schemas, NewOrder: NEW_ORDER },
      responses: components.responses,
      parameters: {
        OrderId: { name: "id", in: "path", required: true, schema: { type: "string", format: "uuid" } },
      },
    },
    paths: {
      "/health": { get: { security: [], responses: { 200: ok("up") } } },
      "/v1/orders": {
        get: {
          parameters: Object.entries(LIST_QUERY.properties).map(([name, schema]) => ({
            name,
            in: "query",
            schema,
          })),
          responses: { 200: ok("a page of orders"), ...errorResponses([4, 5, 6, 7, 8]) },
        },
        post: {
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/NewOrder" } } },
          },
          responses: {
            201: ok("created"),
            ...errorResponses([3, 4, 5, 6, 7, 8, { code: 3, status: 413 }, { code: 3, status: 415 }]),
          },
        },
      },
      "/v1/orders/{id}": {
        parameters: [idParam],
        get: { responses: { 200: ok("the order"), ...errorResponses([4, 6, 7, 8, 10]) } },
        delete: { responses: { 204: ok("deleted"), ...errorResponses([4, 6, 7, 8, 10]) } },
      },
      "/v1/orders/{id}/refund": {
        parameters: [idParam],
        post: { responses: errorResponses([2, 6, 7, 8]) },
      },
      "/v1/admin/users": {
        get: { responses: { 200: ok("users"), ...errorResponses([6, 7, 8, 9]) } },
      },
    },
  };
}

/** What a defect may change in an answer before it goes out. */
interface Rewrite {
  status?: number;
  body?: string;
  contentType?: string;
  removeHeaders?: string[];
}

interface Answer {
  method: string;
  status: number;
  body: Record<string, unknown> | undefined;
}

const LIST_FAILURE = "Cannot read properties of undefined (reading 'rows')";

/** One seeded defect: how the fixture is built, and how it rewrites answers. */
export interface DefectOptions {
  /** Routes are registered without authentication. */
  ignoreAuth?: boolean;
  /** GET /v1/orders crashes (its stack goes out through `rewrite`). */
  listLeaksStack?: boolean;
  /** The body schema the server enforces (the spec keeps NEW_ORDER). */
  serverBodySchema?: Record<string, unknown>;
  bodyLimit?: number;
  /** Node's bare answers to malformed HTTP instead of the contract's. */
  unprotected?: boolean;
  /** Handles the request itself when it returns true. */
  intercept?: (req: IncomingMessage, res: ServerResponse, api: FixtureApi) => boolean;
  /** Changes an answer (status, body, headers) before it is written. */
  rewrite?: (answer: Answer) => Rewrite | undefined;
  /** Drops `X-Request-Id` from every answer. */
  noRequestId?: boolean;
}

type FixtureApi = NodeApi<Principal>;

const genericBody = (code: number, message: string, details: unknown) =>
  JSON.stringify({ error_code: code, error_message: message, details });

/** The defects the checker must catch, each on top of the conforming fixture. */
export const DEFECTS = {
  "html-404": {
    intercept: (req, res, api) => {
      if (api.pipeline.table.resolve(req.method ?? "GET", req.url ?? "/").kind !== "not_found") return false;
      res.writeHead(404, {
        "Content-Type": "text/html; charset=utf-8",
        "X-Request-Id": String(req.headers["x-request-id"] ?? "html-404"),
      });
      res.end("<!doctype html><title>Not Found</title><h1>Not Found</h1>");
      return true;
    },
  },
  "404-instead-of-405": {
    rewrite: ({ method, status }) =>
      status === 405
        ? {
            status: 404,
            body: genericBody(10, "Resource not found", { method, path: "/somewhere" }),
            removeHeaders: ["allow"],
          }
        : undefined,
  },
  "missing-allow": {
    rewrite: ({ status }) => (status === 405 ? { removeHeaders: ["allow"] } : undefined),
  },
  "options-without-allow": {
    intercept: (req, res) => {
      if (req.method !== "OPTIONS") return false;
      res.writeHead(204, { "X-Request-Id": String(req.headers["x-request-id"] ?? "options") }).end();
      return true;
    },
  },
  "ignored-auth": { ignoreAuth: true },
  "foreign-error-shape": {
    rewrite: ({ status, body }) => {
      const details = body?.details as { resource?: unknown } | null | undefined;
      return status === 404 && details?.resource !== undefined
        ? { body: JSON.stringify({ message: "Order not found", status: 404 }) }
        : undefined;
    },
  },
  "wrong-code-for-type-error": {
    rewrite: ({ body }) =>
      body?.error_code === 5 ? { body: JSON.stringify({ ...body, error_code: 4 }) } : undefined,
  },
  "code-status-mismatch": {
    rewrite: ({ body }) => (body?.error_code === 9 ? { status: 401 } : undefined),
  },
  // The stack goes out below the adapter, which would judge a handler's own answer and keep it in.
  "leaked-stack-trace": {
    listLeaksStack: true,
    rewrite: ({ status, body }) =>
      status === 500 && body?.error_code === 0
        ? { body: genericBody(0, String(new TypeError(LIST_FAILURE).stack), null) }
        : undefined,
  },
  "500-on-malformed-json": {
    rewrite: ({ body }) => {
      const violations = (body?.details as { violations?: { rule?: string; in?: string }[] } | null)
        ?.violations;
      return body?.error_code === 3 && violations?.[0]?.rule === "parse" && violations[0].in === "body"
        ? { status: 500, body: genericBody(0, "Unknown server side error occurred", null) }
        : undefined;
    },
  },
  "missing-request-id": { noRequestId: true },
  "bare-malformed-http": { unprotected: true },
  "ignored-additional-properties": {
    serverBodySchema: { ...NEW_ORDER, additionalProperties: true },
  },
  "ignored-max-length": {
    serverBodySchema: {
      ...NEW_ORDER,
      properties: { ...NEW_ORDER.properties, item: { type: "string", minLength: 1 } },
    },
  },
  "no-body-limit": { bodyLimit: 64 * 1024 * 1024 },
  "undocumented-422": {
    rewrite: ({ body }) => (body?.error_code === 4 ? { status: 422 } : undefined),
  },
  "unrealized-as-404": {
    rewrite: ({ method, status }) =>
      status === 501
        ? {
            status: 404,
            body: genericBody(10, "Resource not found", { method, path: "/v1/orders/x/refund" }),
          }
        : undefined,
  },
  "text-plain-errors": {
    rewrite: ({ status }) => (status >= 400 ? { contentType: "text/plain; charset=utf-8" } : undefined),
  },
} satisfies Record<string, DefectOptions>;

export type Defect = keyof typeof DEFECTS;

export interface Fixture {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Where the spec is served. */
  readonly specUrl: string;
  close(): Promise<void>;
}

function buildApi(options: DefectOptions): FixtureApi {
  const api = createApi<Principal>({
    auth: { lookup: (token: string) => TOKENS[token] },
    openapi: fixtureSpec(),
    logger: false,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
  });
  const orders = new Map<string, Record<string, unknown>>();
  const auth = options.ignoreAuth === true ? {} : { auth: true };
  const admin = options.ignoreAuth === true ? {} : { auth: { roles: ["admin"] } };
  api.get("/health", {}, () => ({ status: "ok" }));
  api.get("/openapi.json", {}, () => fixtureSpec() as never);
  api.get("/v1/orders", { ...auth, schema: { query: LIST_QUERY } }, ({ query }) => {
    if (options.listLeaksStack === true) throw new TypeError(LIST_FAILURE);
    const offset = typeof query.offset === "number" ? query.offset : 0;
    const limit = typeof query.limit === "number" ? query.limit : 20;
    return { items: [...orders.values()].slice(offset, offset + limit), offset, limit } as never;
  });
  api.post("/v1/orders", { ...auth, schema: { body: options.serverBodySchema ?? NEW_ORDER } }, ({ body }) => {
    const id = globalThis.crypto.randomUUID();
    const order = { id, ...(body as Record<string, unknown>) };
    orders.set(id, order);
    return reply(201, order as never, { Location: `/v1/orders/${id}` });
  });
  const find = (params: Record<string, unknown>) => {
    const id = String(params.id);
    const order = orders.get(id);
    if (order === undefined) throw ApiError.notExist({ resource: "order", id });
    return { id, order };
  };
  api.get(
    "/v1/orders/:id",
    { ...auth, schema: { params: ID_PARAMS } },
    ({ params }) => find(params).order as never,
  );
  api.delete("/v1/orders/:id", { ...auth, schema: { params: ID_PARAMS } }, ({ params }) => {
    orders.delete(find(params).id);
    return reply(204);
  });
  api.get("/v1/admin/users", admin, () => ({ users: [] }));
  return api;
}

/** Lets a defect rewrite what the adapter writes. */
function instrument(req: IncomingMessage, res: ServerResponse, options: DefectOptions): void {
  if (options.noRequestId === true) {
    const setHeader = res.setHeader.bind(res);
    res.setHeader = ((name: string, value: number | string | readonly string[]) =>
      name.toLowerCase() === "x-request-id" ? res : setHeader(name, value)) as typeof res.setHeader;
  }
  const rewrite = options.rewrite;
  if (rewrite === undefined) return;
  const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
  const patched = (chunk?: unknown): ServerResponse => {
    if (res.headersSent || res.statusCode < 400) return end(chunk);
    const text = typeof chunk === "string" ? chunk : Buffer.isBuffer(chunk) ? chunk.toString("utf8") : "";
    let body: Record<string, unknown> | undefined;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = undefined;
    }
    const change = rewrite({ method: req.method ?? "GET", status: res.statusCode, body });
    if (change === undefined) return end(chunk);
    if (change.status !== undefined) res.statusCode = change.status;
    for (const name of change.removeHeaders ?? []) res.removeHeader(name);
    if (change.contentType !== undefined) res.setHeader("Content-Type", change.contentType);
    if (change.body === undefined) return end(chunk);
    res.setHeader("Content-Length", Buffer.byteLength(change.body));
    return end(req.method === "HEAD" ? undefined : change.body);
  };
  (res as unknown as { end: typeof patched }).end = patched;
}

/**
 * Starts the fixture on 127.0.0.1 and a free port: conforming without `defect`, else with it.
 * @example
 * const fixture = await startFixture("html-404");
 * await runChecks({ baseUrl: new URL(fixture.url), ... });
 * await fixture.close();
 */
export async function startFixture(defect?: Defect): Promise<Fixture> {
  const options: DefectOptions = defect === undefined ? {} : DEFECTS[defect];
  const api = buildApi(options);
  const server: Server = createServer({ connectionsCheckingInterval: 1000 }, (req, res) => {
    if (options.intercept?.(req, res, api) === true) return;
    instrument(req, res, options);
    api.handle(req, res);
  });
  if (options.unprotected !== true) protectServer(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    specUrl: `${url}/openapi.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
