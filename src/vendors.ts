import type { VendorModule } from "./core/vendor";
import type { VendorEmulator } from "./emulator/framework";
import { flashduty } from "./flashduty/vendor";
import { opsgenie } from "./opsgenie/vendor";
import { rootly } from "./rootly/vendor";

// The one list of vendors. Adding one: its folder (see CONTRIBUTING.md), its entry
// here, and its `export *` line in src/index.ts for the resource classes.
export const VENDORS: readonly VendorModule<VendorEmulator, never>[] = [flashduty, opsgenie, rootly];
