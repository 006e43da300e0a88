// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
// A value import (used below), so the public declaration files do not reference the provider side.
import { opsgenie } from "./vendor";
void opsgenie;
export { OpsgenieTeamRoutingRule } from "./team-routing-rule.resource";
export type * from "./team-routing-rule.types";
