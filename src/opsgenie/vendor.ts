import { registerVendorModule, type VendorModule } from "../core/vendor";
import { definitions } from "./runtime";
import { createOpsgenieEmulator, type OpsgenieEmulator, type OpsgenieEmulatorOptions } from "./emulator";
import { opsgenieProtocol, opsgenieSettings } from "./protocol";

// What the rest of the package needs from Opsgenie; listed once in src/vendors.ts.
// A program imports the resource classes only (src/index.ts); this module is for the provider process and tools.
export const opsgenie: VendorModule<OpsgenieEmulator, OpsgenieEmulatorOptions> = {
  name: "opsgenie",
  settings: opsgenieSettings,
  protocol: opsgenieProtocol,
  definitions: () => definitions,
  emulator: (options) => createOpsgenieEmulator(options),
};
registerVendorModule(opsgenie);
