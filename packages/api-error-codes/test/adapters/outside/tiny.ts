/**
 * A tiny web framework the package knows nothing about: global middleware, routes with `:name`
 * parameters matched by its own router, handlers that write node's response. The outside adapter
 * (adapter.ts) brings the contract to it through `api-error-codes/adapter` alone.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export interface TinyContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  /** What middleware leaves for the handler. */
  state: Record<string, unknown>;
}
export type TinyHandler = (ctx: TinyContext) => unknown;
export type TinyMiddleware = (ctx: TinyContext, next: () => Promise<void>) => Promise<void>;

interface TinyRoute {
  method: string;
  segments: string[];
  handlers: TinyHandler[];
}

export class TinyApp {
  private readonly middleware: TinyMiddleware[] = [];
  readonly routes: TinyRoute[] = [];

  use(middleware: TinyMiddleware): this {
    this.middleware.push(middleware);
    return this;
  }

  on(method: string, path: string, ...handlers: TinyHandler[]): this {
    this.routes.push({ method, segments: path.split("/").slice(1), handlers });
    return this;
  }

  private match(
    method: string,
    url: string,
  ): { route: TinyRoute; params: Record<string, string> } | undefined {
    const parts = (url.split("?")[0] ?? "").split("/").slice(1);
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = route.segments.every((segment, i) => {
        const part = parts[i] as string;
        if (!segment.startsWith(":")) return segment === part;
        params[segment.slice(1)] = part;
        return part !== "";
      });
      if (ok) return { route, params };
    }
    return undefined;
  }

  /** Runs the middleware, then the matched route's handlers in turn until one answers; 404 text otherwise. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    const ctx: TinyContext = { req, res, params: {}, state: {} };
    const run = async (index: number): Promise<void> => {
      const middleware = this.middleware[index];
      if (middleware !== undefined) return middleware(ctx, () => run(index + 1));
      const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
      const found = this.match(method, req.url ?? "/");
      if (found === undefined) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
        return;
      }
      ctx.params = found.params;
      for (const handler of found.route.handlers) {
        await handler(ctx);
        if (res.writableEnded) return;
      }
    };
    run(0).catch(() => res.writeHead(500, { "content-type": "text/html" }).end("<h1>oops</h1>"));
  };

  listen(): Promise<Server> {
    const server = createServer(this.listener);
    return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
  }
}
