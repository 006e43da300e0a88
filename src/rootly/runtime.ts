import type { ResourceDefinition } from "../core/kit";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const definitions: ResourceDefinition<any, any>[] = [];
