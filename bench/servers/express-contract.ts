/**
 * Express 5 with apiErrorCodes(app): the same routes as express-bare.ts, declared with api.route()
 * where they need auth or a body schema. Errors are logged through pino at level "warn" to stdout,
 * as the Fastify servers do (5xx logged, 4xx filtered).
 */
import { apiErrorCodes } from "api-error-codes/express";
import express from "express";
import { pino } from "pino";
import { announce, boom, ItemBody, lookup, portArg } from "./common.js";

const app = express();
const api = apiErrorCodes(app, { auth: { lookup }, logger: pino({ level: "warn" }) });

app.get("/items/:id", (req, res) => {
  res.json({ id: Number(req.params.id), name: "apple" });
});
app.post("/items", api.route({ schema: { body: ItemBody } }), (req, res) => {
  res.status(201).json({ id: 7, ...(api.context(req).body as object) });
});
app.get("/me", api.route({ auth: true }), (req, res) => {
  res.json({ id: api.context(req).principal?.id });
});
app.get("/boom", () => boom());

const server = app.listen(portArg(), "127.0.0.1", () => announce(server));
