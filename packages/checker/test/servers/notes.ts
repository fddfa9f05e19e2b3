/**
 * A notes server implementing the multi-file spec test/specs/notes/ with the library's node:http
 * adapter, conforming; and its seeded defects. Its JSON Schemas are written here from the spec
 * (OpenAPI 3.0 `nullable` and boolean `exclusiveMinimum` spelled the JSON Schema way), so the
 * checker's own conversion is tested against an independent reading.
 *
 * PATCH refuses an empty change (400/4) before it looks the note up: a correct server may, so the
 * checker must send a body with something to change when it probes an absent note.
 */
import { randomUUID } from "node:crypto";
import { ApiError, type Principal } from "api-error-codes";
import { createApi, reply } from "api-error-codes/node";
import { type Hooks, type Running, sendError, serve, TOKENS } from "./serve.js";

const TITLE = { type: "string", minLength: 1, maxLength: 80 } as const;
const BODY = { type: "string", maxLength: 2000 } as const;
const PRIORITY = { type: "integer", exclusiveMinimum: 0, maximum: 5 } as const;
const TAG = { type: "string", pattern: "^[a-z][a-z0-9-]{0,19}$" } as const;

const NEW_NOTE = {
  type: "object",
  required: ["title", "body"],
  additionalProperties: false,
  properties: {
    title: TITLE,
    body: BODY,
    priority: PRIORITY,
    due: { type: ["string", "null"], format: "date" },
    tags: { type: "array", maxItems: 5, items: TAG },
  },
} as const;

const PATCH = {
  type: "object",
  additionalProperties: false,
  properties: { title: TITLE, body: BODY, priority: PRIORITY },
} as const;

const NOTE_ID = {
  type: "object",
  required: ["noteId"],
  properties: { noteId: { type: "string", format: "uuid" } },
} as const;

/** The defects a checker must find in a notes server. */
export const NOTES_DEFECTS = {
  /** `priority: 0` is accepted: the 3.0 `exclusiveMinimum: true` read as inclusive. */
  "inclusive-minimum": {},
  /** More than five tags are accepted. */
  "tags-unbounded": {},
  /** GET and DELETE of an unknown note answer 404 before credentials are checked. */
  "lookup-before-auth": {},
  /** A JSON body sent as text/plain is read as JSON. */
  "media-type-ignored": {},
} as const;
export type NotesDefect = keyof typeof NOTES_DEFECTS;

/** Starts the notes API on 127.0.0.1: conforming without `defect`. */
export async function startNotes(defect?: NotesDefect): Promise<Running> {
  const api = createApi<Principal>({ auth: { lookup: (token: string) => TOKENS[token] }, logger: false });
  const notes = new Map<string, Record<string, unknown>>();
  const priority = defect === "inclusive-minimum" ? { type: "integer", minimum: 0, maximum: 5 } : PRIORITY;
  const tags = defect === "tags-unbounded" ? { type: "array", items: TAG } : NEW_NOTE.properties.tags;
  const newNote = { ...NEW_NOTE, properties: { ...NEW_NOTE.properties, priority, tags } };
  const patch = { ...PATCH, properties: { ...PATCH.properties, priority } };
  const auth = { auth: true } as const;

  api.get("/v1/health", {}, () => ({ status: "up" }));
  api.get(
    "/v1/notes",
    {
      ...auth,
      schema: {
        query: {
          type: "object",
          properties: { limit: { type: "integer", minimum: 1, maximum: 50 }, tag: TAG },
        },
      },
    },
    ({ query }) => ({
      items: [...notes.values()].slice(0, typeof query.limit === "number" ? query.limit : 20),
    }),
  );
  api.post("/v1/notes", { ...auth, schema: { body: newNote } }, ({ body }) => {
    const note = { ...(body as Record<string, unknown>), id: randomUUID() };
    notes.set(note.id, note);
    return reply(201, note as never, { Location: `/v1/notes/${note.id}` });
  });
  const find = (id: unknown) => {
    const note = notes.get(String(id));
    if (note === undefined) throw ApiError.notExist({ resource: "note", id: String(id) });
    return note;
  };
  const byId = { ...auth, schema: { params: NOTE_ID } };
  api.get("/v1/notes/:noteId", byId, ({ params }) => find(params.noteId) as never);
  api.patch(
    "/v1/notes/:noteId",
    { ...auth, schema: { params: NOTE_ID, body: patch } },
    ({ params, body }) => {
      const change = body as Record<string, unknown>;
      if (Object.keys(change).length === 0) {
        throw ApiError.invalidValue([
          { in: "body", pointer: "", rule: "minProperties", message: "nothing to change", expected: 1 },
        ]);
      }
      const note = { ...find(params.noteId), ...change };
      notes.set(String(note.id), note);
      return note as never;
    },
  );
  api.delete("/v1/notes/:noteId", byId, ({ params }) => {
    notes.delete(String(find(params.noteId).id));
    return undefined;
  });

  const hooks: Hooks = {
    intercept: (req, res) => {
      if (defect === "media-type-ignored" && req.headers["content-type"] === "text/plain") {
        req.headers["content-type"] = "application/json";
        req.headersDistinct["content-type"] = ["application/json"];
        const raw = req.rawHeaders;
        for (let i = 0; i < raw.length; i += 2) {
          if (raw[i]?.toLowerCase() === "content-type") raw[i + 1] = "application/json";
        }
      }
      const id = /^\/v1\/notes\/([0-9a-f-]{36})$/.exec(req.url ?? "")?.[1];
      const reads = req.method === "GET" || req.method === "DELETE";
      if (defect === "lookup-before-auth" && reads && id !== undefined && !notes.has(id)) {
        sendError(req, res, 404, 10, { resource: "note", id });
        return true;
      }
      return false;
    },
  };
  return serve(api, hooks);
}
