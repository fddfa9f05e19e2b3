/**
 * Memory under error responses: an adapter server answers a warm-up of error requests (200k: RSS
 * settles only after some 250k answers, as code is compiled and pools fill), then 1M more
 * (404, 405, 400, 401 and 500 in turn, over loopback, wrk pinned to the other CPU); its RSS after a
 * full GC is compared before and after the million. Growth under 10 % means nothing accumulates
 * per error (caches, listeners, log buffers).
 *
 * `node --import tsx bench/rss.ts [--quick] [--servers fastify-contract,...] [--responses N]`
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  buildServers,
  ensureLoadGenerator,
  type LoadGenerator,
  rssBytes,
  runLoad,
  startServer,
} from "./lib.js";

export interface RssCase {
  server: string;
  responses: number;
  warmup_responses: number;
  rss_after_warmup: number;
  rss_after: number;
  heap_used_after_warmup: number;
  heap_used_after: number;
  growth_pct: number;
  seconds: number;
  /** RSS (no GC forced) after each chunk of the measured run: [responses so far, bytes]. */
  trajectory: [number, number][];
}

export interface RssResult {
  cases: RssCase[];
}

export interface RssOptions {
  quick: boolean;
  generator: LoadGenerator;
  log: (line: string) => void;
  servers?: string[];
  responses?: number;
}

export async function runRss(options: RssOptions): Promise<RssResult> {
  // One adapter, the one the reference API runs on; `--servers` measures others.
  const names = options.servers ?? ["fastify-contract"];
  const total = options.responses ?? (options.quick ? 60_000 : 1_000_000);
  const warmupTotal = options.quick ? 20_000 : 200_000;
  const chunk = options.quick ? 1 : 5;
  const outdir = await buildServers();
  const cases: RssCase[] = [];
  for (const name of names) {
    const server = await startServer(join(outdir, `${name}.mjs`), name, { nodeArgs: ["--expose-gc"] });
    try {
      const url = `http://127.0.0.1:${server.port}/`;
      const route = { method: "GET", script: "mixed.lua" };
      const trajectory: [number, number][] = [];
      const drive = async (count: number, record: boolean): Promise<number> => {
        let done = 0;
        while (done < count) {
          const result = await runLoad({
            url,
            route,
            seconds: chunk,
            connections: 32,
            generator: options.generator,
            scriptArgs: ["errors"],
          });
          if (result.statusErrors !== result.requests)
            throw new Error(`${name}: a non-error answer in the error mix`);
          done += result.requests;
          if (record) trajectory.push([done, rssBytes(server.pid)]);
        }
        return done;
      };
      const warm = await drive(warmupTotal, false);
      const before = await server.memory();
      const t0 = Date.now();
      const answered = await drive(total, true);
      const after = await server.memory();
      const growth = ((after.rss - before.rss) / before.rss) * 100;
      const item: RssCase = {
        server: name,
        responses: answered,
        warmup_responses: warm,
        rss_after_warmup: before.rss,
        rss_after: after.rss,
        heap_used_after_warmup: before.heapUsed,
        heap_used_after: after.heapUsed,
        growth_pct: growth,
        seconds: (Date.now() - t0) / 1000,
        trajectory,
      };
      cases.push(item);
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;
      options.log(
        `  ${name}: ${answered} error responses in ${item.seconds.toFixed(0)} s: RSS ${mb(before.rss)} -> ${mb(after.rss)} ` +
          `(${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %), heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`,
      );
    } finally {
      await server.stop();
    }
  }
  return { cases };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      servers: { type: "string" },
      responses: { type: "string" },
    },
  });
  const log = (line: string) => console.log(line);
  const result = await runRss({
    quick: values.quick === true,
    generator: ensureLoadGenerator(log),
    log,
    ...(values.servers === undefined ? {} : { servers: values.servers.split(",") }),
    ...(values.responses === undefined ? {} : { responses: Number(values.responses) }),
  });
  console.log(JSON.stringify(result, null, 2));
}
