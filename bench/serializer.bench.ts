/**
 * Micro-benchmark: the wire serializer against JSON.stringify of the same body, in one run.
 * Prints ops/s (median of interleaved rounds) and the ratio; `--quick` runs fewer rounds, `--json`
 * adds one `SERJSON {...}` line for bench/run.ts.
 */
import { ApiError, serializeError } from "api-error-codes";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const ITERATIONS = quick ? 100_000 : 1_000_000;

const cases: [string, ApiError<number>][] = [
  ["404 not exist (null details)", ApiError.notExist()],
  ["404 resource", ApiError.notExist({ resource: "order", id: "3f1c2b9e-6a4d-4f5e-9b8a-1c2d3e4f5a6b" })],
  [
    "400 three violations",
    ApiError.fromViolations([
      { in: "body", pointer: "/quantity", rule: "minimum", message: "must be >= 1", expected: 1 },
      { in: "body", pointer: "/currency", rule: "pattern", message: 'must match pattern "^[A-Z]{3}$"' },
      { in: "query", pointer: "/limit", rule: "maximum", message: "must be <= 100", expected: 100 },
    ]),
  ],
  ["405 not allowed", ApiError.notAllowed({ method: "PATCH", allowed: ["GET", "HEAD", "OPTIONS", "POST"] })],
  ["503 external service", ApiError.externalService({ service: "rates", reason: "circuit_open" })],
];

let sink = 0;
function opsPerSecond(fn: () => string): number {
  const start = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i++) {
    // Reading a character flattens a concatenated string, as writing it to a socket would.
    const text = fn();
    sink += text.charCodeAt(text.length - 1);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return ITERATIONS / seconds;
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (n: number) => `${(n / 1e6).toFixed(2)}M`;

console.log(`serializer vs JSON.stringify: ${ROUNDS} interleaved rounds x ${ITERATIONS} ops, median ops/s`);
console.log(
  `${"case".padEnd(30)} ${"serializer".padStart(11)} ${"stringify".padStart(11)} ${"ratio".padStart(6)}`,
);
const ratios: number[] = [];
const results: { name: string; serializer_ops: number; stringify_ops: number; ratio: number }[] = [];
for (const [name, error] of cases) {
  // The baseline is the plain body object, built once, so JSON.stringify pays for no toJSON() call.
  const body = error.toJSON();
  if (serializeError(error) !== JSON.stringify(body)) throw new Error(`${name}: serializer output differs`);
  const ours: number[] = [];
  const theirs: number[] = [];
  opsPerSecond(() => serializeError(error));
  opsPerSecond(() => JSON.stringify(body));
  for (let round = 0; round < ROUNDS; round++) {
    ours.push(opsPerSecond(() => serializeError(error)));
    theirs.push(opsPerSecond(() => JSON.stringify(body)));
  }
  const ratio = median(ours) / median(theirs);
  ratios.push(ratio);
  results.push({ name, serializer_ops: median(ours), stringify_ops: median(theirs), ratio });
  console.log(
    `${name.padEnd(30)} ${format(median(ours)).padStart(11)} ${format(median(theirs)).padStart(11)} ${ratio.toFixed(2).padStart(5)}x`,
  );
}
console.log(`lowest ratio: ${Math.min(...ratios).toFixed(2)}x (checksum ${sink % 1000})`);
if (process.argv.includes("--json")) {
  console.log(`SERJSON ${JSON.stringify({ cases: results, lowest_ratio: Math.min(...ratios) })}`);
}
