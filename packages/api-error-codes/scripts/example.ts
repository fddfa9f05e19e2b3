/**
 * `npm run example -- <name>`: starts one quickstart (the same orders API on each framework) on
 * PORT (default 3000) at 127.0.0.1, and prints its URL.
 */
import { execFileSync, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";

const name = process.argv[2] ?? "";
const port = Number(process.env.PORT ?? 3000);
const host = "127.0.0.1";

/** Next.js serves the quickstart itself: a production build, then `next start` (its own server). */
function startNext(): void {
  const app = fileURLToPath(new URL("../examples/next", import.meta.url));
  const next = createRequire(import.meta.url).resolve("next/dist/bin/next");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" as const };
  execFileSync(process.execPath, [next, "build", "--webpack"], {
    cwd: app,
    env,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const server = spawn(process.execPath, [next, "start", "-p", String(port), "-H", host], { cwd: app, env });
  server.stderr.pipe(process.stderr);
  let output = "";
  server.stdout.on("data", (chunk: Buffer) => {
    output += chunk;
    const url = /Local:\s+(http:\/\/\S+)/.exec(output)?.[1];
    if (url !== undefined && /Ready in/.test(output)) {
      console.log(`next quickstart listening on ${url}`);
      output = "";
      server.stdout.removeAllListeners("data");
    }
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}

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
    case "nest": {
      const { buildApp } = await import("../examples/nest.js");
      const app = await buildApp();
      await app.listen(port, host);
      return app.getHttpServer();
    }
    case "fetch": {
      // On node, through @hono/node-server's Request bridge; Bun and Deno serve api.fetch themselves.
      const [{ buildApi }, { getRequestListener }, { protectServer }] = await Promise.all([
        import("../examples/fetch.js"),
        import("@hono/node-server"),
        import("api-error-codes/node"),
      ]);
      const api = buildApi();
      const listener = getRequestListener(api.fetch, { errorHandler: api.requestError });
      return protectServer(createServer(listener)).listen(port, host);
    }
    default:
      console.error(
        `usage: npm run example -- node|express|fastify|hono|koa|nest|fetch|next (got "${name}")`,
      );
      process.exit(2);
  }
}

if (name === "next") startNext();
else {
  const server = await start();
  if (!server.listening) await new Promise((resolve) => server.once("listening", resolve));
  console.log(`${name} quickstart listening on http://${host}:${(server.address() as AddressInfo).port}`);
}
