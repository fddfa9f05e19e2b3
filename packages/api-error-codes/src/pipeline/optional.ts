/**
 * Optional peer dependencies (`@opentelemetry/api`, `prom-client`) loaded on first use, so that the
 * package imports and runs in a project that has neither, from ESM and from CommonJS.
 */

type Require = (id: string) => unknown;
type NodeProcess = { process?: { getBuiltinModule?: (id: string) => unknown } };

/** A `require` made by `module.createRequire`, where the runtime offers `process.getBuiltinModule`. */
function builtinRequire(): Require | undefined {
  const builtin = (globalThis as NodeProcess).process?.getBuiltinModule;
  if (typeof builtin !== "function") return undefined;
  const module = builtin("node:module") as { createRequire?: (from: string) => Require } | undefined;
  if (typeof module?.createRequire !== "function") return undefined;
  try {
    return module.createRequire(import.meta.url);
  } catch {
    return undefined;
  }
}

/**
 * The module `name`, or `undefined` when it is not installed. Loaded synchronously where a `require`
 * can be had (Node >= 20.16 from either build, the CommonJS build on any Node); elsewhere (the ESM
 * build on older Node, Workers) it is imported in the background and `late` receives it: answers
 * given before it arrives are not observed.
 */
export function loadOptional<T>(name: string, late?: (module: T) => void): T | undefined {
  // In the ESM build the bundler turns `require` into a stand-in that throws when there is none.
  const candidates = [builtinRequire(), typeof require === "function" ? require : undefined];
  for (const load of candidates) {
    if (load === undefined) continue;
    try {
      return load(name) as T;
    } catch (error) {
      if ((error as { code?: unknown }).code === "MODULE_NOT_FOUND") return undefined;
    }
  }
  if (late !== undefined) {
    // A variable specifier: bundlers leave an optional import alone instead of failing on it.
    const specifier = name;
    import(/* @vite-ignore */ /* webpackIgnore: true */ specifier).then(
      (module: T) => late(module),
      () => undefined,
    );
  }
  return undefined;
}
