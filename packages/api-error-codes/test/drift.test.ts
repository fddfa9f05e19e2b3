/**
 * Everything derived from the registry must agree with it: the README's code table and the
 * OpenAPI components. A failure here means "regenerate", not "edit by hand":
 *   node --import tsx packages/api-error-codes/scripts/sync-readme.ts
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderReadme } from "../scripts/readme-blocks.js";
import { codesJson, codesMarkdownTable } from "../src/catalog.js";
import { BUILTIN_CODES, listCodes } from "../src/index.js";
import { API_ERROR_SCHEMA_NAME, errorComponentName, errorComponents } from "../src/openapi.js";

const README = fileURLToPath(new URL("../../../README.md", import.meta.url));
const BLOCK = /<!-- codes:start -->\n([\s\S]*?)<!-- codes:end -->/;

describe("drift", () => {
  it("the README's code table is the generated one", () => {
    const match = BLOCK.exec(readFileSync(README, "utf8"));
    expect(match, "README.md needs a <!-- codes:start --> ... <!-- codes:end --> block").not.toBeNull();
    expect(match?.[1], "run: node --import tsx packages/api-error-codes/scripts/sync-readme.ts").toBe(
      codesMarkdownTable(),
    );
  });

  it("the README's quickstarts are the example files the tests run", () => {
    const text = readFileSync(README, "utf8");
    expect(renderReadme(text), "run: node --import tsx packages/api-error-codes/scripts/sync-readme.ts").toBe(
      text,
    );
  });

  it("docs/adapter.md shows the adapter example the tests run", () => {
    const doc = readFileSync(new URL("../../../docs/adapter.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/adapter.ts", import.meta.url), "utf8");
    expect(doc).toContain(
      `<!-- example:adapter:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:adapter:end -->`,
    );
  });

  it("docs/existing-app.md shows the existing-app example the tests run", () => {
    const doc = readFileSync(new URL("../../../docs/existing-app.md", import.meta.url), "utf8");
    const example = readFileSync(new URL("../examples/existing-app.ts", import.meta.url), "utf8");
    expect(doc).toContain(
      `<!-- example:existing-app:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:existing-app:end -->`,
    );
  });

  it.each(["standard-schema", "standard-schema-hono"])(
    "docs/validation-standard-schema.md shows examples/%s.ts, which the tests run",
    (name) => {
      const doc = readFileSync(
        new URL("../../../docs/validation-standard-schema.md", import.meta.url),
        "utf8",
      );
      const example = readFileSync(new URL(`../examples/${name}.ts`, import.meta.url), "utf8");
      expect(doc).toContain(
        `<!-- example:${name}:start -->\n\`\`\`ts\n${example.trimEnd()}\n\`\`\`\n<!-- example:${name}:end -->`,
      );
      // Every code block of the page is one of the examples.
      expect(doc.match(/```/g)?.length).toBe(4);
    },
  );

  it("the registry holds exactly the built-in codes here (no test registered extras)", () => {
    expect(listCodes().map((d) => d.code)).toStrictEqual(BUILTIN_CODES.map((d) => d.code));
  });

  it("the OpenAPI components cover exactly the registry's codes", () => {
    const codes = listCodes().map((d) => d.code);
    const names = codes.map(errorComponentName);
    const components = errorComponents();
    expect(Object.keys(components.responses)).toStrictEqual(names);
    expect(Object.keys(components.schemas)).toStrictEqual([API_ERROR_SCHEMA_NAME, ...names]);
    const schemaCodes = names.map((name) => {
      const properties = components.schemas[name]?.["properties"] as { error_code: { const: number } };
      return properties.error_code.const;
    });
    expect(schemaCodes).toStrictEqual(codes);
    const exampleCodes = names.map((name) => {
      const example = components.responses[name]!.content["application/json"]!.example as {
        error_code: number;
      };
      return example.error_code;
    });
    expect(exampleCodes).toStrictEqual(codes);
  });

  it("the JSON catalog covers exactly the registry's codes", () => {
    expect((JSON.parse(codesJson()) as { code: number }[]).map((d) => d.code)).toStrictEqual(
      listCodes().map((d) => d.code),
    );
  });
});
