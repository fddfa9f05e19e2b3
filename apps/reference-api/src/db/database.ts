/**
 * The database behind one Kysely instance, SQLite (better-sqlite3) or PostgreSQL (pg), and whether
 * it can be used right now. The API must start and stay up while the database is down: requests
 * that need it get 503 / 12 with `Retry-After`, a background loop keeps trying to connect, and the
 * first successful attempt runs the migrations, so the service recovers without a restart.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { ApiError, classify } from "api-error-codes";
import BetterSqlite3 from "better-sqlite3";
import {
  Kysely,
  PostgresDialect,
  type PostgresPool,
  type SqliteDatabase,
  SqliteDialect,
  sql,
  type Transaction,
} from "kysely";
import pg from "pg";
import type { Logger } from "pino";
import type { DatabaseTarget } from "../config.js";
import { migrateToLatest } from "./migrations.js";
import type { Schema } from "./schema.js";

export type DatabaseState = "starting" | "ready" | "unavailable" | "closed";
export type Db = Kysely<Schema>;
export type Tx = Transaction<Schema>;

export interface DatabaseOptions {
  target: DatabaseTarget;
  /** Pause between connection attempts while the database is unavailable. */
  retryMs: number;
  logger: Logger;
  /** Runs after the migrations whenever the database becomes available (demo users are seeded here). */
  onAvailable?: (db: Db) => Promise<void>;
  /** PostgreSQL pool size. Default 10. */
  poolSize?: number;
}

/** Prepared statements kept per SQL text; far more than the service's distinct queries. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles a statement on every `prepare`:
 * about 20 us, a fifth of a bad-token request. The service runs a few dozen distinct SQL texts, so
 * their statements are kept and reused (safe: better-sqlite3 runs a statement to completion
 * synchronously, and the service never streams rows).
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(source: string) {
      let statement = statements.get(source);
      if (statement === undefined) {
        statement = sqlite.prepare(source);
        if (statements.size >= STATEMENT_CACHE_SIZE) {
          statements.delete(statements.keys().next().value as string);
        }
        statements.set(source, statement);
      }
      return statement;
    },
    close: () => sqlite.close(),
  };
}

/** A connection could not be obtained: the database is unreachable, whatever the driver said. */
class ConnectionFailed extends Error {
  override readonly name = "ConnectionFailed";
}

/** What a log line may say about a driver error: never a connection string. */
function describe(error: unknown): object {
  const cause = error instanceof ConnectionFailed ? error.cause : error;
  if (!(cause instanceof Error)) return { message: String(cause) };
  const code = (cause as { code?: unknown }).code;
  return { type: cause.name, message: cause.message, ...(code === undefined ? {} : { code }) };
}

/** pg's pool, with failures to connect told apart from failures of a query. */
function wrapPool(pool: pg.Pool): PostgresPool {
  let ended = false;
  return {
    connect: async () => {
      const client = await pool.connect().catch((error: unknown) => {
        throw new ConnectionFailed("could not connect to PostgreSQL", { cause: error });
      });
      // pg-pool listens for errors only on idle clients: a checked-out client whose connection
      // drops (the server stopped mid-transaction) would emit an unhandled 'error' and kill the
      // process. Its pending query already fails with the same error, which is what we handle.
      const ignore = () => {};
      client.on("error", ignore);
      const release = client.release.bind(client);
      client.release = (error?: Error | boolean) => {
        client.off("error", ignore);
        release(error);
      };
      return client;
    },
    end: async () => {
      if (ended) return;
      ended = true;
      await pool.end();
    },
  };
}

export class Database {
  #state: DatabaseState = "starting";
  #db: Db | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt: Promise<boolean> | undefined;

  constructor(private readonly options: DatabaseOptions) {}

  get state(): DatabaseState {
    return this.#state;
  }

  get dialect(): DatabaseTarget["kind"] {
    return this.options.target.kind;
  }

  /** Seconds a client should wait: one retry period, at least 1. */
  get retryAfterSeconds(): number {
    return Math.max(1, Math.ceil(this.options.retryMs / 1000));
  }

  /**
   * Makes the first attempt and resolves with its outcome; a failed one is retried in the
   * background until it succeeds or {@link close} is called. Never rejects.
   */
  start(): Promise<boolean> {
    return this.#connect();
  }

  /** The 503 / 12 answer for work that needs the database now. */
  unavailable(cause?: unknown): ApiError<12> {
    return ApiError.database(
      { reason: "unavailable" },
      { retryAfter: this.retryAfterSeconds, ...(cause === undefined ? {} : { cause }) },
    );
  }

  /**
   * Runs database work. Refuses at once (503 / 12) while the database is unavailable; anything the
   * work throws becomes the contract's error (4/409 for conflicts, 12 otherwise, ApiErrors as they are).
   */
  async run<T>(work: (db: Db) => Promise<T>): Promise<T> {
    const db = this.#db;
    if (this.#state !== "ready" || db === undefined) throw this.unavailable();
    try {
      return await work(db);
    } catch (error) {
      throw this.#failure(error);
    }
  }

  /** {@link run} inside one transaction: every write of the service goes through here. */
  transaction<T>(work: (trx: Tx) => Promise<T>): Promise<T> {
    return this.run((db) => db.transaction().execute(work));
  }

  /** For `/ready`: a round trip to the database, or 503 / 12. */
  async ping(): Promise<void> {
    await this.run((db) => sql`select 1`.execute(db));
  }

  async close(): Promise<void> {
    this.#state = "closed";
    clearTimeout(this.#timer);
    await this.#attempt;
    const db = this.#db;
    this.#db = undefined;
    await db?.destroy();
  }

  #failure(error: unknown): ApiError<number> {
    if (error instanceof ConnectionFailed) {
      this.#lost(error);
      return this.unavailable(error);
    }
    const classified = classify(error, { source: "database" });
    if (classified.code === 12 && classified.status === 503) {
      // Busy, timed out or disconnected: check the connection now rather than at the next failure.
      this.#lost(error);
      return this.unavailable(error);
    }
    return classified;
  }

  #lost(error: unknown): void {
    if (this.#state !== "ready") return;
    this.#state = "unavailable";
    this.options.logger.warn({ err: describe(error) }, "database became unavailable; reconnecting");
    void this.#connect();
  }

  #connect(): Promise<boolean> {
    this.#attempt ??= this.#tryConnect().finally(() => {
      this.#attempt = undefined;
    });
    return this.#attempt;
  }

  async #tryConnect(): Promise<boolean> {
    if (this.#state === "closed") return false;
    const { logger, retryMs, onAvailable } = this.options;
    try {
      this.#db ??= this.#open();
      const db = this.#db;
      await sql`select 1`.execute(db);
      const applied = await migrateToLatest(db as unknown as Kysely<unknown>);
      if (applied.length > 0) logger.info({ migrations: applied }, "database migrated");
      await onAvailable?.(db);
      // close() may have run while this attempt was waiting.
      if ((this.#state as DatabaseState) === "closed") return false;
      if (this.#state !== "ready") logger.info({ dialect: this.dialect }, "database available");
      this.#state = "ready";
      return true;
    } catch (error) {
      if ((this.#state as DatabaseState) === "closed") return false;
      this.#state = "unavailable";
      logger.warn({ err: describe(error), retry_ms: retryMs }, "database unavailable; will retry");
      this.#schedule();
      return false;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#connect();
    }, this.options.retryMs);
    // The HTTP server keeps the process alive; this timer alone must not.
    this.#timer.unref();
  }

  #open(): Db {
    const { target } = this.options;
    if (target.kind === "sqlite") {
      // Throws while the file cannot be opened (missing permissions, a file where the folder should
      // be): the attempt fails and is retried, as for a PostgreSQL server that is down.
      if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
      const sqlite = new BetterSqlite3(target.path, { timeout: 5000 });
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("foreign_keys = ON");
      sqlite.pragma("synchronous = NORMAL");
      return new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    }
    const pool = new pg.Pool({
      connectionString: target.url,
      max: this.options.poolSize ?? 10,
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      statement_timeout: 10_000,
      application_name: "reference-api",
    });
    // Idle clients lose their connection when the server restarts; the pool drops them. Without a
    // listener that event would crash the process.
    pool.on("error", (error) =>
      this.options.logger.warn({ err: describe(error) }, "idle database client failed"),
    );
    return new Kysely<Schema>({ dialect: new PostgresDialect({ pool: wrapPool(pool) }) });
  }
}
