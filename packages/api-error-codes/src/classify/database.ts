/**
 * Database driver errors: PostgreSQL (pg), SQLite (better-sqlite3) and MySQL/MariaDB (mysql2).
 * Transient trouble (down, busy, locked, timed out, serialization conflict) is 12/503 with
 * `Retry-After`; a unique or foreign-key conflict is the client's, 4/409; the rest is 12/500.
 * Driver messages name tables, constraints and values, so none of them reaches a violation.
 */
import { ApiError } from "../api-error.js";
import type { Violation } from "../details.js";
import { type ClassifyContext, databaseError } from "./context.js";
import { messageOf, nameOf, num, prop, str } from "./inspect.js";

type Conflict = "unique" | "missing_reference" | "still_referenced" | "reference";

const CONFLICTS: Readonly<Record<Conflict, { rule: string; message: string }>> = {
  unique: { rule: "unique", message: "A resource with the same unique value already exists" },
  missing_reference: { rule: "reference", message: "Refers to a resource that does not exist" },
  still_referenced: { rule: "reference", message: "Resource is still referenced by other resources" },
  reference: { rule: "reference", message: "Conflicts with a reference between resources" },
};

function conflict(kind: Conflict, cause: unknown): ApiError<4> {
  const { rule, message } = CONFLICTS[kind];
  const violation: Violation = { in: "body", pointer: "", rule, message };
  return ApiError.invalidValue([violation], { status: 409, message, cause });
}

// --- PostgreSQL -----------------------------------------------------------------------------

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** SQLSTATE classes of a server that cannot serve now: connection (08), resources (53), shutdown, cancel or statement timeout (57). */
const PG_UNAVAILABLE_CLASSES = new Set(["08", "53", "57"]);

function fromPostgres(thrown: unknown): ApiError<number> | undefined {
  const code = str(thrown, "code");
  if (code === undefined || !SQLSTATE.test(code) || str(thrown, "severity") === undefined) return undefined;
  if (code === "23505") return conflict("unique", thrown);
  if (code === "23503") {
    // pg's text says which side broke the reference; only that bit is used, never the names.
    const message = messageOf(thrown);
    if (message.startsWith("insert or update")) return conflict("missing_reference", thrown);
    if (message.startsWith("update or delete")) return conflict("still_referenced", thrown);
    return conflict("reference", thrown);
  }
  if (code === "40001" || code === "40P01") return databaseError("conflict", thrown);
  if (code === "55P03" || PG_UNAVAILABLE_CLASSES.has(code.slice(0, 2)))
    return databaseError("unavailable", thrown);
  return databaseError("failure", thrown);
}

/** pg's own errors for a lost or unobtainable connection are plain `Error`s told by their text. */
const PG_CONNECTION_MESSAGES = new Set([
  "Connection terminated unexpectedly",
  "Connection terminated",
  "Connection terminated due to connection timeout",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error and is not queryable",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
  "Query read timeout",
]);

function fromPostgresConnection(thrown: unknown, context: ClassifyContext): ApiError<12> | undefined {
  if (nameOf(thrown) !== "Error") return undefined;
  const message = messageOf(thrown);
  // pg's connect timeout says only "timeout expired": too vague to claim without the context.
  const known =
    PG_CONNECTION_MESSAGES.has(message) || (context.source === "database" && message === "timeout expired");
  return known ? databaseError("unavailable", thrown) : undefined;
}

// --- SQLite ---------------------------------------------------------------------------------

function fromSqlite(thrown: unknown): ApiError<number> | undefined {
  const code = str(thrown, "code");
  if (code === undefined || !code.startsWith("SQLITE_")) return undefined;
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return conflict("unique", thrown);
  }
  if (code === "SQLITE_CONSTRAINT_FOREIGNKEY") return conflict("reference", thrown);
  if (
    code.startsWith("SQLITE_BUSY") ||
    code.startsWith("SQLITE_LOCKED") ||
    code.startsWith("SQLITE_IOERR") ||
    code.startsWith("SQLITE_CANTOPEN")
  ) {
    return databaseError("unavailable", thrown);
  }
  return databaseError("failure", thrown);
}

// --- MySQL / MariaDB ------------------------------------------------------------------------

// By errno rather than code name: mysql2 has no names for MariaDB-only errors (1969).
const MYSQL_UNIQUE = new Set([1022, 1062, 1586]);
const MYSQL_MISSING_REFERENCE = new Set([1216, 1452]);
const MYSQL_STILL_REFERENCED = new Set([1217, 1451]);
/** Deadlock, lock wait timeout: retrying the transaction is the fix. */
const MYSQL_CONFLICT = new Set([1205, 1213]);
/**
 * Too many connections (1040, 1203), out of resources (1041), shutdown (1053), query interrupted
 * or timed out (1317, 3024 MySQL max_execution_time, 1969 MariaDB max_statement_time), connection
 * killed (1927).
 */
const MYSQL_UNAVAILABLE = new Set([1040, 1041, 1053, 1203, 1317, 1927, 1969, 3024]);

function isMysql(thrown: unknown): boolean {
  if (typeof str(thrown, "sqlState") === "string" || typeof str(thrown, "sqlMessage") === "string")
    return true;
  // Connection-level errors of mysql2 carry only `fatal: true` (and a PROTOCOL_* or errno code).
  return prop(thrown, "fatal") === true || (str(thrown, "code")?.startsWith("PROTOCOL_") ?? false);
}

function fromMysql(thrown: unknown): ApiError<number> | undefined {
  if (!isMysql(thrown)) return undefined;
  const errno = num(thrown, "errno");
  if (errno !== undefined && errno > 0) {
    if (MYSQL_UNIQUE.has(errno)) return conflict("unique", thrown);
    if (MYSQL_MISSING_REFERENCE.has(errno)) return conflict("missing_reference", thrown);
    if (MYSQL_STILL_REFERENCED.has(errno)) return conflict("still_referenced", thrown);
    if (MYSQL_CONFLICT.has(errno)) return databaseError("conflict", thrown);
    if (MYSQL_UNAVAILABLE.has(errno)) return databaseError("unavailable", thrown);
  }
  if (prop(thrown, "fatal") === true || str(thrown, "code")?.startsWith("PROTOCOL_")) {
    return databaseError("unavailable", thrown);
  }
  return databaseError("failure", thrown);
}

/** A database driver's error as 4/409 or 12, or `undefined` when it is none of the known drivers'. */
export function fromDatabaseError(thrown: unknown, context: ClassifyContext): ApiError<number> | undefined {
  return (
    fromPostgres(thrown) ?? fromSqlite(thrown) ?? fromMysql(thrown) ?? fromPostgresConnection(thrown, context)
  );
}
