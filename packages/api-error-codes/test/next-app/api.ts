// The shared application of test/adapters/app.ts on the fetch adapter, as a Next.js app serves it.
import { createApi, reply } from "../../src/adapters/fetch/index.js";
import { lookup, openapi, routes } from "../adapters/app.js";

export const api = createApi({ auth: { lookup }, openapi, logger: false });
for (const route of routes) {
  api.route(route.method, route.path, route.contract, async (context) => {
    const answer = await route.handler(context);
    return reply(answer.status, answer.body as never, answer.headers);
  });
}
