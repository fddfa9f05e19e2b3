/**
 * Bare Express plus one middleware setting `X-Request-Id` to a fresh UUID: the least any adapter
 * keeping the contract must do on a success route. A reference point for bench/pair.ts only.
 */
import { randomUUID } from "node:crypto";
import express from "express";
import { announce, portArg } from "./common.js";

const app = express();
app.use((_req, res, next) => {
  res.setHeader("X-Request-Id", randomUUID());
  next();
});

app.get("/items/:id", (req, res) => {
  res.json({ id: Number(req.params.id), name: "apple" });
});

const server = app.listen(portArg(), "127.0.0.1", () => announce(server));
