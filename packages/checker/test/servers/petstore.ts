/**
 * A Petstore server implementing test/specs/petstore/openapi.yaml with the library's node:http
 * adapter (pets and orders in memory), conforming; and its seeded defects. Its schemas are
 * written here from the spec, not derived by the checker's code, so the two are independent.
 * The spec lets GET /pet/{petId} and /store/inventory take the `api_key` header: the server reads
 * it as the same token as `Authorization: Bearer`.
 */
import type { IncomingMessage } from "node:http";
import { ApiError, type Principal } from "api-error-codes";
import { createApi } from "api-error-codes/node";
import { type Hooks, type Running, sendError, serve, TOKENS } from "./serve.js";

const PET = {
  type: "object",
  required: ["name", "photoUrls"],
  properties: {
    id: { type: "integer" },
    name: { type: "string" },
    category: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" } } },
    photoUrls: { type: "array", items: { type: "string" } },
    tags: {
      type: "array",
      items: { type: "object", properties: { id: { type: "integer" }, name: { type: "string" } } },
    },
    status: { type: "string", enum: ["available", "pending", "sold"] },
  },
} as const;

const ORDER = {
  type: "object",
  properties: {
    id: { type: "integer" },
    petId: { type: "integer" },
    quantity: { type: "integer", minimum: -2147483648, maximum: 2147483647 },
    shipDate: { type: "string", format: "date-time" },
    status: { type: "string", enum: ["placed", "approved", "delivered"] },
    complete: { type: "boolean" },
  },
} as const;

const idParams = (name: string) =>
  ({ type: "object", required: [name], properties: { [name]: { type: "integer" } } }) as const;

/** The defects a checker must find in a Petstore server. */
export const PETSTORE_DEFECTS = {
  /** GET /pet/findByStatus takes any status. */
  "status-unchecked": {},
  /** A petId of the wrong type answers 400/4 instead of 400/5. */
  "pet-id-type-as-value": {},
  /** GET /store/inventory needs no credentials. */
  "inventory-open": {},
  /** An absent order answers 500/0 instead of 404/10. */
  "order-lookup-500": {},
  /** A pet without a name is accepted. */
  "pet-name-optional": {},
} as const;
export type PetstoreDefect = keyof typeof PETSTORE_DEFECTS;

/** Reads `api_key` as a bearer token: the spec offers both schemes on the same operations. */
function apiKeyAsBearer(req: IncomingMessage): void {
  const key = req.headers.api_key;
  if (typeof key !== "string" || req.headers.authorization !== undefined) return;
  // node builds `headers` and `headersDistinct` together, from the raw list: set all three.
  req.headers.authorization = `Bearer ${key}`;
  req.headersDistinct.authorization = [`Bearer ${key}`];
  req.rawHeaders.push("Authorization", `Bearer ${key}`);
}

/** Starts the Petstore on 127.0.0.1: conforming without `defect`. */
export async function startPetstore(defect?: PetstoreDefect): Promise<Running> {
  const api = createApi<Principal>({ auth: { lookup: (token: string) => TOKENS[token] }, logger: false });
  const pets = new Map<number, Record<string, unknown>>();
  const orders = new Map<number, Record<string, unknown>>();
  let next = 1;
  const base = "/api/v3";
  const auth = { auth: true } as const;
  const pet = defect === "pet-name-optional" ? { ...PET, required: ["photoUrls"] } : PET;
  const status =
    defect === "status-unchecked"
      ? { type: "string" }
      : { type: "string", enum: ["available", "pending", "sold"], default: "available" };

  api.post(`${base}/pet`, { ...auth, schema: { body: pet } }, ({ body }) => {
    const created = { ...(body as Record<string, unknown>), id: next++ };
    pets.set(created.id, created);
    return created as never;
  });
  api.put(`${base}/pet`, { ...auth, schema: { body: pet } }, ({ body }) => {
    const id = (body as { id?: number }).id;
    if (id === undefined || !pets.has(id)) throw ApiError.notExist({ resource: "pet", id: String(id) });
    pets.set(id, body as Record<string, unknown>);
    return body as never;
  });
  api.get(
    `${base}/pet/findByStatus`,
    { ...auth, schema: { query: { type: "object", properties: { status } } } },
    ({ query }) => [...pets.values()].filter((p) => p.status === (query.status ?? "available")) as never,
  );
  const findPet = (id: unknown) => {
    const found = pets.get(Number(id));
    if (found === undefined) throw ApiError.notExist({ resource: "pet", id: String(id) });
    return found;
  };
  api.get(
    `${base}/pet/:petId`,
    { ...auth, schema: { params: idParams("petId") } },
    ({ params }) => findPet(params.petId) as never,
  );
  api.delete(`${base}/pet/:petId`, { ...auth, schema: { params: idParams("petId") } }, ({ params }) => {
    pets.delete(Number(findPet(params.petId).id));
    return { deleted: true };
  });
  const inventory = defect === "inventory-open" ? {} : auth;
  api.get(`${base}/store/inventory`, inventory, () => {
    const counts: Record<string, number> = {};
    for (const p of pets.values()) counts[String(p.status)] = (counts[String(p.status)] ?? 0) + 1;
    return counts;
  });
  api.post(`${base}/store/order`, { schema: { body: ORDER } }, ({ body }) => {
    const created = { ...(body as Record<string, unknown>), id: next++ };
    orders.set(created.id, created);
    return created as never;
  });
  const findOrder = (id: unknown) => {
    const found = orders.get(Number(id));
    if (found === undefined) throw ApiError.notExist({ resource: "order", id: String(id) });
    return found;
  };
  const orderParams = { schema: { params: idParams("orderId") } };
  api.get(`${base}/store/order/:orderId`, orderParams, ({ params }) => findOrder(params.orderId) as never);
  api.delete(`${base}/store/order/:orderId`, orderParams, ({ params }) => {
    orders.delete(Number(findOrder(params.orderId).id));
    return { deleted: true };
  });

  const hooks: Hooks = {
    intercept: (req, res) => {
      apiKeyAsBearer(req);
      const lookup = /^\/api\/v3\/store\/order\/(\d+)$/.exec(req.url ?? "");
      const handled = req.method === "GET" || req.method === "DELETE";
      if (defect === "order-lookup-500" && handled && lookup !== null && !orders.has(Number(lookup[1]))) {
        sendError(req, res, 500, 0, null);
        return true;
      }
      return false;
    },
    ...(defect === "pet-id-type-as-value"
      ? {
          rewrite: (req, status, body) =>
            body.error_code === 5 && /^\/api\/v3\/pet\/[^/]+$/.test(req.url ?? "")
              ? { status, body: { ...body, error_code: 4 } }
              : undefined,
        }
      : {}),
  };
  return serve(api, hooks);
}
