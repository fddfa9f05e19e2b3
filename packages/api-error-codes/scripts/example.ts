/**
 * `npm run example -- <name>`: starts one quickstart (the same orders API on each framework) on
 * PORT (default 3000) at 127.0.0.1, and prints its URL.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const name = process.argv[2] ?? "";
const port = Number(process.env.PORT ?? 3000);
const host = "127.0.0.1";

async function start(): Promise<Server> {
  switch (name) {
    case "node": {
      const { buildApi } = await import("../examples/node.js");
      return buildApi().listen(port, host);
    }
    case "express": {
      const { buildApp } = await import("../examples/express.js");
      return buildApp().app.listen(port, host);
    }
    case "fastify": {
      const { buildApp } = await import("../examples/fastify.js");
      const app = await buildApp();
      await app.listen({ port, host });
      return app.server;
    }
    case "hono": {
      const [{ buildApp }, { serve }, { protectServer }] = await Promise.all([
        import("../examples/hono.js"),
        import("@hono/node-server"),
        import("api-error-codes/hono"),
      ]);
      return protectServer(serve({ fetch: buildApp().fetch, port, hostname: host })) as Server;
    }
    case "koa": {
      const [{ buildApp }, { protectServer }] = await Promise.all([
        import("../examples/koa.js"),
        import("api-error-codes/koa"),
      ]);
      return protectServer(buildApp().app.listen(port, host));
    }
    case "fetch": {
      // On node, through @hono/node-server's Request bridge; Bun and Deno serve api.fetch themselves.
      const [{ buildApi }, { getRequestListener }, { protectServer }] = await Promise.all([
        import("../examples/fetch.js"),
        import("@hono/node-server"),
        import("api-error-codes/node"),
      ]);
      return protectServer(createServer(getRequestListener(buildApi().fetch))).listen(port, host);
    }
    default:
      console.error(`usage: npm run example -- node|express|fastify|hono|koa|fetch (got "${name}")`);
      process.exit(2);
  }
}

const server = await start();
if (!server.listening) await new Promise((resolve) => server.once("listening", resolve));
console.log(`${name} quickstart listening on http://${host}:${(server.address() as AddressInfo).port}`);
