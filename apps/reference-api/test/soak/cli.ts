/**
 * `npm run soak [-- --minutes 3] [--seconds N] [--concurrency 64] [--postgres]`: the soak of
 * soak.ts, with its figures printed; exits 1 when a figure is out of bounds.
 * --postgres runs on a fresh database of the local server (TEST_POSTGRES_URL or 127.0.0.1:5432).
 */
import { parseArgs } from "node:util";
import { createDatabase, databaseUrl, dropDatabase, randomDatabaseName } from "../support/postgres.js";
import { formatFigures, runSoak, verdict } from "./soak.js";

const { values } = parseArgs({
  options: {
    minutes: { type: "string" },
    seconds: { type: "string" },
    concurrency: { type: "string", default: "64" },
    postgres: { type: "boolean", default: false },
  },
});
const seconds = values.seconds !== undefined ? Number(values.seconds) : Number(values.minutes ?? "3") * 60;
if (!Number.isFinite(seconds) || seconds <= 0) {
  console.error("soak: --minutes or --seconds must be a positive number");
  process.exit(2);
}

let database: string | undefined;
let drop: (() => Promise<void>) | undefined;
if (values.postgres) {
  const name = randomDatabaseName("reference_soak");
  await createDatabase(name);
  database = databaseUrl(name);
  drop = () => dropDatabase(name);
}

console.log(
  `soak: ${seconds} s at concurrency ${values.concurrency}${values.postgres ? " on PostgreSQL" : " on SQLite"}...`,
);
try {
  const figures = await runSoak({
    durationMs: seconds * 1000,
    concurrency: Number(values.concurrency),
    ...(database === undefined ? {} : { databaseUrl: database }),
    log: (line) => console.log(line),
  });
  console.log(formatFigures(figures));
  const failures = verdict(figures);
  if (failures.length > 0) {
    console.error(`soak FAILED: ${failures.join("; ")}`);
    process.exitCode = 1;
  } else console.log("soak passed");
} finally {
  await drop?.();
}
