import { EmulatorServer, SlidingWindow, type VendorEmulator } from "../../emulator/framework";
import { registerRoutes, createReplies, serverHooks } from "./routes";
import { createState, type OpsgenieState } from "./state";

// An in-memory Opsgenie Team Routing Rule API (plus the bit of the Team API the
// provider needs), following the docs: envelopes, GenieKey auth, default rule
// per team, order as index with clamping, PATCH semantics, change-order,
// validation (422 naming the field), X-RateLimit-* headers and 429s.
// state.ts keeps the account, validation.ts the documented rules, routes.ts the HTTP side.

export type { EmuCondition, EmuEntity, EmuRule, EmuTeam } from "./state";

export interface OpsgenieEmulatorOptions {
  apiKey?: string;
  /** Keys whose integration is read-only: writes get 403. */
  readOnlyKeys?: string[];
  /** Team integration keys: key -> the only team id it may touch (others: 403, code 40301). */
  teamKeys?: Record<string, string>;
  accountTimezone?: string;
  /** Account-wide sliding window (all calls). Default 600 per 60 s. */
  rateLimit?: { limit: number; windowMs: number };
}

export interface OpsgenieEmulator extends VendorEmulator, Omit<OpsgenieState, "record"> {
  readonly vendor: "opsgenie";
  /** `team:<name>`, `schedule:<name>`, `escalation:<name>` -> id. */
  seeded(): Record<string, string>;
  readonly rateWindow: SlidingWindow;
}

export function createOpsgenieEmulator(opts: OpsgenieEmulatorOptions = {}): OpsgenieEmulator {
  const apiKey = opts.apiKey ?? "opsgenie-emulator-key-0000";
  const state = createState(opts.accountTimezone ?? "America/Los_Angeles");
  const window = new SlidingWindow(opts.rateLimit?.limit ?? 600, opts.rateLimit?.windowMs ?? 60_000);
  const replies = createReplies();
  const access = { apiKey, readOnly: new Set(opts.readOnlyKeys ?? []), teamKeys: opts.teamKeys ?? {}, window };
  const server = new EmulatorServer("opsgenie", serverHooks(state, access, replies));
  registerRoutes(server, state, replies);
  // The state object itself, so that `accountTimezone` set on the emulator is the one seeding uses.
  const seeded = () => {
    const out: Record<string, string> = {};
    for (const [kind, pool] of [["team", state.teams], ["schedule", state.schedules], ["escalation", state.escalations]] as const)
      for (const e of pool.values()) out[`${kind}:${e.name}`] = e.id;
    return out;
  };
  return Object.assign(state, { vendor: "opsgenie" as const, credential: apiKey, rateWindow: window, server, seeded });
}

export { createAtlassianOpsEmulator, emulatorAccount, DEFAULT_KNOBS } from "./atlassian";
export type { AtlassianOpsEmulator, AtlassianOpsEmulatorOptions, AtlassianOpsKnobs, OpsProduct } from "./atlassian";
