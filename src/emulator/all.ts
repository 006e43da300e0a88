import { seededUuid, type VendorEmulator } from "../emulator-kit/framework";
import "../vendors";
import { registeredVendors } from "../core/vendor";
import type { FlashdutyEmulator } from "../flashduty/emulator";
import { createAtlassianOpsEmulator, emulatorAccount, type AtlassianOpsEmulator, type OpsgenieEmulator } from "../opsgenie/emulator";
import type { RootlyEmulator } from "../rootly/emulator";

/** Every vendor's emulator by vendor name (typed for the built-in three), and one stop for all. */
export type RunningEmulators = Record<string, VendorEmulator> & {
  flashduty: FlashdutyEmulator;
  rootly: RootlyEmulator;
  opsgenie: OpsgenieEmulator;
  /** JSM Operations and Compass Operations (accounts of the Opsgenie resource: `opsgenie:accounts`). */
  "jsm-ops": AtlassianOpsEmulator;
  stop(): Promise<void>;
};

/** Every emulator startAll runs, by name: the registered vendors, then Opsgenie's successors. */
export const emulatorNames = (): string[] => [...registeredVendors().map((v) => v.name), "jsm-ops"];

export interface StartAllOptions {
  /**
   * Demo data: `false` none; `true` (the default) with fresh ids where a vendor makes them up; a string: the
   * same ids (and Flashduty key and Atlassian cloud id) on every run with that string.
   */
  seed?: boolean | string;
  /** The first emulator's port; the others take the next ones in `emulatorNames()` order. Default: free ports. */
  port?: number;
  rootlyTimeScale?: number;
}

/** Starts every vendor's emulator on 127.0.0.1 (free ports unless `port`), seeded with demo data unless `seed` is false. */
export async function startAll(opts: StartAllOptions = {}): Promise<RunningEmulators> {
  const fixed = typeof opts.seed === "string" ? opts.seed : undefined;
  const options: Record<string, unknown> = {
    rootly: { timeScale: opts.rootlyTimeScale ?? 1 },
    ...(fixed !== undefined ? { flashduty: { appKey: `fd-emu-${seededUuid(fixed, "appKey").replace(/-/g, "").slice(0, 16)}` } } : {}),
  };
  const all: (readonly [string, VendorEmulator])[] = await Promise.all(registeredVendors().map(async (v) => [v.name, await v.emulator(options[v.name] as never)] as const));
  // Opsgenie's successors: the same resource reaches them through a named account.
  all.push(["jsm-ops", createAtlassianOpsEmulator(fixed !== undefined ? { cloudId: seededUuid(fixed, "cloudId") } : {})]);
  const started = await Promise.allSettled(all.map(([, e], i) => e.server.start(opts.port === undefined ? 0 : opts.port + i)));
  const failed = started.findIndex((r) => r.status === "rejected");
  if (failed >= 0) {
    await Promise.all(all.filter((_, i) => started[i].status === "fulfilled").map(([, e]) => e.server.stop()));
    const reason = (started[failed] as PromiseRejectedResult).reason as NodeJS.ErrnoException;
    const port = opts.port === undefined ? "a free port" : `port ${opts.port + failed}`;
    throw new Error(`${all[failed][0]} emulator: cannot listen on ${port} (${reason.code ?? reason.message})`);
  }
  if (opts.seed !== false) for (const [, e] of all) e.seedDemo(fixed);
  const byName = Object.fromEntries(all);
  return { ...byName, stop: async () => void (await Promise.all(all.map(([, e]) => e.server.stop()))) } as RunningEmulators;
}

/** The env vars that point the resources at running emulators. */
export function envFor(running: Record<string, VendorEmulator | unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const v of registeredVendors()) {
    const e = running[v.name] as VendorEmulator | undefined;
    if (!e) continue;
    env[v.settings.urlEnv] = e.server.url;
    env[v.settings.credentialEnv] = e.credential;
  }
  const ops = running["jsm-ops"] as AtlassianOpsEmulator | undefined;
  if (ops) env.OPSGENIE_ACCOUNTS = JSON.stringify({ jsm: emulatorAccount(ops, "jsm"), compass: emulatorAccount(ops, "compass") });
  return env;
}

/** What each running emulator holds to route to (`"<kind>:<name>"` -> id), by vendor. */
export function seededFor(running: Record<string, VendorEmulator | unknown>): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const v of emulatorNames()) {
    const e = running[v] as VendorEmulator | undefined;
    if (e?.seeded) out[v] = e.seeded();
  }
  return out;
}

/** `pulumi config set` lines that point a stack at the running emulators (the credential as a secret). */
export function configFor(running: Record<string, VendorEmulator | unknown>): string[] {
  const lines: string[] = [];
  for (const v of registeredVendors()) {
    const e = running[v.name] as VendorEmulator | undefined;
    if (!e) continue;
    lines.push(`pulumi config set ${v.name}:${v.settings.urlKey} ${e.server.url}`);
    lines.push(`pulumi config set --secret ${v.name}:${v.settings.credentialKey} ${e.credential}`);
  }
  const ops = running["jsm-ops"] as AtlassianOpsEmulator | undefined;
  if (ops)
    for (const product of ["jsm", "compass"] as const)
      for (const [k, v] of Object.entries(emulatorAccount(ops, product)))
        lines.push(`pulumi config set ${k === "apiToken" ? "--secret " : ""}--path opsgenie:accounts.${product}.${k} ${v}`);
  return lines;
}

/** A Flashduty mapping schema as rows need it: every row carries each source and result label. */
export interface SchemaLabels {
  id: string;
  sourceLabels: string[];
  resultLabels: string[];
}

/** The Flashduty emulator's mapping schemas by name, with their labels (what `FlashdutyMappingData` rows must hold). */
export function schemasFor(running: Record<string, VendorEmulator | unknown>): Record<string, SchemaLabels> {
  const fd = running.flashduty as FlashdutyEmulator | undefined;
  const out: Record<string, SchemaLabels> = {};
  for (const s of fd?.schemas.values() ?? []) out[s.schema_name] = { id: s.schema_id, sourceLabels: [...s.source_labels], resultLabels: [...s.result_labels] };
  return out;
}
