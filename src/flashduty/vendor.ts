import { registerVendorModule, type VendorModule } from "../core/vendor";
import { definitions } from "./runtime";
import { createFlashdutyEmulator, type FlashdutyEmulator, type FlashdutyEmulatorOptions } from "./emulator";
import { flashdutyProtocol, flashdutySettings } from "./protocol";

// What the rest of the package needs from Flashduty; listed once in src/vendors.ts.
// A program imports the resource classes only (src/index.ts); this module is for the provider process and tools.
export const flashduty: VendorModule<FlashdutyEmulator, FlashdutyEmulatorOptions> = {
  name: "flashduty",
  settings: flashdutySettings,
  protocol: flashdutyProtocol,
  definitions: () => definitions,
  emulator: (options) => createFlashdutyEmulator(options),
};
registerVendorModule(flashduty);
