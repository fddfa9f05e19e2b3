/**
 * Keeps the route table in step with an Express app's router, so that 405 + Allow, OPTIONS and 501
 * are decided from the app's own routes. Express 5.1 (router 2.2) and Express 4.21 offer no public
 * way to list routes: their `router.stack` of layers, each with `route` (`path`, `methods`) or a
 * mounted router as `handle`, is read here and nowhere else.
 */
import { METHODS } from "node:http";
import { pathOf, type RouteTable } from "../../pipeline/routes.js";

interface RouteLike {
  path: unknown;
  methods: Record<string, unknown>;
}
interface LayerLike {
  route?: RouteLike | undefined;
  handle: unknown;
  /** Router 2.x keeps the mount path as given; 4.x has `regexp` only. */
  rawPath?: unknown;
}
interface RouterLike {
  stack: readonly LayerLike[];
}

/** A router whose layers have been read up to `seen`; `prefix` is where it is mounted. */
interface Mount {
  router: RouterLike;
  prefix: string;
  seen: number;
}

function isRouter(handle: unknown): handle is RouterLike {
  return typeof handle === "function" && Array.isArray((handle as { stack?: unknown }).stack);
}

const joinPath = (prefix: string, path: string): string =>
  prefix === "" ? path : path === "/" ? prefix : prefix + path;

/**
 * The app's routes, read when a router grows (checked per request by length, so that routes added
 * late still count), including routers mounted with `app.use(path, router)`. A route whose path the
 * table cannot hold (Express 5 `/files/*splat`, `/opt{/:x}`, a RegExp) is left to Express: the table
 * does not know that path, so the app's router decides it as any path the table does not know.
 */
export class RouteScan {
  private readonly mounts: Mount[];

  constructor(
    private readonly table: RouteTable,
    root: unknown,
  ) {
    this.mounts = isRouter(root) ? [{ router: root, prefix: "", seen: 0 }] : [];
  }

  /**
   * Whether a path the table does not know is another letter case or trailing slash of one it does:
   * Express's router (case-insensitive and non-strict by default) would serve it, the contract not.
   */
  variant(method: string, target: string): boolean {
    const path = pathOf(target);
    const folded = path.toLowerCase().replace(/(.)\/+$/, "$1");
    if (folded === path) return false;
    const kind = this.table.resolve(method, folded).kind;
    return kind !== "not_found" && kind !== "bad_request";
  }

  stale(): boolean {
    for (const mount of this.mounts) if (mount.router.stack.length !== mount.seen) return true;
    return false;
  }

  sync(): void {
    // `mounts` grows while scanning when a layer turns out to be a router.
    for (let i = 0; i < this.mounts.length; i++) {
      const mount = this.mounts[i] as Mount;
      const stack = mount.router.stack;
      if (stack.length < mount.seen) mount.seen = stack.length;
      for (; mount.seen < stack.length; mount.seen++) this.add(mount, stack[mount.seen] as LayerLike);
    }
  }

  private add(mount: Mount, layer: LayerLike): void {
    const route = layer.route;
    if (route !== undefined) {
      const paths: unknown[] = Array.isArray(route.path)
        ? route.path.flat(Number.POSITIVE_INFINITY)
        : [route.path];
      for (const path of paths)
        if (typeof path === "string") this.addRoute(joinPath(mount.prefix, path), route);
      return;
    }
    // A router mounted on a string path; one on a pattern (or Express 4's, without `rawPath`) is left to Express.
    if (isRouter(layer.handle) && typeof layer.rawPath === "string") {
      this.mounts.push({
        router: layer.handle,
        prefix: joinPath(mount.prefix, layer.rawPath.replace(/\/+$/, "")),
        seen: 0,
      });
    }
  }

  private addRoute(template: string, route: RouteLike): void {
    for (const name of Object.keys(route.methods)) {
      for (const method of name === "_all" ? METHODS : [name.toUpperCase()]) {
        try {
          this.table.markRealized(method, template);
        } catch {
          // A path syntax the table cannot hold (see the class comment): Express decides it.
          return;
        }
      }
    }
  }
}
