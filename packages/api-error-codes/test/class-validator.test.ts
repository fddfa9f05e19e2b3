/**
 * class-validator's ValidationError[] (what NestJS's ValidationPipe sees) -> violations, with the
 * real class-validator and class-transformer: nested `children` give RFC 6901 pointers, rules map to
 * 3 / 5 / 4 by their JSON Schema twin. Decorators are applied as plain calls, as TypeScript's legacy
 * decorators would.
 */
import "reflect-metadata";
import { plainToInstance, Type } from "class-transformer";
import {
  IsEmail,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateNested,
  validate,
} from "class-validator";
import { describe, expect, it } from "vitest";
import { ApiError, fromClassValidatorErrors } from "../src/index.js";

class Line {
  sku!: string;
  quantity!: number;
}
IsString()(Line.prototype, "sku");
IsInt()(Line.prototype, "quantity");
Min(1)(Line.prototype, "quantity");

class CreateOrder {
  item!: string;
  email!: string;
  code?: string;
  lines!: Line[];
}
IsNotEmpty()(CreateOrder.prototype, "item");
MaxLength(10)(CreateOrder.prototype, "item");
IsEmail()(CreateOrder.prototype, "email");
IsOptional()(CreateOrder.prototype, "code");
Length(2, 4)(CreateOrder.prototype, "code");
ValidateNested({ each: true })(CreateOrder.prototype, "lines");
Type(() => Line)(CreateOrder.prototype, "lines");

async function violationsOf(body: object) {
  const errors = await validate(plainToInstance(CreateOrder, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
  });
  return fromClassValidatorErrors(errors);
}

describe("fromClassValidatorErrors", () => {
  it("nested children get pointers; absent and forbidden members are 3", async () => {
    const violations = await violationsOf({
      item: "a very long item name",
      lines: [
        { sku: 5, quantity: 0 },
        { sku: "tea", quantity: 2.5 },
      ],
      colour: "red",
    });
    // class-validator reports the forbidden member before the declared ones.
    expect(violations).toStrictEqual([
      { in: "body", pointer: "/colour", rule: "additionalProperties", message: "is not an allowed property" },
      {
        in: "body",
        pointer: "/item",
        rule: "maxLength",
        message: "item must be shorter than or equal to 10 characters",
      },
      { in: "body", pointer: "/email", rule: "required", message: "is required" },
      {
        in: "body",
        pointer: "/lines/0/sku",
        rule: "type",
        message: "sku must be a string",
        expected: "string",
      },
      {
        in: "body",
        pointer: "/lines/0/quantity",
        rule: "minimum",
        message: "quantity must not be less than 1",
      },
      {
        in: "body",
        pointer: "/lines/1/quantity",
        rule: "type",
        message: "quantity must be an integer number",
        expected: "integer",
      },
    ]);
    const error = ApiError.fromViolations(violations);
    expect([error.code, error.status, error.message]).toStrictEqual([
      3,
      400,
      "Invalid request: body /colour: is not an allowed property (and 5 more)",
    ]);
  });

  it("types decide 5 over values; an empty string is a value (4), not a missing member", async () => {
    const typed = await violationsOf({
      item: "tea",
      email: "a@example.com",
      lines: [{ sku: "x", quantity: "2" }],
    });
    expect(ApiError.fromViolations(typed).toJSON()).toStrictEqual({
      error_code: 5,
      error_message:
        "Invalid request: body /lines/0/quantity: quantity must be an integer number (and 1 more)",
      details: {
        violations: [
          {
            in: "body",
            pointer: "/lines/0/quantity",
            rule: "type",
            message: "quantity must be an integer number",
            expected: "integer",
          },
          {
            in: "body",
            pointer: "/lines/0/quantity",
            rule: "minimum",
            message: "quantity must not be less than 1",
          },
        ],
      },
    });
    const values = await violationsOf({ item: "", email: "not-an-email", code: "x", lines: [] });
    expect(values).toStrictEqual([
      { in: "body", pointer: "/item", rule: "minLength", message: "item should not be empty", expected: 1 },
      { in: "body", pointer: "/email", rule: "format", message: "email must be an email", expected: "email" },
      {
        in: "body",
        pointer: "/code",
        rule: "isLength",
        message: "code must be longer than or equal to 2 characters",
      },
    ]);
    expect(ApiError.fromViolations(values).code).toBe(4);
  });

  it("a query DTO reports in query", async () => {
    class Page {
      limit!: number;
    }
    IsInt()(Page.prototype, "limit");
    const errors = await validate(plainToInstance(Page, { limit: "ten" }));
    expect(fromClassValidatorErrors(errors, "query")).toStrictEqual([
      {
        in: "query",
        pointer: "/limit",
        rule: "type",
        message: "limit must be an integer number",
        expected: "integer",
      },
    ]);
  });
});
