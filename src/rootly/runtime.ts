import type { AnyResourceDefinition } from "../core/kit";
import { alertRouteDefinition } from "./alert-route.provider";

export const definitions: AnyResourceDefinition[] = [alertRouteDefinition];
