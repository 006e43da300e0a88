import type { VendorSettings } from "./config";
import type { VendorProtocol } from "./http";
import type { AnyResourceDefinition } from "./kit";
import type { VendorEmulator } from "../emulator-kit/framework";

/**
 * Everything the package needs from one vendor folder (`src/<vendor>/vendor.ts`),
 * collected in one list (`src/vendors.ts`) that feeds config, the runtime
 * dispatcher, the root exports and the emulator command.
 */
export interface VendorModule<E extends VendorEmulator = VendorEmulator, O = never> {
  /** Config namespace (`<name>:apiKey`) and the module of its resource types. */
  name: string;
  settings: VendorSettings;
  protocol: VendorProtocol;
  /** The resource definitions the provider process dispatches to (loaded on first use). */
  definitions(): Promise<readonly AnyResourceDefinition[]>;
  /** A new, stopped emulator of this vendor's API (its code loaded on first use). */
  emulator(options?: O): Promise<E>;
}

/** `module:type`, the key a resource's shim dispatches on. */
export const resourceKey = (d: { module: string; type: string }): string => `${d.module}:${d.type}`;

// Code, not run state: it survives resetProcessGlobals() (tests), like the modules themselves.
const registered = new Map<string, VendorModule<VendorEmulator, never>>();
const modules = () => registered;

/** Called by each `src/<vendor>/vendor.ts` as it loads; `src/vendors.ts` loads them all. */
export function registerVendorModule<E extends VendorEmulator, O>(m: VendorModule<E, O>): void {
  if (!modules().has(m.name)) modules().set(m.name, m as unknown as VendorModule<VendorEmulator, never>);
}

/** Every vendor registered so far, in the order src/vendors.ts lists them. */
export function registeredVendors(): readonly VendorModule<VendorEmulator, never>[] {
  return [...modules().values()];
}
