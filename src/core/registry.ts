// One registry per provider process. Each resource's serialized `__provider` is
// deserialized separately, and a copy captured by value would get its own module
// state; limiters, locks, pools and config must be shared across all copies.
const KEY = Symbol.for("pulumi-alert-routing.process-registry.v1");

type Registry = Map<string, unknown>;

function registry(): Registry {
  const g = globalThis as unknown as Record<symbol, Registry | undefined>;
  let r = g[KEY];
  if (!r) {
    r = new Map();
    g[KEY] = r;
  }
  return r;
}

/** Returns the process-wide singleton stored under `name`, creating it on first use. */
export function processGlobal<T>(name: string, init: () => T): T {
  const r = registry();
  if (!r.has(name)) r.set(name, init());
  return r.get(name) as T;
}

/** For tests: forget every process-global (limiters, pools, caches, config). */
export function resetProcessGlobals(): void {
  registry().clear();
}
