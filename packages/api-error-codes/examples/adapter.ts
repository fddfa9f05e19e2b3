// A minimal adapter of your own, on api-error-codes/adapter: routes registered with the pipeline,
// node's request as the port, the outcome written back. Run: node --import tsx examples/adapter.ts
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Principal } from "api-error-codes";
import {
  NodePort,
  type Pass,
  Pipeline,
  type PipelineOptions,
  type PreparedRoute,
  type RouteContract,
  writeAnswer,
} from "api-error-codes/adapter";

type Handler = (request: Pass<Principal>) => unknown;

export function miniApi(options: PipelineOptions = {}) {
  const pipeline = new Pipeline(options);
  const handlers = new Map<PreparedRoute, Handler>();
  const listener = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const port = new NodePort(req);
    const outcome = await pipeline.handle(port);
    // A refusal (already logged) or an OPTIONS answer: written as it is.
    if (outcome.kind === "answer") return writeAnswer(req, res, outcome);
    if (outcome.kind === "preflight") return writeAnswer(req, res, outcome.answer);
    const context = { requestId: outcome.requestId, method: port.method, target: port.target };
    const handler = outcome.route === undefined ? undefined : handlers.get(outcome.route);
    if (handler === undefined) return writeAnswer(req, res, pipeline.notFound(context));
    try {
      const body = JSON.stringify(await handler(outcome));
      res.writeHead(200, { "Content-Type": "application/json", "X-Request-Id": outcome.requestId }).end(body);
    } catch (thrown) {
      writeAnswer(req, res, pipeline.fail(thrown, context));
    }
  };
  return {
    on(method: string, path: string, contract: RouteContract, handler: Handler) {
      handlers.set(pipeline.route(method, path, contract), handler);
    },
    server: () => createServer((req, res) => void listener(req, res)),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const api = miniApi();
  const IdParams = { type: "object", properties: { id: { type: "integer", minimum: 1 } } } as const;
  api.on("GET", "/items/:id", { schema: { params: IdParams } }, ({ params }) => ({ id: params.id }));
  api.server().listen(Number(process.env.PORT ?? 3000), "127.0.0.1");
}
