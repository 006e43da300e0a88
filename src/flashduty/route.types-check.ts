// Compile-time only: `tsc` fails when the zod schema or the provider's state type
// drifts from the hand-written public types. Emits nothing that runs.
import type { z } from "zod";
import type { Equal } from "../core/type-equal";
import type { RouteOutputs } from "./route.diff";
import type { OUTPUT_PROPERTIES } from "./route.resource";
import type { routeSchema } from "./route.schema";
import type { FlashdutyId, FlashdutyRouteArgs, FlashdutyRouteOutputs } from "./route.types";

/** Args as the schema parses them: an id given as a digit string becomes a number. */
type Parsed<T> = [T] extends [FlashdutyId] ? ([FlashdutyId] extends [T] ? number : T) : T extends (infer E)[] ? Parsed<E>[] : T extends object ? { [K in keyof T]: Parsed<T[K]> } : T;

export type Checks = [
  // The schema parses exactly the args users write (its input is `unknown` where ids are coerced).
  Expect<Equal<Parsed<FlashdutyRouteArgs>, z.infer<typeof routeSchema>>>,
  // Ids may be digit strings: the schema coerces them.
  Expect<Equal<FlashdutyRouteArgs["integrationId"], number | string>>,
  Expect<Equal<NonNullable<FlashdutyRouteArgs["resetOnDelete"]>["channelIds"], (number | string)[]>>,
  // What every provider verb returns is what the resource's output properties claim.
  Expect<Equal<FlashdutyRouteOutputs, RouteOutputs>>,
  // Every output surfaces as a property of the resource.
  Expect<Equal<Exclude<keyof FlashdutyRouteOutputs, (typeof OUTPUT_PROPERTIES)[number]>, never>>,
];
type Expect<T extends true> = T;
