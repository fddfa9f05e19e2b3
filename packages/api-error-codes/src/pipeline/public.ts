/**
 * What every adapter's subpath exports besides its own API: the types its declarations name (so
 * that a user's declarations can refer to them; TS2742 otherwise) and `notRealized`.
 */
export type { Principal, PrincipalFields } from "./auth.js";
export type { RouteContract } from "./route.js";
export { notRealized } from "./routes.js";
