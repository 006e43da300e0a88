import type { EmulatorServer } from "../../src/emulator-kit/framework";
import { createAtlassianOpsEmulator, createOpsgenieEmulator, emulatorAccount, type AtlassianOpsEmulator, type OpsgenieEmulator } from "../../src/opsgenie/emulator";
import type { OpsgenieState } from "../../src/opsgenie/emulator/state";
import type { ConfigMap } from "./harness";

// The platforms an OpsgenieTeamRoutingRule program runs on unchanged: Opsgenie, JSM
// Operations and Compass Operations, chosen by stack config only. Engine tests that
// hold for all three are table-driven over PLATFORMS (describe.each).

export type PlatformName = "opsgenie" | "jsm" | "compass";

export interface PlatformCase {
  platform: PlatformName;
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly server: EmulatorServer;
  /** The tenant: teams with their rules, schedules, escalations. */
  readonly state: Omit<OpsgenieState, "record">;
  /** The credential the emulator accepts (must never leak). */
  readonly secret: string;
  /** Stack config that points the default account here (credential as a secret). */
  config(extra?: ConfigMap): ConfigMap;
  /** Path patterns of the rule collection, and the change-order call. */
  readonly rulesPath: RegExp;
  readonly createPath: string;
  readonly reorder: { method: string; path: RegExp };
}

export function platformCase(platform: PlatformName): PlatformCase {
  let og: OpsgenieEmulator | undefined;
  let ops: AtlassianOpsEmulator | undefined;
  if (platform === "opsgenie") og = createOpsgenieEmulator({ apiKey: "genie-platform-engine-key-1f9d" });
  else ops = createAtlassianOpsEmulator({ apiToken: "atl-platform-engine-token-6c2e", email: "engine@example.com" });
  return {
    platform,
    start: () => (og ?? ops)!.server.start().then(() => undefined),
    stop: () => (og ?? ops)!.server.stop(),
    get server() {
      return (og ?? ops)!.server;
    },
    get state() {
      return og ?? ops![platform as "jsm" | "compass"];
    },
    secret: og ? og.credential : ops!.apiToken,
    config(extra = {}) {
      const base: ConfigMap = og
        ? { "opsgenie:apiKey": { value: og.credential, secret: true }, "opsgenie:apiUrl": { value: og.server.url } }
        : { "opsgenie:accounts": { value: JSON.stringify({ default: emulatorAccount(ops!, platform as "jsm" | "compass") }), secret: true } };
      return { ...base, "opsgenie:rateLimits": { value: "200/1s" }, ...extra };
    },
    rulesPath: /\/teams\/[^/]+\/routing-rules$/,
    createPath: og ? "/v2/teams/*" : platform === "jsm" ? "/jsm/ops/api/*" : "/compass/cloud/*",
    reorder: { method: og ? "POST" : "PATCH", path: /change-order$/ },
  };
}

export const PLATFORMS: PlatformName[] = ["opsgenie", "jsm", "compass"];
