import { registerVendorModule, type VendorModule } from "../core/vendor";
import { definitions } from "./runtime";
import { createRootlyEmulator, type RootlyEmulator, type RootlyEmulatorOptions } from "./emulator";
import { rootlyProtocol, rootlySettings } from "./protocol";

// What the rest of the package needs from Rootly; listed once in src/vendors.ts.
// A program imports the resource classes only (src/index.ts); this module is for the provider process and tools.
export const rootly: VendorModule<RootlyEmulator, RootlyEmulatorOptions> = {
  name: "rootly",
  settings: rootlySettings,
  protocol: rootlyProtocol,
  definitions: () => definitions,
  emulator: (options) => createRootlyEmulator(options),
};
registerVendorModule(rootly);
