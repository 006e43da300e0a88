export * from "../emulator-kit/framework";
export { createFlashdutyEmulator } from "../flashduty/emulator";
export type { FlashdutyEmulator, FlashdutyEmulatorOptions } from "../flashduty/emulator";
export { createOpsgenieEmulator, createAtlassianOpsEmulator } from "../opsgenie/emulator";
export type { OpsgenieEmulator, OpsgenieEmulatorOptions, AtlassianOpsEmulator, AtlassianOpsEmulatorOptions, AtlassianOpsKnobs } from "../opsgenie/emulator";
export { createRootlyEmulator } from "../rootly/emulator";
export type { RootlyEmulator, RootlyEmulatorOptions } from "../rootly/emulator";
export { startAll, envFor, schemasFor } from "./all";
export type { RunningEmulators, StartAllOptions, SchemaLabels } from "./all";
