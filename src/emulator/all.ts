import { createFlashdutyEmulator, FlashdutyEmulator } from "../flashduty/emulator";
import { createOpsgenieEmulator, OpsgenieEmulator } from "../opsgenie/emulator";
import { createRootlyEmulator, RootlyEmulator } from "../rootly/emulator";

export interface RunningEmulators {
  flashduty: FlashdutyEmulator;
  rootly: RootlyEmulator;
  opsgenie: OpsgenieEmulator;
  stop(): Promise<void>;
}

/** Starts the three vendor emulators on free 127.0.0.1 ports, seeded with demo data unless `seed` is false. */
export async function startAll(opts: { seed?: boolean; rootlyTimeScale?: number } = {}): Promise<RunningEmulators> {
  const flashduty = createFlashdutyEmulator();
  const rootly = createRootlyEmulator({ timeScale: opts.rootlyTimeScale ?? 1 });
  const opsgenie = createOpsgenieEmulator();
  const all = [flashduty, rootly, opsgenie];
  await Promise.all(all.map((e) => e.server.start()));
  if (opts.seed !== false) for (const e of all) e.seedDemo();
  return { flashduty, rootly, opsgenie, stop: async () => void (await Promise.all(all.map((e) => e.server.stop()))) };
}

/** The env vars that point the resources at running emulators. */
export function envFor(e: Pick<RunningEmulators, "flashduty" | "rootly" | "opsgenie">): Record<string, string> {
  return {
    FLASHDUTY_BASE_URL: e.flashduty.server.url,
    FLASHDUTY_APP_KEY: e.flashduty.credential,
    ROOTLY_API_URL: e.rootly.server.url,
    ROOTLY_API_TOKEN: e.rootly.credential,
    OPSGENIE_API_URL: e.opsgenie.server.url,
    OPSGENIE_API_KEY: e.opsgenie.credential,
  };
}
