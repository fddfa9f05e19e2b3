/**
 * The shared app of nest-app.ts served by a child process of nest11.test.ts, which bundles this file
 * with the shared app into a directory where `@nestjs/*` are NestJS 11 and `api-error-codes` is a copy
 * of the built package: there the adapter's own imports of `@nestjs/*` resolve to 11, and the
 * app's imports of the library resolve to dist/. Usage: `node server.mjs|server.cjs express|fastify`.
 * Prints one JSON line (the port and what was resolved), then serves until SIGTERM.
 */
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname } from "node:path";
import { ConflictException, ForbiddenException } from "@nestjs/common";
import { registerCode } from "../../src/index.js";
import { nestSpecApp } from "./nest-app.js";

/** What the child found installed, from where the built adapter resolves it. */
export interface Nest11Report {
  port: number;
  /** The file `api-error-codes/nest` resolved to (by require: dist/nest.cjs). */
  adapter: string;
  /** `@nestjs/*` versions as the adapter's file resolves them. */
  versions: Record<"common" | "core" | "platformExpress" | "platformFastify", string>;
  /** The directory of `@nestjs/core` as the adapter resolves it. */
  core: string;
  /** The Fastify instance's version under the Fastify platform, undefined under Express. */
  fastify: string | undefined;
}

async function main(): Promise<void> {
  const platform = process.argv[2];
  if (platform !== "express" && platform !== "fastify") throw new Error(`unknown platform ${platform}`);
  const here = createRequire(process.argv[1] as string);
  const adapter = here.resolve("api-error-codes/nest");
  const fromAdapter = createRequire(adapter);
  const version = (name: string) => (fromAdapter(`${name}/package.json`) as { version: string }).version;
  registerCode({ code: 160, name: "ORDER_SHIPPED", status: 409, message: "The order has shipped" });
  const { app } = await nestSpecApp(
    {},
    {
      "/nest/forbidden": () => {
        throw new ForbiddenException();
      },
      // NestJS 11's HttpException has no errorCode option (12 added it): the code comes from the status.
      "/nest/conflict": () => {
        throw new ConflictException("Order already shipped", { errorCode: "ORDER_SHIPPED" });
      },
    },
    platform,
  );
  await app.listen(0, "127.0.0.1");
  const instance = app.getHttpAdapter().getInstance() as { version?: unknown };
  const report: Nest11Report = {
    port: (app.getHttpServer().address() as AddressInfo).port,
    adapter,
    versions: {
      common: version("@nestjs/common"),
      core: version("@nestjs/core"),
      platformExpress: version("@nestjs/platform-express"),
      platformFastify: version("@nestjs/platform-fastify"),
    },
    core: dirname(fromAdapter.resolve("@nestjs/core/package.json")),
    fastify: platform === "fastify" ? String(instance.version) : undefined,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  process.on("SIGTERM", () => {
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
