/** Users: lookup for login, the admin listing, and the demo accounts of non-production runs. */
import { randomUUID } from "node:crypto";
import type { PasswordHasher } from "../auth/passwords.js";
import { type Clock, isoAt } from "../clock.js";
import type { Database, Db } from "../db/database.js";
import type { UsersTable } from "../db/schema.js";

export interface PublicUser {
  id: string;
  email: string;
  roles: string[];
  created_at: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** An admin is a member too: every member operation is open to them. */
export const rolesOf = (role: UsersTable["role"]): string[] =>
  role === "admin" ? ["admin", "member"] : ["member"];

/** E-mail addresses compare case-insensitively; they are stored in this form. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function publicUser(row: Pick<UsersTable, "id" | "email" | "role" | "created_at">): PublicUser {
  return { id: row.id, email: row.email, roles: rolesOf(row.role), created_at: row.created_at };
}

export const DEMO_USERS = [
  { email: "member@example.com", password: "member-password", role: "member" },
  { email: "admin@example.com", password: "admin-password", role: "admin" },
] as const;

export class Users {
  constructor(private readonly database: Database) {}

  findByEmail(email: string): Promise<UsersTable | undefined> {
    return this.database.run((db) =>
      db.selectFrom("users").selectAll().where("email", "=", normalizeEmail(email)).executeTakeFirst(),
    );
  }

  findById(id: string): Promise<UsersTable | undefined> {
    return this.database.run((db) =>
      db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst(),
    );
  }

  list(offset: number, limit: number): Promise<Page<PublicUser>> {
    return this.database.run(async (db) => {
      const rows = await db
        .selectFrom("users")
        .select(["id", "email", "role", "created_at"])
        .orderBy("created_at")
        .orderBy("id")
        .offset(offset)
        .limit(limit)
        .execute();
      const { count } = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll().as("count"))
        .executeTakeFirstOrThrow();
      return { items: rows.map(publicUser), total: Number(count), offset, limit };
    });
  }
}

/**
 * Creates the demo users when they are missing, in one transaction. Safe to run from several
 * instances at once: a concurrent insert of the same address is skipped by the unique e-mail.
 */
export async function seedDemoUsers(db: Db, hasher: PasswordHasher, clock: Clock): Promise<string[]> {
  const existing = await db
    .selectFrom("users")
    .select("email")
    .where(
      "email",
      "in",
      DEMO_USERS.map((u) => u.email),
    )
    .execute();
  const missing = DEMO_USERS.filter((u) => !existing.some((row) => row.email === u.email));
  if (missing.length === 0) return [];
  // Hashed before the transaction opens: a slow KDF must not hold SQLite's write lock.
  const rows: UsersTable[] = [];
  for (const demo of missing) {
    rows.push({
      id: randomUUID(),
      email: demo.email,
      password_hash: await hasher.hash(demo.password),
      role: demo.role,
      created_at: isoAt(clock.now()),
    });
  }
  return db.transaction().execute(async (trx) => {
    const created: string[] = [];
    for (const row of rows) {
      const result = await trx
        .insertInto("users")
        .values(row)
        .onConflict((oc) => oc.column("email").doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) created.push(row.email);
    }
    return created;
  });
}
