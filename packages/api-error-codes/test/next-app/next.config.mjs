// The quickstart's configuration (webpack, `.js` specifiers of `.ts` files, no trailing-slash redirect).
// test/adapters/next.test.ts builds this app with Next.js 16 (the root's) and with Next.js 15 (from
// packages/next15-fixture); for 15 it names, in the environment, the `next` that builds (so the
// route files' `next/...` imports bundle that one, not the root's), a build directory where node
// resolution at run time finds it, and a tsconfig of its own (15 insists on `jsx: preserve`).
import config from "../../examples/next/next.config.mjs";

const next = process.env.NEXT_TEST_NEXT_DIR;

export default {
  ...config,
  distDir: process.env.NEXT_TEST_DIST_DIR ?? ".next",
  typescript: { ...config.typescript, tsconfigPath: process.env.NEXT_TEST_TSCONFIG ?? "tsconfig.json" },
  webpack(webpackConfig, context) {
    const result = config.webpack(webpackConfig, context);
    if (next !== undefined) result.resolve.alias = { ...result.resolve.alias, next };
    return result;
  },
};
