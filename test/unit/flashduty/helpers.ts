import { resetProcessGlobals } from "../../../src/core/registry";
import { createFlashdutyEmulator, type FlashdutyEmulator, type FlashdutyEmulatorOptions } from "../../../src/flashduty/emulator";

export const APP_KEY = "fd-unit-app-key-5c1e9b7a";
export const INTEGRATION = 6113996590131;
export const CH_A = 2533748993131;
export const CH_B = 3521074710131;
export const CH_C = 3521074710132;

/** An emulator started in-process with the provider's env pointed at it. */
export async function startEmulator(opts: FlashdutyEmulatorOptions = {}): Promise<FlashdutyEmulator> {
  const emu = createFlashdutyEmulator({ appKey: APP_KEY, ...opts });
  emu.seedIntegration(INTEGRATION);
  emu.seedIntegration(INTEGRATION + 1);
  for (const c of [CH_A, CH_B, CH_C]) emu.seedChannel(c);
  await emu.server.start();
  process.env.FLASHDUTY_APP_KEY = APP_KEY;
  process.env.FLASHDUTY_BASE_URL = emu.server.url;
  return emu;
}

export function resetBetweenTests(emu: FlashdutyEmulator): void {
  resetProcessGlobals();
  emu.server.clearFaults();
  emu.clearGlitches();
  emu.server.resetLog();
}

