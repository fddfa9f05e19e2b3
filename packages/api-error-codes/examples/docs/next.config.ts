// next.config.ts of a Next.js app whose route files answer with the contract.
import type { NextConfig } from "next";

const config: NextConfig = {
  // `/orders/` is the API's to judge (404 / 10), not Next.js's to redirect with a bare 308.
  skipTrailingSlashRedirect: true,
  // unauthorized() and forbidden() in route handlers are experimental in Next.js 15 and 16.
  experimental: { authInterrupts: true },
  // Only for NodeNext-style imports (`./orders.js` naming `orders.ts`): webpack maps them (on
  // Next.js 16, build with `next build --webpack`); Turbopack does not.
  webpack(webpackConfig: { resolve: { extensionAlias?: Record<string, string[]> } }) {
    webpackConfig.resolve.extensionAlias = { ".js": [".ts", ".js"] };
    return webpackConfig;
  },
};

export default config;
