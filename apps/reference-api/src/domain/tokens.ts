/**
 * Sessions and their tokens. A login opens a session that issues an access token (short-lived) and
 * a refresh token (long-lived, single use). Refreshing rotates both; presenting a refresh token
 * that was already used means it was copied, so the whole session is revoked (OAuth 2.0 Security
 * BCP, refresh token rotation). Everything lives in the database, so any instance honours a token
 * another one issued.
 */
import { randomUUID } from "node:crypto";
import { ApiError, type PrincipalFields } from "api-error-codes";
import type { Logger } from "pino";
import { digest, hasOurTag, newToken } from "../auth/tokens.js";
import { type Clock, isoAt } from "../clock.js";
import type { Database, Tx } from "../db/database.js";
import type { UsersTable } from "../db/schema.js";
import { rolesOf } from "./users.js";

export interface TokenPair {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
}

/** Who a valid access token speaks for (`request.principal`). */
export interface AuthUser extends PrincipalFields {
  id: string;
  email: string;
  roles: string[];
  created_at: string;
  session_id: string;
  expiresAt: string;
}

export interface TokenTtl {
  /** Seconds. */
  access: number;
  /** Seconds. */
  refresh: number;
}

/** What {@link newToken} makes: 43 base64url characters, the last ones a tag. Anything else cannot be ours. */
const OUR_TOKEN = /^[A-Za-z0-9_-]{43}$/;

type Rotation =
  | { kind: "rotated"; pair: TokenPair }
  | { kind: "unknown" }
  | { kind: "reused"; session: string }
  | { kind: "expired"; at: string };

export class Tokens {
  /** The token key, read once from the database (it never changes); retried after a failure. */
  #key: Promise<Buffer> | undefined;

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    private readonly ttl: TokenTtl,
    private readonly logger: Logger,
  ) {}

  #tokenKey(): Promise<Buffer> {
    this.#key ??= this.database
      .run((db) => db.selectFrom("token_key").select("key").where("id", "=", 1).executeTakeFirstOrThrow())
      .then(
        (row) => Buffer.from(row.key, "hex"),
        (error: unknown) => {
          this.#key = undefined;
          throw error;
        },
      );
    return this.#key;
  }

  /** Whether a token may be ours: the right form and our tag. No query for a made-up token. */
  async #mayBeOurs(token: string): Promise<boolean> {
    return OUR_TOKEN.test(token) && hasOurTag(await this.#tokenKey(), token);
  }

  /** A new session for the user, with its first pair. */
  async issue(user: Pick<UsersTable, "id">): Promise<TokenPair> {
    const key = await this.#tokenKey();
    return this.database.transaction(async (trx) => {
      const session = randomUUID();
      await trx
        .insertInto("sessions")
        .values({ id: session, user_id: user.id, created_at: isoAt(this.clock.now()), revoked_at: null })
        .execute();
      return this.#insertPair(trx, key, session);
    });
  }

  /** The principal of an access token; `undefined` (7) when unknown or revoked. Expiry is checked by the library (8). */
  async authenticate(token: string): Promise<AuthUser | undefined> {
    if (!(await this.#mayBeOurs(token))) return undefined;
    const row = await this.database.run((db) =>
      db
        .selectFrom("tokens as t")
        .innerJoin("sessions as s", "s.id", "t.session_id")
        .innerJoin("users as u", "u.id", "s.user_id")
        .select(["u.id", "u.email", "u.role", "u.created_at", "t.session_id", "t.expires_at"])
        .where("t.hash", "=", digest(token))
        .where("t.kind", "=", "access")
        .where("t.revoked_at", "is", null)
        .where("s.revoked_at", "is", null)
        .executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    return {
      id: row.id,
      email: row.email,
      roles: rolesOf(row.role),
      created_at: row.created_at,
      session_id: row.session_id,
      expiresAt: row.expires_at,
    };
  }

  /** A new pair for a refresh token; 7 when unknown, revoked or reused, 8 when expired. */
  async refresh(token: string): Promise<TokenPair> {
    if (!(await this.#mayBeOurs(token))) throw invalidRefresh();
    const key = await this.#tokenKey();
    // The outcome leaves the transaction as a value: throwing inside would roll back the revocation
    // of a session whose refresh token was reused.
    const outcome = await this.database.transaction((trx) => this.#rotate(trx, key, digest(token)));
    switch (outcome.kind) {
      case "rotated":
        return outcome.pair;
      case "expired":
        throw ApiError.authExpired(outcome.at, { message: "The refresh token has expired" });
      case "reused":
        this.logger.warn({ session_id: outcome.session }, "refresh token reused; session revoked");
        throw ApiError.authInvalid({ message: "The refresh token was already used; the session is revoked" });
      default:
        throw invalidRefresh();
    }
  }

  /** Ends a session: its access and refresh tokens stop working everywhere at once. */
  revokeSession(session: string): Promise<void> {
    return this.database.transaction((trx) => this.#revokeSession(trx, session));
  }

  async #rotate(trx: Tx, key: Buffer, hash: string): Promise<Rotation> {
    const row = await trx
      .selectFrom("tokens as t")
      .innerJoin("sessions as s", "s.id", "t.session_id")
      .select(["t.session_id", "t.expires_at", "t.revoked_at", "s.revoked_at as session_revoked_at"])
      .where("t.hash", "=", hash)
      .where("t.kind", "=", "refresh")
      .executeTakeFirst();
    if (row === undefined || row.session_revoked_at !== null) return { kind: "unknown" };
    const now = this.clock.now();
    if (row.revoked_at === null && Date.parse(row.expires_at) <= now) {
      return { kind: "expired", at: row.expires_at };
    }
    // Conditional, so that of two concurrent refreshes with one token (on any instances) exactly one
    // wins; PostgreSQL re-checks the condition after the other transaction commits.
    const used = await trx
      .updateTable("tokens")
      .set({ revoked_at: isoAt(now) })
      .where("hash", "=", hash)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) {
      await this.#revokeSession(trx, row.session_id);
      return { kind: "reused", session: row.session_id };
    }
    // The access token issued with the old pair goes too: one live pair per session.
    await trx
      .updateTable("tokens")
      .set({ revoked_at: isoAt(now) })
      .where("session_id", "=", row.session_id)
      .where("revoked_at", "is", null)
      .execute();
    return { kind: "rotated", pair: await this.#insertPair(trx, key, row.session_id) };
  }

  async #revokeSession(trx: Tx, session: string): Promise<void> {
    const at = isoAt(this.clock.now());
    await trx
      .updateTable("sessions")
      .set({ revoked_at: at })
      .where("id", "=", session)
      .where("revoked_at", "is", null)
      .execute();
    await trx
      .updateTable("tokens")
      .set({ revoked_at: at })
      .where("session_id", "=", session)
      .where("revoked_at", "is", null)
      .execute();
  }

  async #insertPair(trx: Tx, key: Buffer, session: string): Promise<TokenPair> {
    const now = this.clock.now();
    const access = newToken(key);
    const refresh = newToken(key);
    const row = (token: string, kind: "access" | "refresh", ttl: number) => ({
      hash: digest(token),
      session_id: session,
      kind,
      expires_at: isoAt(now + ttl * 1000),
      created_at: isoAt(now),
      revoked_at: null,
    });
    await trx
      .insertInto("tokens")
      .values([row(access, "access", this.ttl.access), row(refresh, "refresh", this.ttl.refresh)])
      .execute();
    return {
      access_token: access,
      token_type: "Bearer",
      expires_in: this.ttl.access,
      refresh_token: refresh,
      refresh_expires_in: this.ttl.refresh,
    };
  }
}

function invalidRefresh(): ApiError<7> {
  return ApiError.authInvalid({ message: "The refresh token is not valid" });
}
