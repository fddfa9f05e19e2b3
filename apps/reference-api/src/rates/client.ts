/**
 * The client of the external rates service. It trusts nothing it gets back: a timeout is 504 / 11,
 * a failure or an answer that is not the expected JSON is 502 / 11, and an upstream's own status
 * (its 401 in particular) is never passed on to our client. Calls go through a circuit breaker.
 */
import { ApiError, withUpstream } from "api-error-codes";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { CircuitBreaker } from "./circuit-breaker.js";

export interface Rates {
  base: string;
  as_of: string;
  /** Units of each currency for one unit of `base`. */
  rates: Record<string, number>;
}

export interface RatesClientOptions {
  url: string;
  timeoutMs: number;
  circuitThreshold: number;
  circuitResetMs: number;
  clock: Clock;
  logger: Logger;
}

const SERVICE = "rates";
/** An honest rates table is a few kilobytes. */
const MAX_BYTES = 256 * 1024;
const CODE = /^[A-Z]{3}$/;

function badResponse(message: string): ApiError<11> {
  return ApiError.externalService({ service: SERVICE, reason: "bad_response" }, { message });
}

/** The body as {@link Rates}, or 502 / 11 `bad_response`. */
function parseRates(text: string): Rates {
  const body = JSON.parse(text) as unknown; // a SyntaxError is classified as bad_response
  if (typeof body !== "object" || body === null) throw badResponse("rates: body is not an object");
  const { base, as_of: asOf, rates } = body as Record<string, unknown>;
  if (typeof base !== "string" || !CODE.test(base)) throw badResponse("rates: no valid base");
  if (typeof asOf !== "string" || Number.isNaN(Date.parse(asOf))) throw badResponse("rates: no valid as_of");
  if (typeof rates !== "object" || rates === null || Array.isArray(rates)) {
    throw badResponse("rates: no rates object");
  }
  const out: Record<string, number> = Object.create(null);
  for (const [code, rate] of Object.entries(rates)) {
    if (!CODE.test(code) || typeof rate !== "number" || !Number.isFinite(rate) || rate <= 0) {
      throw badResponse(`rates: invalid entry for ${code.slice(0, 8)}`);
    }
    out[code] = rate;
  }
  return { base, as_of: asOf, rates: out };
}

export class RatesClient {
  readonly circuit: CircuitBreaker;

  constructor(private readonly options: RatesClientOptions) {
    this.circuit = new CircuitBreaker({
      service: SERVICE,
      threshold: options.circuitThreshold,
      resetMs: options.circuitResetMs,
      clock: options.clock,
      onChange: (state) => options.logger.warn({ service: SERVICE, state }, "rates circuit changed state"),
    });
  }

  /** The current table, through the circuit breaker. */
  latest(): Promise<Rates> {
    // withUpstream classifies whatever the call throws: a timeout becomes 504, anything it does not
    // recognise 502 bad_response, and an upstream's own status never passes through.
    return this.circuit.run(() => withUpstream(SERVICE, () => this.#fetch()));
  }

  async #fetch(): Promise<Rates> {
    // The timeout covers the whole exchange, body included.
    const response = await fetch(`${this.options.url}/v1/rates`, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(this.options.timeoutMs),
      redirect: "error",
    });
    if (!response.ok) {
      await response.body?.cancel();
      // 5xx: the service is failing; anything else (401, 404, ...) is an answer we cannot use.
      const reason = response.status >= 500 ? "unavailable" : "bad_response";
      throw ApiError.externalService(
        { service: SERVICE, reason },
        { message: `rates answered ${response.status}` },
      );
    }
    const length = Number(response.headers.get("content-length") ?? 0);
    if (length > MAX_BYTES) {
      await response.body?.cancel();
      throw badResponse("rates: body too large");
    }
    const text = await response.text();
    if (text.length > MAX_BYTES) throw badResponse("rates: body too large");
    return parseRates(text);
  }
}
