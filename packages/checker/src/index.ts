/**
 * api-error-codes-checker: the conformance checker as a library, for tests and custom tooling.
 * @example
 * import { checkCommand } from "api-error-codes-checker";
 * const result = await checkCommand(["http://127.0.0.1:3000", "--spec", "openapi.yaml", "-f", "json"]);
 */
export { applyBaseline, type BaselineEntry, readBaseline, writeBaseline } from "./baseline.js";
export { CHECK_HELP, type CliIo, type CliResult, checkCommand, EXIT } from "./command.js";
export {
  type CheckerConfig,
  ConfigError,
  type LoginRequest,
  loadConfig,
  type TokenSource,
} from "./config.js";
export { CHECK_FORMATS, type CheckFormat, renderReport, summaryLine } from "./report.js";
export { reportGithub, reportSarif } from "./report-ci.js";
export { plan, type RunOptions, runChecks, UnreachableError } from "./runner.js";
export { loadSpec, parseSpec, SpecError } from "./spec.js";
export type { CheckResult, Report, Spec, Summary } from "./types.js";
export { VERSION } from "./version.js";
