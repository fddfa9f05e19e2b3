/**
 * Versioned migrations, written once with Kysely's schema builder so that SQLite and PostgreSQL get
 * the same tables. Kysely's Migrator records what ran in `kysely_migration` and, on PostgreSQL,
 * takes an advisory lock, so several instances starting together migrate once.
 *
 * Never edit a migration that has shipped: add the next one.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator } from "kysely";
import { newTokenKey } from "../auth/tokens.js";

const migrations: Record<string, Migration> = {
  "0001_users_and_tokens": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("users")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("email", "varchar(254)", (c) => c.notNull().unique())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("role", "varchar(16)", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .execute();
      await db.schema
        .createTable("sessions")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("revoked_at", "varchar(32)")
        .execute();
      await db.schema
        .createTable("tokens")
        .addColumn("hash", "varchar(64)", (c) => c.primaryKey())
        .addColumn("session_id", "varchar(36)", (c) =>
          c.notNull().references("sessions.id").onDelete("cascade"),
        )
        .addColumn("kind", "varchar(8)", (c) => c.notNull())
        .addColumn("expires_at", "varchar(32)", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .addColumn("revoked_at", "varchar(32)")
        .execute();
      await db.schema.createIndex("tokens_session_idx").on("tokens").column("session_id").execute();
    },
  },
  "0002_orders": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("orders")
        .addColumn("id", "varchar(36)", (c) => c.primaryKey())
        .addColumn("user_id", "varchar(36)", (c) => c.notNull().references("users.id").onDelete("cascade"))
        .addColumn("item", "varchar(200)", (c) => c.notNull())
        .addColumn("quantity", "integer", (c) => c.notNull())
        .addColumn("unit_price_cents", "integer", (c) => c.notNull())
        .addColumn("currency", "varchar(3)", (c) => c.notNull())
        .addColumn("status", "varchar(16)", (c) => c.notNull())
        .addColumn("created_at", "varchar(32)", (c) => c.notNull())
        .execute();
      // The list endpoint pages one user's orders, newest first, optionally by status.
      await db.schema
        .createIndex("orders_user_created_idx")
        .on("orders")
        .columns(["user_id", "created_at", "id"])
        .execute();
    },
  },
  "0003_token_key": {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable("token_key")
        .addColumn("id", "integer", (c) => c.primaryKey())
        .addColumn("key", "varchar(64)", (c) => c.notNull())
        .execute();
      // Once per database, so every instance on it tags and checks tokens alike.
      await (db as Kysely<{ token_key: { id: number; key: string } }>)
        .insertInto("token_key")
        .values({ id: 1, key: newTokenKey() })
        .execute();
    },
  },
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; throws what the failing migration threw. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error !== undefined) throw error;
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

export const MIGRATION_NAMES = Object.keys(migrations);
