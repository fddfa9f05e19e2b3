// Imported rather than read at run time: the bundler inlines it, so the built files report the
// version they were built from without locating package.json on disk.
import packageJson from "../package.json" with { type: "json" };

/** The version of this package, as the CLI and the SARIF report give it. */
export const VERSION: string = packageJson.version;
