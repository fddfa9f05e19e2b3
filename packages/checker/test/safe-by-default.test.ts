/**
 * Safe by default, against the kind of API that made it necessary: a plain Express app that
 * serves the documented routes, validates nothing and stores whatever a token holder posts. Without --allow-writes the checker
 * must not create anything there, token or not; with it, the writes it announces do happen.
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { checkCommand } from "../src/command.js";
import { ADMIN_TOKEN, fixtureSpec } from "./fixtures.js";

interface PlainApp {
  readonly url: string;
  readonly created: unknown[];
  readonly deleted: string[];
  close(): Promise<void>;
}

/** The fixture spec's orders API as a naive Express app: a token check, then it trusts every body. */
async function startPlainExpress(): Promise<PlainApp> {
  const created: unknown[] = [];
  const deleted: string[] = [];
  const app = express();
  app.get("/openapi.json", (_req, res) => {
    res.json(fixtureSpec());
  });
  app.use(express.text({ type: "text/*" }), express.json({ limit: "5mb" }));
  app.use((req, res, next) => {
    if (req.path === "/health" || req.headers.authorization === `Bearer ${ADMIN_TOKEN}`) return next();
    res.status(401).json({ error: "unauthorized" });
  });
  // The routes the spec documents, and nothing else (Express answers the rest with its 404 page).
  const store = (req: express.Request, res: express.Response) => {
    created.push(req.body);
    res.status(201).json({ ok: true });
  };
  app.get("/health", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/v1/orders", (_req, res) => {
    res.json({ items: [] });
  });
  app.post("/v1/orders", store);
  app.get("/v1/orders/:id", (req, res) => {
    res.json({ id: req.params.id });
  });
  app.delete("/v1/orders/:id", (req, res) => {
    deleted.push(req.path);
    res.status(204).end();
  });
  app.post("/v1/orders/:id/refund", store);
  app.get("/v1/admin/users", (_req, res) => {
    res.json({ users: [] });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    created,
    deleted,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let app: PlainApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("safe by default against an API that validates nothing", () => {
  it.each([
    ["with a valid token", ["--token", ADMIN_TOKEN, "--forbidden-token", ADMIN_TOKEN]],
    ["without a token", []],
  ])("writes nothing %s", async (_, tokens) => {
    app = await startPlainExpress();
    const result = await checkCommand([
      app.url,
      "--spec",
      `${app.url}/openapi.json`,
      ...tokens,
      "-f",
      "json",
    ]);
    expect(result.exitCode).toBe(1);
    expect(app.created).toStrictEqual([]);
    expect(app.deleted).toStrictEqual([]);
  });

  it("does write with --allow-writes, as --help says", async () => {
    app = await startPlainExpress();
    const args = [app.url, "--spec", `${app.url}/openapi.json`, "--token", ADMIN_TOKEN, "--allow-writes"];
    await checkCommand([...args, "-f", "json"]);
    expect(app.created.length).toBeGreaterThan(10);
    expect(app.deleted.length).toBeGreaterThan(0);
  });
});
