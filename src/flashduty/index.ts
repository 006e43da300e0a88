export { FlashdutyRoute, type FlashdutyRouteArgs } from "./route.resource";
export { FlashdutyMappingData, type FlashdutyMappingDataArgs } from "./mapping.resource";
