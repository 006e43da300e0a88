// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
// A value import (used below), so the public declaration files do not reference the provider side.
import { flashduty } from "./vendor";
void flashduty;
export { FlashdutyRoute } from "./route.resource";
export { FlashdutyMappingData } from "./mapping.resource";
export type * from "./route.types";
export type * from "./mapping.types";
