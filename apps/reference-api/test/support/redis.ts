/** Redis for the shared-throttling tests: the local server, or skipped loudly when absent. */
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
  } catch {
    console.warn(
      `\n!!!!!!!! Redis is not reachable at ${REDIS_URL}: SKIPPING the shared-throttling tests !!!!!!!!\n`,
    );
    return false;
  } finally {
    redis.disconnect();
  }
}
