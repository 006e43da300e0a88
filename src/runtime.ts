// Loaded by each resource's serialized provider shim, in the provider process.
import { createDispatcher } from "./core/kit";
import { definitions as flashduty } from "./flashduty/runtime";
import { definitions as opsgenie } from "./opsgenie/runtime";
import { definitions as rootly } from "./rootly/runtime";

const definitions = [...flashduty, ...opsgenie, ...rootly];
export const dispatch = createDispatcher(definitions);
/** Every resource type this package serves (the build writes one shim module per key). */
export const resourceKeys: readonly string[] = definitions.map((d) => `${d.module}:${d.type}`);
