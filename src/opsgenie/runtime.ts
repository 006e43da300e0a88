import type { AnyResourceDefinition } from "../core/kit";
import { teamRoutingRule } from "./team-routing-rule.provider";

export const definitions: AnyResourceDefinition[] = [teamRoutingRule];
