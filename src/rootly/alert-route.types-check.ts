// Compile-time only: `tsc` fails when the zod schema or the provider's state type
// drifts from the hand-written public types. Emits nothing that runs.
import type { z } from "zod";
import type { Equal } from "../core/type-equal";
import type { OUTPUT_PROPERTIES } from "./alert-route.resource";
import type { alertRouteSchema, AlertRouteOutputs, conditionSchema, ruleSchema } from "./alert-route.schema";
import type { RootlyAlertRouteArgs, RootlyAlertRouteCondition, RootlyAlertRouteOutputs, RootlyAlertRouteRule } from "./alert-route.types";

export type Checks = [
  // The schema parses to exactly the args users write (its input is `unknown`: it first drops server fields).
  Expect<Equal<RootlyAlertRouteArgs, z.infer<typeof alertRouteSchema>>>,
  Expect<Equal<RootlyAlertRouteRule, z.input<typeof ruleSchema>>>,
  Expect<Equal<RootlyAlertRouteCondition, z.input<typeof conditionSchema>>>,
  // What every provider verb returns is what the resource's output properties claim.
  Expect<Equal<RootlyAlertRouteOutputs, AlertRouteOutputs>>,
  // Every output surfaces as a property of the resource.
  Expect<Equal<Exclude<keyof RootlyAlertRouteOutputs, (typeof OUTPUT_PROPERTIES)[number]>, never>>,
];
type Expect<T extends true> = T;
