/**
 * Real servers for the client tests: an API built with the library's node adapter (so its answers
 * keep the contract), plus routes that misbehave the way proxies and broken servers do.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createApi, reply } from "../../src/adapters/node/index.js";
import { ApiError, type Principal } from "../../src/index.js";

/** A listening server and its base URL. */
export interface Running {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1, port 0. */
export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (it was free a moment ago). */
export async function refusedPort(): Promise<number> {
  const probe = await listen(createServer());
  const port = Number(new URL(probe.url).port);
  await probe.close();
  return port;
}

/** What the test app saw: hits per key, Authorization headers, refreshes. */
export class AppState {
  readonly tokens = new Map<string, Principal>();
  readonly hits = new Map<string, number>();
  readonly authorizations: string[] = [];
  readonly requestIds: string[] = [];
  refreshCalls = 0;
  /** Milliseconds the refresh endpoint takes (so that concurrent requests overlap it). */
  refreshDelayMs = 0;
  private issued = 0;

  constructor() {
    this.tokens.set("valid", { id: "u-1", roles: ["member"] });
    this.tokens.set("stale", { id: "u-1", roles: ["member"], expiresAt: "2020-01-02T03:04:05.000Z" });
  }

  hit(key: string): number {
    const n = (this.hits.get(key) ?? 0) + 1;
    this.hits.set(key, n);
    return n;
  }

  count(key: string): number {
    return this.hits.get(key) ?? 0;
  }

  /** A new valid token. */
  issue(): string {
    this.issued++;
    const token = `fresh-${this.issued}`;
    this.tokens.set(token, { id: "u-1", roles: ["member"] });
    return token;
  }
}

function raw(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end(body);
}

function keyOf(query: Record<string, unknown>): string {
  return String(query.key ?? "default");
}

/**
 * The API: conforming answers through the node adapter, broken ones written by hand.
 *
 * - `GET /me` (auth): the caller; 6 without a token, 8 for `stale`.
 * - `POST /me/notes` (auth): 201; 8 for `stale`.
 * - `POST /auth/refresh`: a new token (after `refreshDelayMs`).
 * - `GET /orders/:id`: 10 unless the id is `1`.
 * - `POST /orders`: 3 for a missing `item`, else 201.
 * - `PUT /orders/:id`: 4 with 409.
 * - `GET|POST /flaky?key&fail&code&retryAfter&date`: `fail` times 503 (code 12, or 11), then 200.
 * - `GET /always?key&code`: 502 / code 11 every time.
 * - `GET /proxy-502?key`, `/empty-500?key`, `/wrong-keys`, `/bad-details`, `/future?code`,
 *   `/long-html`, `/too-many?key`: bodies that do not conform, or unknown codes.
 * - `GET /hang`: never answers.
 * - `GET /empty`: 204.
 * - `GET /echo`: the query and headers it received.
 */
export function buildApi(state: AppState) {
  const api = createApi({ auth: { lookup: (token) => state.tokens.get(token) }, logger: false });
  const note = (req: IncomingMessage) => {
    state.authorizations.push(String(req.headers.authorization ?? ""));
    state.requestIds.push(String(req.headers["x-request-id"] ?? ""));
  };

  api.get("/me", { auth: true }, ({ principal, req }) => {
    note(req);
    return { id: principal?.id ?? null, authorization: req.headers.authorization ?? null };
  });
  api.post("/me/notes", { auth: true }, ({ body, req }) => {
    note(req);
    return reply(201, { saved: body as never });
  });
  api.post("/auth/refresh", {}, async ({ req }) => {
    note(req);
    state.refreshCalls++;
    await new Promise((resolve) => setTimeout(resolve, state.refreshDelayMs));
    return reply(201, { access_token: state.issue() });
  });
  api.get("/orders/:id", {}, ({ params }) => {
    if (params.id === "1") return { id: "1", item: "tea" };
    throw ApiError.notExist({ resource: "order", id: String(params.id) });
  });
  api.post(
    "/orders",
    {
      schema: {
        body: {
          type: "object",
          required: ["item"],
          properties: { item: { type: "string" }, quantity: { type: "integer", minimum: 1 } },
        },
      },
    },
    ({ body }) => reply(201, body as never),
  );
  api.put("/orders/:id", {}, ({ query }) => {
    state.hit(keyOf(query));
    throw ApiError.invalidValue(
      [{ in: "body", pointer: "/item", rule: "unique", message: "item is taken" }],
      {
        status: 409,
      },
    );
  });
  const flaky = ({ query }: { query: Record<string, unknown> }) => {
    const n = state.hit(keyOf(query));
    if (n <= Number(query.fail ?? 1)) {
      const headers: Record<string, string> = {};
      if (query.retryAfter !== undefined) headers["Retry-After"] = String(query.retryAfter);
      if (query.date !== undefined) {
        headers["Retry-After"] = new Date(Date.now() + Number(query.date) * 1000).toUTCString();
      }
      if (query.code === "11") {
        throw ApiError.externalService({ service: "rates", reason: "circuit_open" }, { headers });
      }
      throw ApiError.database({ reason: "unavailable" }, { headers });
    }
    return { ok: true, attempts: n };
  };
  api.get("/flaky", {}, flaky);
  api.post("/flaky", {}, flaky);
  api.get("/always", {}, ({ query }) => {
    state.hit(keyOf(query));
    if (query.code === "0") throw new Error("boom");
    throw ApiError.externalService({ service: "rates", reason: "bad_response" });
  });
  api.get("/proxy-502", {}, ({ res, query }) => {
    state.hit(keyOf(query));
    raw(
      res,
      502,
      "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n",
      {
        "Content-Type": "text/html",
      },
    );
  });
  api.get("/empty-500", {}, ({ res, query }) => {
    state.hit(keyOf(query));
    raw(res, 500, "");
  });
  api.get("/wrong-keys", {}, ({ res }) => {
    raw(res, 400, JSON.stringify({ code: 3, message: "bad", errors: [] }), {
      "Content-Type": "application/json",
    });
  });
  api.get("/bad-details", {}, ({ res }) => {
    raw(
      res,
      404,
      JSON.stringify({ error_code: 10, error_message: "Resource not found", details: { foo: 1 } }),
      {
        "Content-Type": "application/json",
      },
    );
  });
  api.get("/future", {}, ({ res, query }) => {
    const code = Number(query.code);
    raw(
      res,
      Number(query.status ?? 400),
      JSON.stringify({
        error_code: code,
        error_message: `future code ${code}`,
        details: { hint: "upgrade" },
      }),
      { "Content-Type": "application/json; charset=utf-8" },
    );
  });
  api.get("/long-html", {}, ({ res }) => {
    raw(res, 503, `<!doctype html><p>${"x".repeat(2000)}</p>`, { "Content-Type": "text/html" });
  });
  api.get("/too-many", {}, ({ res, query }) => {
    state.hit(keyOf(query));
    raw(res, 429, JSON.stringify({ error_code: 0, error_message: "slow down", details: null }), {
      "Content-Type": "application/json",
      "Retry-After": "1",
    });
  });
  api.get("/hang", {}, () => new Promise(() => undefined));
  api.get("/empty", {}, () => undefined);
  api.get("/echo", {}, ({ req, query }) => ({
    query: query as never,
    requestId: String(req.headers["x-request-id"] ?? ""),
    authorization: String(req.headers.authorization ?? ""),
    contentType: String(req.headers["content-type"] ?? ""),
  }));
  return api;
}

/** Starts the API on a random port. */
export async function startApi(state = new AppState()): Promise<Running & { state: AppState }> {
  const running = await listen(buildApi(state).createServer());
  return { ...running, state };
}
