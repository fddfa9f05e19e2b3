/**
 * Bare Express 5 with its defaults: its router and finalhandler (HTML 404 for an unknown path and for
 * a known path with another method; HTML 500 that logs `err.stack` with console.error), express.json()
 * on POST /items with a hand check of `name`, and a hand check of the Authorization header on GET /me.
 */
import express from "express";
import { announce, boom, portArg } from "./common.js";

const app = express();

app.get("/items/:id", (req, res) => {
  res.json({ id: Number(req.params.id), name: "apple" });
});
app.post("/items", express.json(), (req, res) => {
  const body = req.body as { name?: unknown } | undefined;
  if (typeof body?.name !== "string") {
    res.status(400).json({ error: "name must be a string" });
    return;
  }
  res.status(201).json({ id: 7, name: body.name });
});
app.get("/me", (req, res) => {
  if (req.headers.authorization === undefined) {
    res.status(401).set("www-authenticate", "Bearer").json({ error: "missing token" });
    return;
  }
  res.json({ id: "u-1" });
});
app.get("/boom", () => boom());

const server = app.listen(portArg(), "127.0.0.1", () => announce(server));
