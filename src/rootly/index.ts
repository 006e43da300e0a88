// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
import "./vendor";
export { RootlyAlertRoute, type RootlyAlertRouteArgs } from "./alert-route.resource";
