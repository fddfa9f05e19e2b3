// Authentication: a token lookup for the app, and per route `auth: true`, roles or scopes.
import { createApi } from "api-error-codes/node";

// #region lookup
interface User {
  readonly id: string;
  readonly roles: readonly string[];
  readonly scopes: readonly string[];
  /** When the token stops being valid: a Date, an RFC 3339 string or epoch milliseconds. */
  readonly expiresAt: string;
}

const sessions = new Map<string, User>([
  [
    "member-token",
    { id: "u-1", roles: ["member"], scopes: ["orders:read"], expiresAt: "2999-01-01T00:00:00Z" },
  ],
  [
    "admin-token",
    {
      id: "u-2",
      roles: ["admin"],
      scopes: ["orders:read", "orders:write"],
      expiresAt: "2999-01-01T00:00:00Z",
    },
  ],
  ["old-token", { id: "u-1", roles: ["member"], scopes: [], expiresAt: "2020-01-01T00:00:00Z" }],
]);

// Unknown token: return undefined (7). A store that fails must throw: that is a 5xx, never a 7.
const lookup = async (token: string): Promise<User | undefined> => sessions.get(token);
// #endregion

export function buildApi() {
  // #region routes
  return createApi<User>({ auth: { lookup }, logger: false })
    .get("/me", { auth: true }, ({ principal }) => ({ id: principal.id }))
    .get("/admin/users", { auth: { roles: ["admin"] } }, () => [])
    .delete("/orders/:id", { auth: { scopes: ["orders:read", "orders:write"] } }, () => ({ deleted: true }));
  // #endregion
}

// #region header
// A bare token in another header instead of `Authorization: Bearer`, and a shorter length cap.
export const apiKeyApi = createApi({
  auth: { lookup, header: "x-api-key", maxTokenLength: 256 },
  logger: false,
}).get("/me", { auth: true }, ({ principal }) => ({ id: principal.id }));
// #endregion
