import type { AnyResourceDefinition } from "../core/kit";
import { mappingDataDefinition } from "./mapping.provider";
import { routeDefinition } from "./route.provider";

export const definitions: AnyResourceDefinition[] = [routeDefinition, mappingDataDefinition];
