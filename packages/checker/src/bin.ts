#!/usr/bin/env node
import { checkCommand } from "./command.js";

// No top-level await: the same entry is also built as CommonJS.
checkCommand(process.argv.slice(2), {
  stdoutIsTTY: process.stdout.isTTY === true,
  stderr: process.stderr,
  env: process.env,
}).then(
  (result) => {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  },
  (error: unknown) => {
    process.stderr.write(
      `api-error-codes-check: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 3;
  },
);
