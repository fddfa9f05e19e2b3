/** Redis for the shared-throttling tests: the local server, or skipped loudly when absent (a failure under REQUIRE_SERVICES=1). */
import { Redis } from "ioredis";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

export async function redisAvailable(): Promise<boolean> {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch (error) {
    const message = `Redis is not reachable at ${REDIS_URL}`;
    // CI starts Redis (.ci/run): there a skip would prove nothing.
    if (process.env.REQUIRE_SERVICES === "1")
      throw new Error(`${message} and REQUIRE_SERVICES=1`, { cause: error });
    console.warn(`\n!!!!!!!! ${message}: SKIPPING the shared-throttling tests !!!!!!!!\n`);
    return false;
  } finally {
    redis.disconnect();
  }
}
