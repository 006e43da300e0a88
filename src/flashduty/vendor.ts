import { registerVendorModule, type VendorModule } from "../core/vendor";
import type { FlashdutyEmulator, FlashdutyEmulatorOptions } from "./emulator";
import { flashdutyProtocol, flashdutySettings } from "./protocol";

// What the rest of the package needs from Flashduty; listed once in src/vendors.ts.
// The runtime and the emulator load on first use: a provider process serving one vendor loads no
// other vendor's code and no emulator (ten parallel stacks start ten of them at once), and a
// program loads neither.
export const flashduty: VendorModule<FlashdutyEmulator, FlashdutyEmulatorOptions> = {
  name: "flashduty",
  settings: flashdutySettings,
  protocol: flashdutyProtocol,
  definitions: async () => (await import("./runtime.js")).definitions,
  emulator: async (options) => (await import("./emulator/index.js")).createFlashdutyEmulator(options),
};
registerVendorModule(flashduty);
