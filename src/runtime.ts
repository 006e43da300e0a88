// Loaded by each resource's serialized provider shim, in the provider process.
import { createDispatcher, registeredVendors, resourceKey } from "./core";
import "./vendors";

const definitions = registeredVendors().flatMap((v) => v.definitions());
export const dispatch = createDispatcher(definitions);
/** Every resource type this package serves (the build writes one shim module per key). */
export const resourceKeys: readonly string[] = definitions.map(resourceKey);
