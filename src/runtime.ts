// Loaded by each resource's serialized provider shim, in the provider process.
import { createDispatcher } from "./core/kit";
import { definitions as flashduty } from "./flashduty/runtime";
import { definitions as opsgenie } from "./opsgenie/runtime";
import { definitions as rootly } from "./rootly/runtime";

export const dispatch = createDispatcher([...flashduty, ...opsgenie, ...rootly]);
