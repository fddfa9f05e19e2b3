// Imported rather than read at run time: the bundler inlines it, so `dist/cli/bin.js` reports the
// version it was built from without locating package.json on disk.
import packageJson from "../../package.json" with { type: "json" };

/** The version of this package, as the CLI reports it. */
export const VERSION: string = packageJson.version;
