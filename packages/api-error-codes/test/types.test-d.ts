import { describe, expectTypeOf, it } from "vitest";
import {
  ApiError,
  type BuiltinCode,
  type BuiltinStatusOf,
  type DatabaseDetails,
  type DatabaseReason,
  type DetailsOf,
  type ErrorBody,
  ErrorCode,
  type ExternalServiceDetails,
  type ExternalServiceReason,
  isApiError,
  type JsonValue,
  type KnownCode,
  type MethodNotAllowedDetails,
  type OperationDetails,
  type ResourceDetails,
  type Violation,
  type ViolationDetails,
  type ViolationLocation,
} from "../src/index.js";

declare module "../src/index.js" {
  interface ErrorDetailsMap {
    100: { retry_after_seconds: number };
  }
}

describe("public unions", () => {
  it("pins the built-in codes and their statuses", () => {
    expectTypeOf<BuiltinCode>().toEqualTypeOf<0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12>();
    expectTypeOf<BuiltinStatusOf<3>>().toEqualTypeOf<400 | 408 | 413 | 415 | 431>();
    expectTypeOf<BuiltinStatusOf<11>>().toEqualTypeOf<502 | 503 | 504>();
    expectTypeOf(ErrorCode.AUTH_EXPIRED).toEqualTypeOf<8>();
  });

  it("gives every code its details shape", () => {
    expectTypeOf<DetailsOf<0>>().toEqualTypeOf<null>();
    expectTypeOf<DetailsOf<1>>().toEqualTypeOf<{ method: string; allowed: string[] }>();
    expectTypeOf<DetailsOf<3>>().toEqualTypeOf<{ violations: Violation[] }>();
    expectTypeOf<DetailsOf<8>>().toEqualTypeOf<{ expired_at: string } | null>();
    expectTypeOf<DetailsOf<11>>().toEqualTypeOf<ExternalServiceDetails>();
    expectTypeOf<DetailsOf<12>["reason"]>().toEqualTypeOf<"unavailable" | "conflict" | "failure">();
  });

  it("includes codes merged by an application", () => {
    expectTypeOf<100>().toMatchTypeOf<KnownCode>();
    expectTypeOf<DetailsOf<100>>().toEqualTypeOf<{ retry_after_seconds: number }>();
  });
});

describe("details types derived from the schema table", () => {
  it("keep the exact shapes they had when they were written by hand", () => {
    type Location = "body" | "query" | "path" | "header";
    expectTypeOf<ViolationLocation>().toEqualTypeOf<Location>();
    expectTypeOf<Violation>().toEqualTypeOf<{
      in: Location;
      pointer: string;
      rule: string;
      message: string;
      expected?: JsonValue;
    }>();
    expectTypeOf<ViolationDetails>().toEqualTypeOf<{ violations: Violation[] }>();
    expectTypeOf<MethodNotAllowedDetails>().toEqualTypeOf<{ method: string; allowed: string[] }>();
    expectTypeOf<OperationDetails>().toEqualTypeOf<{ method: string; path: string }>();
    expectTypeOf<ResourceDetails>().toEqualTypeOf<{ resource: string; id: string }>();
    expectTypeOf<ExternalServiceReason>().toEqualTypeOf<
      "timeout" | "unavailable" | "bad_response" | "circuit_open"
    >();
    expectTypeOf<ExternalServiceDetails>().toEqualTypeOf<{
      service: string;
      reason: ExternalServiceReason;
    }>();
    expectTypeOf<DatabaseReason>().toEqualTypeOf<"unavailable" | "conflict" | "failure">();
    expectTypeOf<DatabaseDetails>().toEqualTypeOf<{ reason: DatabaseReason }>();
  });

  it("give every built-in code the details it had", () => {
    expectTypeOf<DetailsOf<2>>().toEqualTypeOf<OperationDetails>();
    expectTypeOf<DetailsOf<4>>().toEqualTypeOf<ViolationDetails>();
    expectTypeOf<DetailsOf<5>>().toEqualTypeOf<ViolationDetails>();
    expectTypeOf<DetailsOf<6>>().toEqualTypeOf<null>();
    expectTypeOf<DetailsOf<7>>().toEqualTypeOf<null>();
    expectTypeOf<DetailsOf<9>>().toEqualTypeOf<{ required: string } | null>();
    expectTypeOf<DetailsOf<10>>().toEqualTypeOf<OperationDetails | ResourceDetails | null>();
    expectTypeOf<DetailsOf<12>>().toEqualTypeOf<DatabaseDetails>();
    expectTypeOf<DetailsOf<13>>().toEqualTypeOf<JsonValue>();
  });
});

describe("narrowing", () => {
  it("narrows details with isApiError(value, code)", () => {
    const value: unknown = null;
    if (isApiError(value, 11)) {
      expectTypeOf(value.details.reason).toEqualTypeOf<ExternalServiceDetails["reason"]>();
      expectTypeOf(value.toJSON()).toEqualTypeOf<ErrorBody<11>>();
    }
    if (isApiError(value, 100)) expectTypeOf(value.details.retry_after_seconds).toBeNumber();
  });

  it("narrows details in an exhaustive switch on code", () => {
    const describe = (error: ApiError<0 | 1 | 10>): string => {
      switch (error.code) {
        case 0:
          return "unknown";
        case 1:
          return (error as ApiError<1>).details.allowed.join();
        case 10:
          return "missing";
        default: {
          const never: never = error.code;
          return never;
        }
      }
    };
    expectTypeOf(describe).returns.toBeString();
  });

  it("types factories precisely", () => {
    expectTypeOf(ApiError.fromViolations([])).toEqualTypeOf<ApiError<3 | 4 | 5>>();
    expectTypeOf(ApiError.notExist().details).toEqualTypeOf<DetailsOf<10>>();
  });

  it("rejects wrong details and statuses at compile time", () => {
    // @ts-expect-error details of 12 need a reason from the union
    new ApiError(12, { reason: "gone" });
    // @ts-expect-error 404 is not a status of code 3
    ApiError.invalidStructure([], { status: 404 });
    // @ts-expect-error 11 needs a service
    ApiError.externalService({ reason: "timeout" });
    new ApiError(100, { retry_after_seconds: 3 }, { status: 429 });
  });
});
