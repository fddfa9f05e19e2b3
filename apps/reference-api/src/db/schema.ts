/**
 * The tables as Kysely sees them. Times are RFC 3339 UTC strings (`toISOString()`) in both
 * dialects: they sort as text, compare the same way in SQLite and PostgreSQL, and need no
 * per-driver date parsing.
 */

export interface UsersTable {
  id: string;
  email: string;
  password_hash: string;
  role: "member" | "admin";
  created_at: string;
}

/** One login: the access and refresh tokens it issues over time, revoked together. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: string;
  revoked_at: string | null;
}

export interface TokensTable {
  /** SHA-256 of the token, hex. The token itself is never stored. */
  hash: string;
  session_id: string;
  kind: "access" | "refresh";
  expires_at: string;
  created_at: string;
  /** Set when the token is rotated away or its session ends. */
  revoked_at: string | null;
}

export interface OrdersTable {
  id: string;
  user_id: string;
  item: string;
  quantity: number;
  /** Hundredths of the currency unit: money is never a float in storage. */
  unit_price_cents: number;
  currency: string;
  status: "pending" | "confirmed" | "shipped" | "cancelled";
  created_at: string;
}

/** One row: the key of the tags that tokens carry (see src/auth/tokens.ts). */
export interface TokenKeyTable {
  id: number;
  /** 32 random bytes, hex. */
  key: string;
}

export interface Schema {
  users: UsersTable;
  sessions: SessionsTable;
  tokens: TokensTable;
  token_key: TokenKeyTable;
  orders: OrdersTable;
}
