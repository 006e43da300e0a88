import { EmulatorServer, SlidingWindow, type VendorEmulator } from "../../emulator-kit/framework";
import { registerAlertRoutes, registerRoutes, createReplies, serverHooks } from "./routes";
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
  /** The alerts List Alerts serves, in the Alert API's shape (newest `createdAt` first when listed). */
  readonly alerts: EmuAlert[];
  /** Adds alerts (id, tinyId and createdAt filled in when missing: one second apart, in the order given). */
  addAlerts(alerts: Partial<EmuAlert>[]): EmuAlert[];
}

/** An alert as Get Alert returns it (List Alerts leaves out description, details, entity and actions). */
export interface EmuAlert {
  id: string;
  tinyId: string;
  message: string;
  alias?: string;
  description?: string;
  source?: string;
  entity?: string;
  tags: string[];
  actions: string[];
  details: Record<string, string>;
  priority: string;
  responders: { type: "team" | "user" | "escalation" | "schedule"; id: string }[];
  createdAt: string;
}

export function createOpsgenieEmulator(opts: OpsgenieEmulatorOptions = {}): OpsgenieEmulator {
  const apiKey = opts.apiKey ?? "opsgenie-emulator-key-0000";
  const state = createState(opts.accountTimezone ?? "America/Los_Angeles");
  const window = new SlidingWindow(opts.rateLimit?.limit ?? 600, opts.rateLimit?.windowMs ?? 60_000);
  const replies = createReplies();
  const access = { apiKey, readOnly: new Set(opts.readOnlyKeys ?? []), teamKeys: opts.teamKeys ?? {}, window };
  const server = new EmulatorServer("opsgenie", serverHooks(state, access, replies));
  registerRoutes(server, state, replies);
  const alerts: EmuAlert[] = [];
  registerAlertRoutes(server, alerts, replies);
  const addAlerts = (list: Partial<EmuAlert>[]) =>
    list.map((a) => {
      const n = alerts.length;
      const full: EmuAlert = { id: `alert-${n + 1}`, tinyId: String(n + 1), message: "", tags: [], actions: [], details: {}, priority: "P3", responders: [], createdAt: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(), ...a };
      alerts.push(full);
      return full;
    });
  // The state object itself, so that `accountTimezone` set on the emulator is the one seeding uses.
  const seeded = () => {
    const out: Record<string, string> = {};
    for (const [kind, pool] of [["team", state.teams], ["schedule", state.schedules], ["escalation", state.escalations]] as const)
      for (const e of pool.values()) out[`${kind}:${e.name}`] = e.id;
    return out;
  };
  // The demo account has a few alerts too, so `impact --recent` has something to read.
  const seedTeams = state.seedDemo.bind(state);
  const seedDemo = (seed?: string) => {
    seedTeams(seed);
    const team = (name: string) => [...state.teams.values()].filter((t) => t.name === name).map((t) => ({ type: "team" as const, id: t.id }));
    if (alerts.length === 0)
      addAlerts([
        { message: "replica lag on db-2", tags: ["database"], priority: "P3", source: "rds", responders: team("Platform") },
        { message: "primary down", tags: ["database", "critical"], priority: "P1", details: { region: "eu" }, responders: team("Platform") },
        { message: "checkout latency", tags: ["payments"], priority: "P2", responders: team("Payments") },
      ]);
  };
  return Object.assign(state, { vendor: "opsgenie" as const, credential: apiKey, rateWindow: window, server, seeded, alerts, addAlerts, seedDemo });
}

export { createAtlassianOpsEmulator, emulatorAccount, DEFAULT_KNOBS } from "./atlassian";
export type { AtlassianOpsEmulator, AtlassianOpsEmulatorOptions, AtlassianOpsKnobs, OpsProduct } from "./atlassian";
