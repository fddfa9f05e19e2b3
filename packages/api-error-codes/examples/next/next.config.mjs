// `npm run example -- next`: the orders quickstart of ../fetch.ts, from outside this folder
// (NodeNext-style `.js` specifiers naming `.ts` files), built with webpack: Turbopack maps no `.js`
// to `.ts`. Trailing slashes are the API's to judge (404), not redirected. The settings of
// ../docs/next.config.ts (the one docs/fetch.md shows; test/docs-examples.test.ts holds them equal), and
// what building from outside this folder needs.
export default {
  skipTrailingSlashRedirect: true,
  // unauthorized() and forbidden() in route handlers are experimental in Next.js 15 and 16.
  experimental: { externalDir: true, authInterrupts: true },
  // The repository's own type check covers these files (npm run typecheck).
  typescript: { ignoreBuildErrors: true },
  webpack(config) {
    config.resolve.extensionAlias = { ".js": [".ts", ".js"] };
    return config;
  },
};
