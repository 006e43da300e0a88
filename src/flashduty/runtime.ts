import type { ResourceDefinition } from "../core/kit";
import { mappingDataDefinition } from "./mapping.provider";
import { routeDefinition } from "./route.provider";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const definitions: ResourceDefinition<any, any>[] = [routeDefinition, mappingDataDefinition];
