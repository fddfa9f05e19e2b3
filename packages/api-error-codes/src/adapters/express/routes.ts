/**
 * Keeps the route table in step with an Express app's router. Express 5.1 (router 2.2) and 4.21 offer
 * no public way to list routes: their `router.stack` of layers (a `route`, or a mounted router as
 * `handle`) is read here and nowhere else; the app's error middleware is wrapped here, as Express has
 * no hook after it.
 */
import { type IncomingMessage, METHODS, type ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import type { PrincipalFields } from "../../pipeline/auth.js";
import { type Guard, guardResponse } from "../../pipeline/node/guard.js";
import type { Pipeline } from "../../pipeline/pipeline.js";
import type { PreparedRoute } from "../../pipeline/route.js";
import { StackScan } from "../../pipeline/stacks.js";

/** `api.route()` middleware carries its contract, so that the scan can tell the pipeline. */
export const PREPARED = Symbol("api-error-codes.prepared");
export type Tagged = RequestHandler & { [PREPARED]?: PreparedRoute };

interface RouteLike {
  path: unknown;
  methods: Record<string, unknown>;
  stack: readonly RouteLayer[];
}
interface RouteLayer {
  method?: string | undefined;
  handle: unknown;
  /** Express 4's layers (router 1.x) have this; Express 5 catches rejected handlers itself. */
  handle_request?: unknown;
}
type Handler = (req: unknown, res: unknown, next: (error?: unknown) => void) => unknown;
interface LayerLike {
  route?: RouteLike | undefined;
  /** Replaced for the app's error middleware, to guard what it sends. */
  handle: unknown;
  /** Router 2.x keeps the mount path as given; 4.x has `regexp` only. */
  rawPath?: unknown;
}
interface RouterLike {
  stack: readonly LayerLike[];
}

const GUARDED = new WeakSet<object>();

/** Express 4 leaves an async handler's rejection unhandled (the request hangs): it goes to `next`, as in 5. */
function catchRejections(layer: RouteLayer): void {
  const handle = layer.handle as Handler;
  // api.route()'s own middleware never rejects, and keeps its tag.
  if (typeof handle !== "function" || handle.length > 3 || GUARDED.has(handle) || PREPARED in handle) return;
  const caught: Handler = function caughtHandler(req, res, next) {
    const result = handle(req, res, next);
    if (typeof (result as { then?: unknown } | undefined)?.then === "function") {
      (result as Promise<unknown>).then(undefined, (error: unknown) => next(error ?? new Error("rejected")));
    }
    return result;
  };
  GUARDED.add(caught);
  layer.handle = caught;
}

type ErrorMiddleware = (error: unknown, req: IncomingMessage, res: ServerResponse, next: unknown) => unknown;

/** The app's error middleware, its answer guarded; four parameters, as Express tells error middleware apart. */
function guarded(handle: ErrorMiddleware, guard: Guard): ErrorMiddleware {
  return function guardedErrorMiddleware(error, req, res, next) {
    guardResponse(req, res, guard, error);
    return handle(error, req, res, next);
  };
}

function isRouter(handle: unknown): handle is RouterLike {
  return typeof handle === "function" && Array.isArray((handle as { stack?: unknown }).stack);
}

const joinPath = (prefix: string, path: string): string =>
  prefix === "" ? path : path === "/" ? prefix : prefix + path;

/**
 * The app's routes, read when a router grows, with routers mounted by `app.use(path, router)`. A path
 * the table cannot hold (`/files/*splat`, `/opt{/:x}`, a RegExp) is left to Express's router.
 */
export function scanRoutes<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  root: unknown,
  guard: Guard,
): StackScan<LayerLike> {
  const scan = new StackScan<LayerLike>((layer, prefix) => {
    const route = layer.route;
    if (route !== undefined) {
      const paths: unknown[] = Array.isArray(route.path)
        ? route.path.flat(Number.POSITIVE_INFINITY)
        : [route.path];
      for (const path of paths)
        if (typeof path === "string") addRoute(pipeline, joinPath(prefix, path), route);
      return;
    }
    if (typeof layer.handle === "function" && layer.handle.length === 4 && !GUARDED.has(layer.handle)) {
      const handle = guarded(layer.handle as ErrorMiddleware, guard);
      GUARDED.add(handle);
      layer.handle = handle;
      return;
    }
    // A router mounted on a string path; one on a pattern (or Express 4's, without `rawPath`) is left to Express.
    if (isRouter(layer.handle) && typeof layer.rawPath === "string")
      scan.watch(layer.handle.stack, joinPath(prefix, layer.rawPath.replace(/\/+$/, "")));
  });
  if (isRouter(root)) scan.watch(root.stack);
  return scan;
}

function addRoute<P extends PrincipalFields>(
  pipeline: Pipeline<P>,
  template: string,
  route: RouteLike,
): void {
  for (const layer of route.stack) if (layer.handle_request !== undefined) catchRejections(layer);
  for (const name of Object.keys(route.methods)) {
    for (const method of name === "_all" ? METHODS : [name.toUpperCase()]) {
      const tagged = route.stack.find(
        (layer) => (layer.handle as Tagged)[PREPARED] !== undefined && (layer.method ?? name) === name,
      );
      // A path syntax the table cannot hold (see scanRoutes): Express decides it.
      if (!pipeline.adopt(method, template, (tagged?.handle as Tagged | undefined)?.[PREPARED])) return;
    }
  }
}
