/**
 * The NestJS adapter (Nest 12 on its Express platform): the shared scenario table gives the same
 * answers as on every other adapter, and Nest's own exceptions keep the contract.
 */
import type { AddressInfo } from "node:net";
import type { INestApplication } from "@nestjs/common";
import { Body, ConflictException, Controller, ForbiddenException, Module, Post } from "@nestjs/common";
import { NestFactory } from "@nestjs/core";
import { IsInt, IsString, Min, MinLength } from "class-validator";
import type { FastifyReply } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiErrorCodes, ValidationPipe } from "../../src/adapters/nest/index.js";
import { registerCode } from "../../src/index.js";
import { check, overHttp, type Send } from "./harness.js";
import { nestSpecApp } from "./nest-app.js";
import { scenarios } from "./scenarios.js";

registerCode({ code: 160, name: "ORDER_SHIPPED", status: 409, message: "The order has shipped" });

describe.each(["express", "fastify"] as const)("nest 12, %s platform", (platform) => {
  let app: INestApplication;
  let send: Send;

  beforeAll(async () => {
    ({ app } = await nestSpecApp(
      {},
      {
        "/nest/conflict": () => {
          throw new ConflictException("Order already shipped", { errorCode: "ORDER_SHIPPED" });
        },
        "/nest/forbidden": () => {
          throw new ForbiddenException();
        },
        "/nest/own-html": (res) => {
          const html = "<h1>TypeError at /srv/app/orders.js:12</h1>";
          if ("json" in res) res.status(500).type("html").send(html);
          else (res as unknown as FastifyReply).code(500).type("text/html").send(html);
        },
      },
      platform,
    ));
    await app.listen(0, "127.0.0.1");
    send = overHttp((app.getHttpServer().address() as AddressInfo).port);
  });
  afterAll(() => app.close());

  it.each(scenarios.map((s) => [s.name, s] as const))("%s", async (_scenario, scenario) => {
    check(scenario, await send(scenario));
  });

  it("maps NestJS 12's errorCode to the registered code of that name", async () => {
    const answer = await send({
      name: "conflict",
      method: "GET",
      path: "/nest/conflict",
      expect: { status: 409 },
    });
    expect(answer.status).toBe(409);
    expect(JSON.parse(answer.text)).toStrictEqual({
      error_code: 160,
      error_message: "Order already shipped",
      details: null,
    });
  });

  it("judges an error reply a handler writes itself (@Res())", async () => {
    const answer = await send({
      name: "own html",
      method: "GET",
      path: "/nest/own-html",
      expect: { status: 500 },
    });
    expect(answer.status).toBe(500);
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(answer.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(answer.text)).toStrictEqual({
      error_code: 0,
      error_message: "Unknown server side error occurred",
      details: null,
    });
  });

  it("answers Nest's HttpExceptions by their status", async () => {
    const answer = await send({
      name: "forbidden",
      method: "GET",
      path: "/nest/forbidden",
      expect: { status: 403 },
    });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error_code: 9 });
  });
});

describe("nest: class-validator DTOs through the adapter's ValidationPipe", () => {
  class NewNote {
    @IsString()
    @MinLength(3)
    title!: string;

    @IsInt()
    @Min(1)
    priority!: number;
  }

  @Controller("notes")
  class NotesController {
    // esbuild emits no design:paramtypes, so the DTO is named (tsc with emitDecoratorMetadata needs no expectedType).
    @Post()
    create(
      @Body(new ValidationPipe({ expectedType: NewNote, whitelist: true, forbidNonWhitelisted: true }))
      note: NewNote,
    ) {
      return note;
    }
  }

  @Module({ controllers: [NotesController] })
  class NotesModule {}

  let app: INestApplication;
  let base: string;
  beforeAll(async () => {
    app = await NestFactory.create(NotesModule, { bodyParser: false, logger: false });
    apiErrorCodes(app, { logger: false });
    await app.listen(0, "127.0.0.1");
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const post = async (body: string) => {
    const response = await fetch(`${base}/notes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    return { status: response.status, body: await response.json() };
  };

  it("passes a valid DTO", async () => {
    expect(await post('{"title":"milk","priority":2}')).toStrictEqual({
      status: 201,
      body: { title: "milk", priority: 2 },
    });
  });

  it("answers each broken constraint as a violation with its pointer", async () => {
    const { status, body } = await post('{"title":"ab","priority":"high","extra":1}');
    expect(status).toBe(400);
    expect(body.error_code).toBe(3);
    expect(
      body.details.violations.map((v: { pointer: string; rule: string }) => [v.pointer, v.rule]),
    ).toStrictEqual([
      ["/extra", "additionalProperties"],
      ["/title", "minLength"],
      ["/priority", "minimum"],
      ["/priority", "type"],
    ]);
  });
});

describe("nest: an app that kept Nest's body parser", () => {
  it.each(["express", "fastify"] as const)(
    "answers 500 / 0 and logs how to fix it (%s)",
    async (platform) => {
      const logged: string[] = [];
      const logger = { info: () => {}, error: (entry: object) => logged.push(JSON.stringify(entry)) };
      const { app } = await nestSpecApp({ logger }, {}, platform, true);
      await app.listen(0, "127.0.0.1");
      try {
        const port = (app.getHttpServer().address() as AddressInfo).port;
        const response = await fetch(`http://127.0.0.1:${port}/items`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: "Bearer member-token" },
          body: '{"name":"pear","quantity":1}',
        });
        expect(response.status).toBe(500);
        expect(await response.json()).toStrictEqual({
          error_code: 0,
          error_message: "Unknown server side error occurred",
          details: null,
        });
        expect(logged.some((line) => line.includes("{ bodyParser: false }"))).toBe(true);
      } finally {
        await app.close();
      }
    },
  );
});
