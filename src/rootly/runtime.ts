import type { ResourceDefinition } from "../core/kit";
import { alertRouteDefinition } from "./alert-route.provider";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const definitions: ResourceDefinition<any, any>[] = [alertRouteDefinition];
