// An in-memory Flashduty API (routing rules and mapping data), written from the
// vendor's OpenAPI extract and docs: `?app_key=` auth, `{request_id, data}` /
// `{request_id, error}` envelopes, the Flashcat-Request-Id header, version
// checks, mapping limits, one writer per schema, and 50/s + 1,000/min limits.
// state.ts keeps the data, validation.ts the documented rules, server.ts the
// shared HTTP surface, routes.ts the endpoints.
import { randomBytes } from "node:crypto";
import type { EmulatorServer, VendorEmulator } from "../../emulator-kit/framework";
import { registerAlertList, registerRoutes, PATHS, type EmuAlert } from "./routes";
import { flashdutyServer, replies, type Glitches } from "./server";
import { FlashdutyState, type EmuChannel, type EmuRoute, type EmuRow, type EmuSchema } from "./state";
import { MAPPING_LIMITS } from "./validation";

export type { EmuRoute, EmuRouteCase, EmuRow, EmuSchema } from "./state";
export type { EmuAlert as FlashdutyEmuAlert } from "./routes";

export interface FlashdutyEmulatorOptions {
  /** The APP key the emulator accepts (random when omitted). */
  appKey?: string;
  perSecond?: number;
  perMinute?: number;
  /** Rows a schema may hold (documented default 10,000). */
  maxRows?: number;
  /** Holds the per-schema write lock this long on each upsert (to provoke RequestTooFrequently). */
  upsertDelayMs?: number;
  /** Answer errors with HTTP 200 and the error envelope, as some Flashduty endpoints do. */
  errorsWithHttp200?: boolean;
}

export interface FlashdutyEmulator extends VendorEmulator {
  readonly vendor: "flashduty";
  /** `integration:<id>`, `channel:<name>`, `schema:<name>` -> id. */
  seeded(): Record<string, string>;
  readonly integrations: Set<number>;
  readonly channels: Map<number, EmuChannel>;
  readonly routes: Map<number, EmuRoute>;
  readonly schemas: Map<string, EmuSchema>;
  readonly data: Map<string, Map<string, EmuRow>>;
  options: Required<Omit<FlashdutyEmulatorOptions, "appKey">>;
  seedIntegration(id: number): void;
  seedChannel(id: number, name?: string): void;
  seedSchema(s: { sourceLabels: string[]; resultLabels: string[]; name?: string; id?: string }): string;
  /** An edit made in the console: writes the rule unconditionally and bumps its version. */
  editRouteOutOfBand(integrationId: number, change: (r: EmuRoute) => void): EmuRoute;
  rows(schemaId: string): EmuRow[];
  /**
   * The next `times` requests to `path` answer as if the object were missing: a
   * `ResourceNotFound` error, or `data: null` (what a lagging replica or a proxy
   * in a bad moment gives). Nothing is changed.
   */
  answerMissing(path: string, opts?: { times?: number; as?: "not-found" | "null" }): void;
  /** The next `times` requests to `path` get a 502 HTML page from a "proxy" that quotes the APP key with no prefix. */
  proxyPageQuotingKey(path: string, times?: number): void;
  /** Forgets what `answerMissing` and `proxyPageQuotingKey` set up. */
  clearGlitches(): void;
  /** The alerts `/alert/list` serves. */
  readonly alerts: EmuAlert[];
  /** Adds alerts (alert_id and start_time filled in when missing: one second apart, in the order given). */
  addAlerts(alerts: Partial<EmuAlert>[]): EmuAlert[];
}

export function createFlashdutyEmulator(opts: FlashdutyEmulatorOptions = {}): FlashdutyEmulator {
  const appKey = opts.appKey ?? `fd-emu-${randomBytes(8).toString("hex")}`;
  const options = {
    perSecond: opts.perSecond ?? 50,
    perMinute: opts.perMinute ?? 1000,
    maxRows: opts.maxRows ?? MAPPING_LIMITS.rowsPerSchema,
    upsertDelayMs: opts.upsertDelayMs ?? 0,
    errorsWithHttp200: opts.errorsWithHttp200 ?? false,
  };
  const state = new FlashdutyState();
  const glitches: Glitches = { missing: new Map(), proxyPages: new Map() };
  const reply = replies(options);
  const server: EmulatorServer = flashdutyServer({ appKey, options, glitches, paths: PATHS, reply });
  registerRoutes({ server, state, reply, options });
  const alerts: EmuAlert[] = [];
  registerAlertList({ server, state, reply, options }, alerts);
  const addAlerts = (list: Partial<EmuAlert>[]) =>
    list.map((a) => {
      const n = alerts.length;
      const full: EmuAlert = { alert_id: `fd-alert-${n + 1}`, title: "", alert_severity: "Info", integration_id: 0, labels: {}, start_time: Date.UTC(2026, 0, 1) / 1000 + n, ...a };
      alerts.push(full);
      return full;
    });
  return {
    alerts,
    addAlerts,
    vendor: "flashduty",
    server,
    credential: appKey,
    integrations: state.integrations,
    channels: state.channels,
    routes: state.routes,
    schemas: state.schemas,
    data: state.data,
    options,
    seedIntegration: (id) => void state.integrations.add(id),
    seedChannel: (id, name) => state.seedChannel(id, name),
    seedSchema: (s) => state.seedSchema(s),
    editRouteOutOfBand: (id, change) => state.editRouteOutOfBand(id, change),
    rows: (schemaId) => [...state.rowsOf(schemaId).values()],
    answerMissing: (path, o = {}) => void glitches.missing.set(path, { left: o.times ?? 1, as: o.as ?? "not-found" }),
    proxyPageQuotingKey: (path, times = 1) => void glitches.proxyPages.set(path, times),
    clearGlitches() {
      glitches.missing.clear();
      glitches.proxyPages.clear();
    },
    seedDemo: () => {
      state.seedDemo();
      // A few alerts for `impact --recent`, on the demo integration.
      if (alerts.length === 0)
        addAlerts([
          { title: "server01 cpu high", alert_severity: "Warning", integration_id: 6113996590131, labels: { host: "server01", service: "api" } },
          { title: "gateway down", alert_severity: "Critical", integration_id: 6113996590131, labels: { host: "server02", service: "gateway" } },
          { title: "payments queue backlog", alert_severity: "Info", integration_id: 6113996590132, labels: { service: "payments" } },
        ]);
    },
    seeded() {
      const out: Record<string, string> = {};
      for (const id of state.integrations) out[`integration:${id}`] = String(id);
      for (const c of state.channels.values()) out[`channel:${c.channel_name}`] = String(c.channel_id);
      for (const sc of state.schemas.values()) out[`schema:${sc.schema_name}`] = sc.schema_id;
      return out;
    },
  };
}
