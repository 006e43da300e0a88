// Loading a vendor folder registers it (settings, protocol, definitions, emulator): see src/vendors.ts.
import "./vendor";
export { OpsgenieTeamRoutingRule } from "./team-routing-rule.resource";
export type { TeamRoutingRuleArgs as OpsgenieTeamRoutingRuleArgs } from "./team-routing-rule.schema";
export type { TeamRoutingRuleOutputs as OpsgenieTeamRoutingRuleOutputs } from "./team-routing-rule.diff";
