/**
 * Where the PostgreSQL-backed tests connect. `DATABASE_URL` overrides the local server. When none
 * answers, those tests are skipped with a loud notice, unless `REQUIRE_SERVICES=1` makes that a failure.
 */
import pg from "pg";

export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

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

/** True when PostgreSQL answers; throws when it does not and REQUIRE_SERVICES=1. */
export async function postgresAvailable(): Promise<boolean> {
  if (await reachable()) return true;
  const message = `PostgreSQL is not reachable at ${POSTGRES_URL.replace(/\/\/[^@]*@/, "//***@")}`;
  if (process.env.REQUIRE_SERVICES === "1") throw new Error(`${message} and REQUIRE_SERVICES=1`);
  console.warn(`\n!!!!!!!! ${message}: SKIPPING the PostgreSQL-backed tests !!!!!!!!\n`);
  return false;
}
