// The route simulator: where would this alert go, from the declared routing alone.
export { explain } from "./explain";
export { AlertExpectation, expectAlert, expectAlertsFor, type RoutingExpectation, type VendorExpectation } from "./expect";
export { captureRouting, loadProgramRouting, programEntry, projectName, type LoadOptions, type StackOutputs } from "./program";
export { routingFromArgs, routingFromExport, RESOURCE_TYPES, type RoutingArgs } from "./routing";
export { compileRouting, hasRealMatch, simulate, type CompiledRouting, type FastResult, type SimulateOptions } from "./simulate";
export { vendorRegex, type VendorRegex } from "./regex";
export type * from "./types";
