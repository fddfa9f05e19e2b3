/**
 * OpenAPI 3.0 output: the same error components and responses in 3.0's Schema Object dialect, valid
 * for swagger-parser in a 3.0.3 document, where the 3.1 output is not.
 */
import SwaggerParser from "@apidevtools/swagger-parser";
import { describe, expect, it } from "vitest";
import { listCodes } from "../src/index.js";
import {
  codeSchema,
  errorComponents,
  errorResponses,
  type OpenApiOptions,
  toOpenApi30,
} from "../src/openapi.js";

/** Every code at every status it allows, on one operation. */
const everything = listCodes().flatMap((d) => d.statuses.map((status) => ({ code: d.code, status })));

function document(version: string, options: OpenApiOptions) {
  return {
    openapi: version,
    info: { title: "errors", version: "1.0.0" },
    paths: {
      "/orders": {
        post: { responses: { 201: { description: "Created" }, ...errorResponses(everything, options) } },
      },
      "/orders/{id}": {
        get: {
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            200: { description: "The order" },
            ...errorResponses([3, 4, 5, 6, 7, 8, 10, 11, 12], options),
          },
        },
      },
    },
    components: { ...errorComponents(options) },
  };
}

const validate = (doc: object) => SwaggerParser.validate(structuredClone(doc) as never);

describe("OpenAPI 3.0 output", () => {
  it("is a valid 3.0.3 document, with components or inline", async () => {
    await expect(validate(document("3.0.3", { openapi: "3.0" }))).resolves.toBeDefined();
    await expect(validate(document("3.0.3", { openapi: "3.0", inline: true }))).resolves.toBeDefined();
  });

  it("is what 3.0 needs: the 3.1 output is refused in a 3.0.3 document, accepted in a 3.1.0 one", async () => {
    await expect(validate(document("3.0.3", {}))).rejects.toThrow();
    await expect(validate(document("3.1.0", {}))).resolves.toBeDefined();
  });

  it("writes no JSON Schema 2020-12 keyword 3.0 lacks", () => {
    const text = JSON.stringify(document("3.0.3", { openapi: "3.0", inline: true }));
    expect(text).not.toMatch(/"const":|"examples":\[|"type":"null"|"type":\[/);
  });

  it("translates const, examples and null alternatives", () => {
    expect(toOpenApi30(codeSchema(8))).toMatchObject({
      properties: {
        error_code: { enum: [8] },
        error_message: { type: "string", example: "Authentication credentials have expired" },
        details: { type: "object", nullable: true, required: ["expired_at"] },
      },
    });
    expect(toOpenApi30({ type: ["string", "null"] })).toStrictEqual({ type: "string", nullable: true });
    expect(toOpenApi30({ anyOf: [{ type: "null" }, { type: "string" }, { type: "integer" }] })).toStrictEqual(
      {
        anyOf: [{ type: "string" }, { type: "integer" }],
        nullable: true,
      },
    );
    const schema = codeSchema(3);
    toOpenApi30(schema);
    expect(schema).toStrictEqual(codeSchema(3)); // the input is left as it was
  });
});
