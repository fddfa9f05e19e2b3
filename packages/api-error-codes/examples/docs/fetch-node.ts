// The fetch handler on node: @hono/node-server's Request bridge, its request errors answered by the
// contract, and the server protected.
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { protectServer } from "api-error-codes/node";
import { buildApi } from "../fetch.js"; // the quickstart above

const api = buildApi();
const listener = getRequestListener(api.fetch, { errorHandler: api.requestError });
// Malformed HTTP (bad request line, header overflow, slow headers) gets a conforming 400/408/431.
export const server = protectServer(createServer(listener)).listen(3000, "127.0.0.1");
