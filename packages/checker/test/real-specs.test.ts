/**
 * The checker against real specs shipped as fixtures: the Swagger Petstore (OpenAPI 3.0, YAML)
 * and a notes API split over several YAML files (3.0, with `nullable` and boolean
 * `exclusiveMinimum`). Each has a server that implements it conformingly (no failure) and seeded
 * defects, each found exactly.
 */
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkCommand } from "../src/command.js";
import { loadSpec } from "../src/spec.js";
import type { Report } from "../src/types.js";
import { NOTES_DEFECTS, type NotesDefect, startNotes } from "./servers/notes.js";
import { PETSTORE_DEFECTS, type PetstoreDefect, startPetstore } from "./servers/petstore.js";
import type { Running } from "./servers/serve.js";
import { EXPIRED_TOKEN, VALID_TOKEN } from "./servers/serve.js";

const specs = join(dirname(fileURLToPath(import.meta.url)), "specs");
const PETSTORE = join(specs, "petstore/openapi.yaml");
const NOTES = join(specs, "notes/openapi.yaml");

async function check(start: () => Promise<Running>, spec: string, extra: string[] = []) {
  const server = await start();
  try {
    const args = [server.url, "--spec", spec, "--token", VALID_TOKEN, "--expired-token", EXPIRED_TOKEN];
    const result = await checkCommand([...args, "--allow-writes", "-f", "json", ...extra]);
    expect(result.stderr).toBe("");
    return { exitCode: result.exitCode, report: JSON.parse(result.stdout) as Report };
  } finally {
    await server.close();
  }
}

const failures = (report: Report) =>
  report.results
    .filter((r) => !r.passed)
    .map((r) => `${r.check} @ ${r.operation}`)
    .sort();

const PETSTORE_EXPECTED: Record<PetstoreDefect, string[]> = {
  "status-unchecked": ["param-range:status:enum @ GET /pet/findByStatus"],
  "pet-id-type-as-value": ["param-type:petId @ GET /pet/{petId}", "param-type:petId @ DELETE /pet/{petId}"],
  "inventory-open": [
    "auth-missing @ GET /store/inventory",
    "auth-bogus @ GET /store/inventory",
    "auth-expired @ GET /store/inventory",
  ],
  "order-lookup-500": [
    "absent-resource @ GET /store/order/{orderId}",
    "absent-resource @ DELETE /store/order/{orderId}",
  ],
  "pet-name-optional": ["body-required:name @ POST /pet", "body-required:name @ PUT /pet"],
};

const NOTES_EXPECTED: Record<NotesDefect, string[]> = {
  "inclusive-minimum": [
    "body-constraint:priority:exclusiveMinimum @ POST /notes",
    "body-constraint:priority:exclusiveMinimum @ PATCH /notes/{noteId}",
  ],
  "tags-unbounded": ["body-constraint:tags:maxItems @ POST /notes"],
  "lookup-before-auth": ["GET", "DELETE"].flatMap((m) =>
    ["auth-missing", "auth-bogus", "auth-expired"].map((c) => `${c} @ ${m} /notes/{noteId}`),
  ),
  "media-type-ignored": ["body-media-type @ POST /notes", "body-media-type @ PATCH /notes/{noteId}"],
};

describe("the Swagger Petstore (OpenAPI 3.0 YAML)", () => {
  it("passes a conforming server with no failure", async () => {
    const { exitCode, report } = await check(() => startPetstore(), PETSTORE);
    expect(failures(report)).toStrictEqual([]);
    expect(exitCode).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(100);
    // Both schemes are driven: the api_key header on GET /pet/{petId}, bearer elsewhere.
    expect(
      report.results.find((r) => r.check === "absent-resource" && r.operation === "GET /pet/{petId}"),
    ).toMatchObject({ passed: true, message: "404/10" });
  });

  it.each(Object.keys(PETSTORE_DEFECTS) as PetstoreDefect[])("finds the seeded defect %s", async (defect) => {
    const { exitCode, report } = await check(() => startPetstore(defect), PETSTORE);
    expect(failures(report)).toStrictEqual([...PETSTORE_EXPECTED[defect]].sort());
    expect(exitCode).toBe(1);
  });
});

describe("a spec split over several files (OpenAPI 3.0 YAML, relative $refs)", () => {
  it("passes a conforming server with no failure", async () => {
    const { exitCode, report } = await check(() => startNotes(), NOTES);
    expect(failures(report)).toStrictEqual([]);
    expect(exitCode).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(100);
    // The PATCH on an absent note carries a change, so the server's "nothing to change" rule
    // (checked before the lookup) does not stand in the way of the 404.
    expect(
      report.results.find((r) => r.check === "absent-resource" && r.operation === "PATCH /notes/{noteId}"),
    ).toMatchObject({ passed: true, message: "404/10" });
  });

  it.each(Object.keys(NOTES_DEFECTS) as NotesDefect[])("finds the seeded defect %s", async (defect) => {
    const { exitCode, report } = await check(() => startNotes(defect), NOTES);
    expect(failures(report)).toStrictEqual([...NOTES_EXPECTED[defect]].sort());
    expect(exitCode).toBe(1);
  });
});

describe("a multi-file spec served over HTTP", () => {
  it("reads its external $refs relative to the URL, YAML as served", async () => {
    const server = createServer((req, res) => {
      const file = normalize(join(specs, "notes", decodeURIComponent(req.url ?? "/")));
      readFile(file).then(
        (text) => res.writeHead(200, { "Content-Type": "application/yaml" }).end(text),
        () => res.writeHead(404).end(),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const overHttp = await loadSpec(`http://127.0.0.1:${port}/openapi.yaml`, 5000);
      const fromDisk = await loadSpec(NOTES, 5000);
      const summary = (spec: typeof fromDisk) =>
        spec.operations.map((op) => [op.label, op.parameters, op.body?.schema, op.responses]);
      expect(summary(overHttp)).toStrictEqual(summary(fromDisk));
      expect(overHttp.operations.map((op) => op.label)).toStrictEqual([
        "GET /health",
        "GET /notes",
        "POST /notes",
        "GET /notes/{noteId}",
        "DELETE /notes/{noteId}",
        "PATCH /notes/{noteId}",
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
