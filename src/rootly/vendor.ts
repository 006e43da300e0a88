import { registerVendorModule, type VendorModule } from "../core/vendor";
import type { RootlyEmulator, RootlyEmulatorOptions } from "./emulator";
import { rootlyProtocol, rootlySettings } from "./protocol";

// What the rest of the package needs from Rootly; listed once in src/vendors.ts.
// The runtime and the emulator load on first use: a provider process serving one vendor loads no
// other vendor's code and no emulator (ten parallel stacks start ten of them at once), and a
// program loads neither.
export const rootly: VendorModule<RootlyEmulator, RootlyEmulatorOptions> = {
  name: "rootly",
  settings: rootlySettings,
  protocol: rootlyProtocol,
  definitions: async () => (await import("./runtime.js")).definitions,
  emulator: async (options) => (await import("./emulator/index.js")).createRootlyEmulator(options),
};
registerVendorModule(rootly);
