/**
 * Reading foreign thrown values without trusting them: a getter or a Proxy trap may throw, a
 * property may have any type. Every read here answers `undefined` instead of throwing.
 */

/** `value[key]`, or `undefined` when value is not an object or reading it throws. */
export function prop(value: unknown, key: PropertyKey): unknown {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return undefined;
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A string property, or `undefined`. */
export function str(value: unknown, key: PropertyKey): string | undefined {
  const v = prop(value, key);
  return typeof v === "string" ? v : undefined;
}

/** A finite number property, or `undefined`. */
export function num(value: unknown, key: PropertyKey): number | undefined {
  const v = prop(value, key);
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** An array property, or `undefined`. */
export function arr(value: unknown, key: PropertyKey): readonly unknown[] | undefined {
  const v = prop(value, key);
  try {
    return Array.isArray(v) ? (v as unknown[]) : undefined;
  } catch {
    // Array.isArray throws on a revoked Proxy.
    return undefined;
  }
}

/**
 * Whether the value is an Error of any realm: `instanceof` misses errors made in another realm,
 * the tag check misses objects that only inherit from Error (better-sqlite3's SqliteError).
 */
export function isError(value: unknown): value is Error {
  if (typeof value !== "object" || value === null) return false;
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === "[object Error]";
  } catch {
    return false;
  }
}

/** The `name` of an error-ish value (`"TypeError"`, `"AbortError"`...), or `""`. */
export function nameOf(value: unknown): string {
  return str(value, "name") ?? "";
}

/** The `message` of an error-ish value, or `""`. */
export function messageOf(value: unknown): string {
  return str(value, "message") ?? "";
}
