/**
 * Orders, users and routing over real HTTP, on SQLite and on PostgreSQL: 201 + Location, pages,
 * 1 (405 + Allow), 2 (501), 3, 4, 5 with every violation listed, 9, 10 (absent, another user's,
 * unknown route), and the request id.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "./support/backends.js";
import { call, expectError, rules } from "./support/http.js";
import { startApi, type TestApi } from "./support/server.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ABSENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
const NEW_ORDER = { item: "coffee beans", quantity: 2, unit_price: 12.5, currency: "EUR" };

describe.each(backends)("orders on $name", (backend) => {
  describe.skipIf(!backend.available)("orders, users and routing", () => {
    let api: TestApi;
    let database: Awaited<ReturnType<typeof backend.create>>;
    let member: string;
    let admin: string;

    const token = async (email: string, password: string): Promise<string> => {
      const answer = await call(api.base, "POST", "/v1/auth/token", { body: { email, password } });
      return (answer.json as { access_token: string }).access_token;
    };
    const create = async (body: unknown, as = member) =>
      call(api.base, "POST", "/v1/orders", { token: as, body });

    beforeAll(async () => {
      database = await backend.create();
      api = await startApi({ databaseUrl: database.url, ratesUrl: "http://127.0.0.1:9" });
      member = await token("member@example.com", "member-password");
      admin = await token("admin@example.com", "admin-password");
    });
    afterAll(async () => {
      await api?.close();
      await database?.remove();
    });

    it("POST /v1/orders: 201 with the order and its Location", async () => {
      const answer = await create(NEW_ORDER);
      expect(answer.status, answer.text).toBe(201);
      const order = answer.json as Record<string, unknown>;
      expect(order).toMatchObject({ ...NEW_ORDER, status: "pending" });
      expect(order.id).toMatch(UUID);
      expect(new Date(String(order.created_at)).toISOString()).toBe(order.created_at);
      expect(Object.keys(order).sort()).toStrictEqual(
        ["created_at", "currency", "id", "item", "quantity", "status", "unit_price"].sort(),
      );
      expect(answer.headers.get("location")).toBe(`/v1/orders/${order.id}`);
      const fetched = await call(api.base, "GET", String(answer.headers.get("location")), { token: member });
      expect(fetched.status).toBe(200);
      expect(fetched.json).toStrictEqual(order);
    });

    it("POST /v1/orders: 3 for structure, 5 for types, 4 for values", async () => {
      const missing = expectError(await create({}), 400, 3);
      expect(rules(missing).sort()).toStrictEqual(
        ["/currency:required", "/item:required", "/quantity:required", "/unit_price:required"].sort(),
      );
      expect(rules(expectError(await create({ ...NEW_ORDER, colour: "red" }), 400, 3))).toStrictEqual([
        "/colour:additionalProperties",
      ]);
      expect(rules(expectError(await create('{"item": "x",'), 400, 3))).toStrictEqual([":parse"]);
      expectError(await create('{"__proto__": {"admin": true}, "item": "x"}'), 400, 3);
      expectError(await create("[1,2"), 400, 3);
      expectError(await create(NEW_ORDER.item, member), 400, 3);
      expect(rules(expectError(await create({ ...NEW_ORDER, quantity: "2" }), 400, 5))).toStrictEqual([
        "/quantity:type",
      ]);
      const values = expectError(
        await create({ ...NEW_ORDER, quantity: 0, currency: "eur", item: "" }),
        400,
        4,
      );
      expect(rules(values).sort()).toStrictEqual(
        ["/currency:pattern", "/item:minLength", "/quantity:minimum"].sort(),
      );
      // Right shape, no such currency / sub-cent price: the semantic rules, still 4.
      expect(rules(expectError(await create({ ...NEW_ORDER, currency: "XYZ" }), 400, 4))).toStrictEqual([
        "/currency:enum",
      ]);
      expect(rules(expectError(await create({ ...NEW_ORDER, unit_price: 1.234 }), 400, 4))).toStrictEqual([
        "/unit_price:multipleOf",
      ]);
      expect((await create({ ...NEW_ORDER, unit_price: 0.29 })).status).toBe(201);
      const media = await call(api.base, "POST", "/v1/orders", {
        token: member,
        body: "item=x",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expectError(media, 415, 3);
    });

    it("authentication comes before the body: an anonymous bad body is 6", async () => {
      expectError(await call(api.base, "POST", "/v1/orders", { body: '{"item":' }), 401, 6);
    });

    it("GET /v1/orders pages newest first and filters by status", async () => {
      for (const item of ["first", "second", "third"]) {
        api.clock.advance(1000); // distinct creation times; equal ones are ordered by id
        expect((await create({ ...NEW_ORDER, item })).status).toBe(201);
      }
      const page = await call(api.base, "GET", "/v1/orders?limit=2", { token: member });
      expect(page.status).toBe(200);
      const body = page.json as { items: { item: string }[]; total: number; offset: number; limit: number };
      expect(Object.keys(body)).toStrictEqual(["items", "total", "offset", "limit"]);
      expect(body.items.map((o) => o.item)).toStrictEqual(["third", "second"]);
      expect(body).toMatchObject({ offset: 0, limit: 2 });
      const total = body.total;
      expect(total).toBeGreaterThanOrEqual(5);
      const next = (await call(api.base, "GET", "/v1/orders?offset=2&limit=100", { token: member }))
        .json as typeof body;
      expect(next.items).toHaveLength(total - 2);
      expect(next.items[0]?.item).toBe("first");
      const pending = (await call(api.base, "GET", "/v1/orders?status=pending", { token: member }))
        .json as typeof body;
      expect(pending).toMatchObject({ total, offset: 0, limit: 20 });
      const shipped = await call(api.base, "GET", "/v1/orders?status=shipped", { token: member });
      expect(shipped.json).toStrictEqual({ items: [], total: 0, offset: 0, limit: 20 });
      // The admin has no orders: lists are per user.
      expect(((await call(api.base, "GET", "/v1/orders", { token: admin })).json as typeof body).total).toBe(
        0,
      );
    });

    it("GET /v1/orders: 4 for negative offset, limit over 100, unknown status; 5 for non-integers", async () => {
      const list = (query: string) => call(api.base, "GET", `/v1/orders?${query}`, { token: member });
      expect(rules(expectError(await list("offset=-1"), 400, 4))).toStrictEqual(["/offset:minimum"]);
      expect(rules(expectError(await list("limit=101"), 400, 4))).toStrictEqual(["/limit:maximum"]);
      expect(rules(expectError(await list("limit=0"), 400, 4))).toStrictEqual(["/limit:minimum"]);
      expect(rules(expectError(await list("status=lost"), 400, 4))).toStrictEqual(["/status:enum"]);
      expect(rules(expectError(await list("limit=ten"), 400, 5))).toStrictEqual(["/limit:type"]);
      expect(rules(expectError(await list("offset=1.5"), 400, 5))).toStrictEqual(["/offset:type"]);
      // A type violation beats a value violation; both are listed.
      expect(rules(expectError(await list("offset=-1&limit=ten"), 400, 5)).sort()).toStrictEqual(
        ["/limit:type", "/offset:minimum"].sort(),
      );
    });

    it("GET /v1/orders/{id}: 4 for a malformed UUID, 10 when absent or another user's", async () => {
      expect(
        rules(expectError(await call(api.base, "GET", "/v1/orders/42", { token: member }), 400, 4)),
      ).toStrictEqual(["/id:format"]);
      const absent = expectError(
        await call(api.base, "GET", `/v1/orders/${ABSENT}`, { token: member }),
        404,
        10,
      );
      expect(absent.details).toStrictEqual({ resource: "order", id: ABSENT });
      const mine = (await create(NEW_ORDER)).json as { id: string };
      const foreign = expectError(
        await call(api.base, "GET", `/v1/orders/${mine.id}`, { token: admin }),
        404,
        10,
      );
      expect(foreign).toStrictEqual({ ...absent, details: { resource: "order", id: mine.id } });
    });

    it("DELETE /v1/orders/{id}: 204, then 10; another user's order is 10 and stays", async () => {
      const { id } = (await create(NEW_ORDER)).json as { id: string };
      expectError(await call(api.base, "DELETE", `/v1/orders/${id}`, { token: admin }), 404, 10);
      expect((await call(api.base, "GET", `/v1/orders/${id}`, { token: member })).status).toBe(200);
      const deleted = await call(api.base, "DELETE", `/v1/orders/${id}`, { token: member });
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe("");
      expectError(await call(api.base, "GET", `/v1/orders/${id}`, { token: member }), 404, 10);
      expectError(await call(api.base, "DELETE", `/v1/orders/${id}`, { token: member }), 404, 10);
      expectError(await call(api.base, "DELETE", "/v1/orders/nope", { token: member }), 400, 4);
      expectError(await call(api.base, "DELETE", `/v1/orders/${id}`), 401, 6);
    });

    it("PATCH /v1/orders is 405 / 1 with Allow", async () => {
      const answer = await call(api.base, "PATCH", "/v1/orders", { token: member, body: {} });
      const body = expectError(answer, 405, 1);
      expect(body.details).toStrictEqual({ method: "PATCH", allowed: ["GET", "HEAD", "OPTIONS", "POST"] });
      expect(answer.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
      expectError(await call(api.base, "PUT", `/v1/orders/${ABSENT}`), 405, 1);
      const options = await call(api.base, "OPTIONS", "/v1/orders");
      expect(options.status).toBe(204);
      expect(options.headers.get("allow")).toBe("GET, HEAD, OPTIONS, POST");
    });

    it("POST /v1/orders/{id}/refund is documented but not realized: 501 / 2", async () => {
      const answer = await call(api.base, "POST", `/v1/orders/${ABSENT}/refund`, { token: member });
      expect(expectError(answer, 501, 2).details).toMatchObject({ method: "POST" });
    });

    it("GET /v1/admin/users: 200 for admins, 9 for members, 4 / 5 for bad paging", async () => {
      const page = await call(api.base, "GET", "/v1/admin/users", { token: admin });
      expect(page.status).toBe(200);
      const body = page.json as { items: { email: string; roles: string[] }[]; total: number };
      expect(body.items.map((u) => u.email).sort()).toStrictEqual([
        "admin@example.com",
        "member@example.com",
      ]);
      expect(body.items.find((u) => u.email === "admin@example.com")?.roles).toStrictEqual([
        "admin",
        "member",
      ]);
      expect(JSON.stringify(body)).not.toContain("scrypt");
      const denied = expectError(await call(api.base, "GET", "/v1/admin/users", { token: member }), 403, 9);
      expect(denied.details).toStrictEqual({ required: "admin" });
      expectError(await call(api.base, "GET", "/v1/admin/users?limit=500", { token: admin }), 400, 4);
      expectError(await call(api.base, "GET", "/v1/admin/users?offset=x", { token: admin }), 400, 5);
      expectError(await call(api.base, "GET", "/v1/admin/users"), 401, 6);
    });

    it("an unknown path is 404 / 10 naming it; health and readiness are 200", async () => {
      const unknown = expectError(await call(api.base, "GET", "/v2/orders"), 404, 10);
      expect(unknown.details).toStrictEqual({ method: "GET", path: "/v2/orders" });
      expectError(await call(api.base, "GET", `/v1/orders/${ABSENT}/nope`, { token: member }), 404, 10);
      expectError(await call(api.base, "GET", "/docs/secret.txt"), 404, 10);
      expect((await call(api.base, "GET", "/health")).json).toStrictEqual({
        status: "ok",
        database: "ready",
      });
      expect((await call(api.base, "GET", "/ready")).json).toStrictEqual({
        status: "ready",
        database: "ready",
      });
    });

    it("X-Request-Id: a well-formed one is echoed, anything else is replaced by a UUID", async () => {
      const echoed = await call(api.base, "GET", "/health", { headers: { "x-request-id": "abc-123" } });
      expect(echoed.headers.get("x-request-id")).toBe("abc-123");
      const replaced = await call(api.base, "GET", "/nope", { headers: { "x-request-id": "bad id!" } });
      expect(replaced.headers.get("x-request-id")).toMatch(UUID);
    });
  });
});
