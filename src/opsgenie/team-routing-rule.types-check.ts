// Compile-time only: `tsc` fails when the zod schema or the provider's state type
// drifts from the hand-written public types. Emits nothing that runs.
import type { z } from "zod";
import type { Equal } from "../core/type-equal";
import type { TeamRoutingRuleOutputs } from "./team-routing-rule.diff";
import type { OUTPUT_PROPERTIES } from "./team-routing-rule.resource";
import type { argsSchema } from "./team-routing-rule.schema";
import type { OpsgenieTeamRoutingRuleArgs, OpsgenieTeamRoutingRuleOutputs } from "./team-routing-rule.types";

export type Checks = [
  // What users write is what the schema accepts, and what it parses to.
  Expect<Equal<OpsgenieTeamRoutingRuleArgs, z.input<typeof argsSchema>>>,
  Expect<Equal<OpsgenieTeamRoutingRuleArgs, z.infer<typeof argsSchema>>>,
  // What every provider verb returns is what the resource's output properties claim.
  Expect<Equal<OpsgenieTeamRoutingRuleOutputs, TeamRoutingRuleOutputs>>,
  // Every output surfaces as a property of the resource.
  Expect<Equal<Exclude<keyof OpsgenieTeamRoutingRuleOutputs, (typeof OUTPUT_PROPERTIES)[number]>, never>>,
];
type Expect<T extends true> = T;
