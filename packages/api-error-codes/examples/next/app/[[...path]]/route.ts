// The orders quickstart (examples/fetch.ts) as a Next.js App Router API: one catch-all route file
// hands every method of every path to the API, so 404, 405 + Allow, auth, body and validation all
// keep the contract. A route file per path works the same way (export routeHandlers() from each).
import { buildApi } from "../../../fetch.js";

// #region route
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = buildApi().routeHandlers();
// #endregion
