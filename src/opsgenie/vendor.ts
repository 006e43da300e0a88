import { registerVendorModule, type VendorModule } from "../core/vendor";
import type { OpsgenieEmulator, OpsgenieEmulatorOptions } from "./emulator";
import { opsgenieProtocol, opsgenieSettings } from "./protocol";

// What the rest of the package needs from Opsgenie; listed once in src/vendors.ts.
// The runtime and the emulator load on first use: a provider process serving one vendor loads no
// other vendor's code and no emulator (ten parallel stacks start ten of them at once), and a
// program loads neither.
export const opsgenie: VendorModule<OpsgenieEmulator, OpsgenieEmulatorOptions> = {
  name: "opsgenie",
  settings: opsgenieSettings,
  protocol: opsgenieProtocol,
  definitions: async () => (await import("./runtime.js")).definitions,
  emulator: async (options) => (await import("./emulator/index.js")).createOpsgenieEmulator(options),
};
registerVendorModule(opsgenie);
