import type { Hooks, Options as KyOptions } from "ky";
import ky from "ky";
import type { Middleware } from "openapi-fetch";
import { describe, expectTypeOf, it } from "vitest";
import {
  type ApiError,
  type ApiResponse,
  apiErrorMiddleware,
  type ClientApiError,
  createClient,
  type DatabaseDetails,
  type ExternalServiceDetails,
  isResponseError,
  type JsonValue,
  type KnownResponseError,
  kyHooks,
  kyOptions,
  kyShouldRetry,
  type MethodNotAllowedDetails,
  type NetworkError,
  type OperationDetails,
  type ResourceDetails,
  type ResponseError,
  type TimeoutError,
  type ViolationDetails,
} from "../../src/client/index.js";

// The same custom code as test/types.test-d.ts, so that this file stands on its own.
declare module "../../src/details.js" {
  interface ErrorDetailsMap {
    100: { retry_after_seconds: number };
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled: ${String(value)}`);
}

/** Every code handled: compiles only while the switch is exhaustive. */
function describeError(err: ResponseError): string {
  if (!err.known) {
    expectTypeOf(err.code).toEqualTypeOf<number>();
    expectTypeOf(err.details).toEqualTypeOf<JsonValue>();
    return `unknown ${err.code}`;
  }
  switch (err.code) {
    case 0:
      expectTypeOf(err.details).toEqualTypeOf<null>();
      return err.conforming ? "unknown server error" : `non-conforming: ${err.snippet ?? ""}`;
    case 1:
      expectTypeOf(err.details).toEqualTypeOf<MethodNotAllowedDetails>();
      return err.details.allowed.join(", ");
    case 2:
      expectTypeOf(err.details).toEqualTypeOf<OperationDetails>();
      return err.details.path;
    case 3:
    case 4:
    case 5:
      expectTypeOf(err.details).toEqualTypeOf<ViolationDetails>();
      return err.details.violations.map((v) => v.pointer).join();
    case 6:
    case 7:
      expectTypeOf(err.details).toEqualTypeOf<null>();
      return "log in";
    case 8:
      expectTypeOf(err.details).toEqualTypeOf<{ expired_at: string } | null>();
      return err.details?.expired_at ?? "expired";
    case 9:
      expectTypeOf(err.details).toEqualTypeOf<{ required: string } | null>();
      return err.details?.required ?? "forbidden";
    case 10:
      expectTypeOf(err.details).toEqualTypeOf<OperationDetails | ResourceDetails | null>();
      return err.details !== null && "resource" in err.details ? err.details.resource : "not found";
    case 11:
      expectTypeOf(err.details).toEqualTypeOf<ExternalServiceDetails>();
      return err.details.reason;
    case 12:
      expectTypeOf(err.details).toEqualTypeOf<DatabaseDetails>();
      return err.details.reason;
    case 100:
      expectTypeOf(err.details).toEqualTypeOf<{ retry_after_seconds: number }>();
      return String(err.details.retry_after_seconds);
    default:
      return assertNever(err);
  }
}

function missingCase(err: KnownResponseError): string {
  switch (err.code) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
    case 7:
    case 8:
    case 9:
    case 11:
    case 12:
    case 100:
      return "handled";
    default:
      // @ts-expect-error code 10 is not handled, so err is not never here
      return assertNever(err);
  }
}

describe("narrowing", () => {
  it("an exhaustive switch on code narrows details", () => {
    expectTypeOf(describeError).parameter(0).toEqualTypeOf<ResponseError>();
    expectTypeOf(missingCase).returns.toEqualTypeOf<string>();
  });

  it("switching without checking known first does not narrow (unknown codes may be any number)", () => {
    const err = {} as ResponseError;
    if (err.code === 11) {
      // @ts-expect-error details may be an unknown code's JSON here
      expectTypeOf(err.details).toEqualTypeOf<ExternalServiceDetails>();
    }
  });

  it("isResponseError with a code narrows in one step", () => {
    const err: unknown = undefined;
    if (isResponseError(err, 11)) {
      expectTypeOf(err.code).toEqualTypeOf<11>();
      expectTypeOf(err.details).toEqualTypeOf<ExternalServiceDetails>();
      expectTypeOf(err.retryAfterMs).toEqualTypeOf<number | undefined>();
    }
    if (isResponseError(err)) {
      expectTypeOf(err).toEqualTypeOf<ResponseError>();
      expectTypeOf(err.requestId).toEqualTypeOf<string | undefined>();
      expectTypeOf(err.problems).toEqualTypeOf<readonly string[]>();
    }
    // @ts-expect-error 57 is not a code the types know
    isResponseError(err, 57);
  });

  it("client errors are ApiErrors; network failures and timeouts are not", () => {
    // ApiError's default parameter is the union of known codes; an unknown code is no part of it.
    expectTypeOf<KnownResponseError>().toExtend<ApiError>();
    expectTypeOf<ResponseError>().toExtend<Error & { code: number; status: number; details: unknown }>();
    expectTypeOf<ClientApiError<10>>().toExtend<ApiError<10>>();
    expectTypeOf<NetworkError>().not.toExtend<ApiError<number>>();
    expectTypeOf<TimeoutError>().not.toExtend<ApiError<number>>();
  });
});

describe("client", () => {
  it("types responses by the caller's T", () => {
    const api = createClient({ baseUrl: "http://localhost" });
    expectTypeOf(api.get<{ id: string }>("/me")).toEqualTypeOf<Promise<{ id: string }>>();
    expectTypeOf(api.post<{ id: string }>("/orders", { item: "tea" })).toEqualTypeOf<
      Promise<{ id: string }>
    >();
    expectTypeOf(api.request<number>("GET", "/n")).toEqualTypeOf<Promise<ApiResponse<number>>>();
    expectTypeOf(api.get("/x")).toEqualTypeOf<Promise<unknown>>();
  });

  it("accepts the global fetch and rejects nonsense options", () => {
    createClient({ fetch: globalThis.fetch, retry: false, timeout: false });
    createClient({ token: "t", refresh: async () => "new" });
    createClient({ getToken: async () => null, refresh: () => undefined });
    // @ts-expect-error attempts is a number
    createClient({ retry: { attempts: "3" } });
  });
});

describe("adapters fit the libraries' own types", () => {
  it("ky: hooks and options", () => {
    expectTypeOf(kyHooks()).toExtend<Hooks>();
    expectTypeOf(kyOptions()).toExtend<Pick<KyOptions, "hooks" | "retry">>();
    expectTypeOf(kyShouldRetry()).toExtend<
      NonNullable<Exclude<KyOptions["retry"], number | undefined>["shouldRetry"]>
    >();
    ky.create({ prefixUrl: "http://localhost", hooks: kyHooks() });
    ky.create({ prefixUrl: "http://localhost", ...kyOptions() });
    ky.create({
      prefixUrl: "http://localhost",
      hooks: kyHooks(),
      retry: { limit: 3, methods: ["get"], shouldRetry: kyShouldRetry(({ retryCount }) => retryCount < 2) },
    });
  });

  it("openapi-fetch: the middleware", () => {
    expectTypeOf(apiErrorMiddleware()).toExtend<Middleware>();
    const middleware: Middleware = apiErrorMiddleware();
    expectTypeOf(middleware).toEqualTypeOf<Middleware>();
  });
});
