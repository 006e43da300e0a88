import type { ResourceDefinition } from "../core/kit";
import { teamRoutingRule } from "./team-routing-rule.provider";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const definitions: ResourceDefinition<any, any>[] = [teamRoutingRule];
