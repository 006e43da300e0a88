// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
import "./vendor";
export { FlashdutyRoute, type FlashdutyRouteArgs } from "./route.resource";
export { FlashdutyMappingData, type FlashdutyMappingDataArgs } from "./mapping.resource";
