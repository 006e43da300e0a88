// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
// A value import (used below), so the public declaration files do not reference the provider side.
import { rootly } from "./vendor";
void rootly;
export { RootlyAlertRoute } from "./alert-route.resource";
export type * from "./alert-route.types";
