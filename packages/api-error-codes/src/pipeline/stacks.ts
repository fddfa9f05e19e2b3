/**
 * A framework's route lists (a router's stack of layers, an app's middleware list), read as they
 * grow: apps add routes and mount routers after the adapter is installed, even after the first
 * request, so each list's read length is kept and only what was added since is read. A list found
 * while reading (a mounted router) is read in the same pass. Nothing here knows a framework: `read`
 * does, for one item at a time.
 * @example
 * const scan = new StackScan<Layer>((layer, prefix, scan) => {
 *   if (layer.router) scan.watch(layer.router.stack, prefix + layer.path);
 *   else pipeline.adopt(layer.method, prefix + layer.path);
 * });
 * scan.watch(app.router.stack);
 * if (scan.stale()) scan.sync(); // per request
 */
export class StackScan<L> {
  private readonly lists: { list: readonly L[]; prefix: string; seen: number }[] = [];

  constructor(private readonly read: (item: L, prefix: string, scan: StackScan<L>) => void) {}

  /** Reads `list` from now on, each item with the `prefix` where the list is mounted; once per both. */
  watch(list: readonly L[], prefix = ""): void {
    for (const known of this.lists) if (known.list === list && known.prefix === prefix) return;
    this.lists.push({ list, prefix, seen: 0 });
  }

  /** Whether a list changed length since it was read: cheap enough to ask per request. */
  stale(): boolean {
    for (const known of this.lists) if (known.list.length !== known.seen) return true;
    return false;
  }

  /**
   * Reads what every list got since the last time. An item whose `read` throws (a route mistake) is
   * read again next time, so the mistake keeps being reported rather than skipped.
   */
  sync(): void {
    // `lists` grows while reading when an item turns out to hold a list of its own.
    for (let i = 0; i < this.lists.length; i++) {
      const known = this.lists[i] as StackScan<L>["lists"][number];
      const list = known.list;
      if (list.length < known.seen) known.seen = list.length;
      for (; known.seen < list.length; known.seen++) this.read(list[known.seen] as L, known.prefix, this);
    }
  }
}
