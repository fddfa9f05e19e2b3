/**
 * PostgreSQL for the tests: the local server (or `TEST_POSTGRES_URL`), a fresh database per suite
 * run, dropped afterwards. When no server answers, the PostgreSQL runs are skipped with a loud
 * notice, unless REQUIRE_SERVICES=1 (CI) makes that a failure.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";

export const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

let available: Promise<boolean> | undefined;

/** True when PostgreSQL answers; throws when it does not and REQUIRE_SERVICES=1. */
export function postgresAvailable(): Promise<boolean> {
  available ??= reachable().then((ok) => {
    if (ok) return true;
    const message = `PostgreSQL is not reachable at ${POSTGRES_URL.replace(/\/\/[^@]*@/, "//***@")}`;
    if (process.env.REQUIRE_SERVICES === "1") throw new Error(`${message} and REQUIRE_SERVICES=1`);
    console.warn(`\n!!!!!!!! ${message}: SKIPPING the PostgreSQL runs of the reference API !!!!!!!!\n`);
    return false;
  });
  return available;
}

/** Runs one statement on the server's maintenance database. */
export async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A database name no other run uses (only [a-z0-9_], so it needs no quoting). */
export function randomDatabaseName(prefix = "reference_test"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** The URL of a database on the test server. */
export function databaseUrl(name: string): string {
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function createDatabase(name: string): Promise<void> {
  await admin(`CREATE DATABASE ${name}`);
}

export async function dropDatabase(name: string): Promise<void> {
  // FORCE: the app's pool may still hold idle connections when a test failed half-way.
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
