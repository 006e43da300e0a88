// The package root: the resource classes, their Args/Outputs interfaces, and the
// route simulator. The resource kit (for packages of resources of their own) is
// the `pulumi-alert-routing/kit` subpath.
export * from "./vendors";
export * as simulator from "./simulator";
/** How the resource classes take their args: `Input` of each field's whole type, at any depth. */
export type { DeepInput, DeepInputOf, InputArgs } from "./core/input";
