import { defineConfig } from "tsup";

/** One entry per subpath export; `test/package.test.ts` checks the built files against package.json. */
export const entries = {
  index: "src/index.ts",
  fastify: "src/adapters/fastify/index.ts",
  express: "src/adapters/express/index.ts",
  hono: "src/adapters/hono/index.ts",
  node: "src/adapters/node/index.ts",
  koa: "src/adapters/koa/index.ts",
  nest: "src/adapters/nest/index.ts",
  fetch: "src/adapters/fetch/index.ts",
  adapter: "src/pipeline/index.ts",
  client: "src/client/index.ts",
  openapi: "src/openapi.ts",
  "cli/bin": "src/cli/bin.ts",
};

export default defineConfig({
  entry: entries,
  format: ["esm", "cjs"],
  dts: { entry: Object.fromEntries(Object.entries(entries).filter(([name]) => name !== "cli/bin")) },
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  splitting: true,
  treeshake: true,
  external: ["fastify", "express", "hono", "ajv", "zod"],
});
