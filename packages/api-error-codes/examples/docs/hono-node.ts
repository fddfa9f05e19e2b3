// Hono on node: serve it with @hono/node-server and protect the server it returns.
import { serve } from "@hono/node-server";
import { protectServer } from "api-error-codes/hono";
import { buildApp } from "../hono.js"; // the quickstart above

// Malformed HTTP (bad request line, header overflow, slow headers) gets a conforming 400/408/431.
export const server = protectServer(serve({ fetch: buildApp().fetch, port: 3000, hostname: "127.0.0.1" }));
