// Loaded by each resource's serialized provider shim, in the provider process.
import { createDispatcher, registeredVendors, resourceKey } from "./core";
import "./vendors";

type Dispatch = ReturnType<typeof createDispatcher>;
const byVendor = new Map<string, Promise<Dispatch>>();

// A key is `<vendor>:<Type>`: only that vendor's code is loaded, on its first call. Start-up
// is on the critical path when many stacks start provider processes on a few cores at once.
function dispatcherFor(key: string): Promise<Dispatch> {
  const vendor = key.slice(0, key.indexOf(":"));
  let d = byVendor.get(vendor);
  if (!d) {
    const m = registeredVendors().find((v) => v.name === vendor);
    d = (m ? m.definitions() : Promise.resolve([])).then((defs) => createDispatcher([...defs]));
    // A failed load is not kept: the next call tries again.
    d.catch(() => byVendor.delete(vendor));
    byVendor.set(vendor, d);
  }
  return d;
}

export async function dispatch(key: string, method: string, args: unknown[]): Promise<unknown> {
  return (await dispatcherFor(key))(key, method, args);
}

/** Every resource type this package serves (the build writes one shim module per key). */
export async function resourceKeys(): Promise<string[]> {
  return (await Promise.all(registeredVendors().map((v) => v.definitions()))).flat().map(resourceKey);
}
