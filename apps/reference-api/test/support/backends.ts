/**
 * The databases every integration suite runs against: SQLite (a temp file) and PostgreSQL (a
 * database created for the run). `describe.each(backends)` gives one run per backend.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createDatabase,
  databaseUrl,
  dropDatabase,
  postgresAvailable,
  randomDatabaseName,
} from "./postgres.js";

export interface Backend {
  name: "sqlite" | "postgres";
  /** Whether this backend can run here (PostgreSQL may be skipped, loudly). */
  available: boolean;
  /** A fresh, empty database: its DATABASE_URL and how to remove it. */
  create(): Promise<{ url: string; remove(): Promise<void> }>;
}

export async function tempDir(prefix = "reference-api-"): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

const sqlite: Backend = {
  name: "sqlite",
  available: true,
  async create() {
    const dir = await tempDir();
    return { url: `sqlite:${join(dir.path, "db.sqlite")}`, remove: dir.remove };
  },
};

const postgres: Backend = {
  name: "postgres",
  available: await postgresAvailable(),
  async create() {
    const name = randomDatabaseName();
    await createDatabase(name);
    return { url: databaseUrl(name), remove: () => dropDatabase(name) };
  },
};

export const backends: Backend[] = [sqlite, postgres];
