import type { EmulatorServer, VendorEmulator } from "../../emulator-kit/framework";
import { rootlyServer } from "./routes";
import { applyPending, createState, newRoute, seed, seedDemo, type CatalogKind, type EmuAlert, type StoredRoute } from "./state";

// An in-memory Rootly `/v1/alert_routes` API written from Rootly's published docs:
// JSON:API bodies and media type, Bearer auth, `errors[]` envelopes, 404 for routes of
// other teams, 422 for invalid routes, per-key sliding-window limits (5 reads / 3 writes
// per 60 s by default) with X-RateLimit-* headers on every response, and the optional
// asynchronous rule processing where a write's response shows the old rules for a while,
// with its status endpoint (`async_rule_creation_status/{request_id}`, plain JSON).
// state.ts holds the data, validation.ts the documented rules, routes.ts the HTTP surface.

export type { CatalogKind, StoredRoute, EmuAlert as RootlyEmuAlert } from "./state";

export const ROOTLY_EMULATOR_TOKEN = "rootly-emulator-token-4b1d9e";

export interface RootlyEmulatorOptions {
  /** The token the emulator accepts (scoped to every team). Default ROOTLY_EMULATOR_TOKEN. */
  token?: string;
  /** Calls per key per window: defaults 5 reads and 3 writes per 60 s, as documented. */
  limits?: { read?: number; write?: number; windowMs?: number };
  /** Multiplies the rate-limit window and the async rule delay (e.g. 0.01 in tests). Default 1. */
  timeScale?: number;
  /** Asynchronous rule processing: rules written show up after this many ms (before timeScale). Off by default. */
  asyncRulesDelayMs?: number;
  /** Serve `GET /v1/alert_routes/{id}/async_rule_creation_status/{request_id}`. Default true. */
  asyncStatusEndpoint?: boolean;
  /** Without Advanced Alert Routing every alert route call is refused (403). Default true. */
  advancedAlertRouting?: boolean;
}

export interface RootlyEmulator extends VendorEmulator {
  readonly vendor: "rootly";
  /** `<kind>:<name>` -> id of the demo catalog (alertSource, service, team, group, escalationPolicy, alertUrgency). */
  seeded(): Record<string, string>;
  readonly routes: Map<string, StoredRoute>;
  readonly catalog: Map<CatalogKind, Map<string, string>>;
  /**
   * A route as if made in Rootly's UI; returns its id. Names need not be unique: Rootly does not
   * enforce unique alert route names.
   */
  seedRoute(route: Partial<Omit<StoredRoute, "id">> & { name: string }): string;
  /** Adds a catalog object (alert source, service, team...) and returns its id (stable for a kind and name). */
  seed(kind: CatalogKind, name: string): string;
  /** Another API key, optionally limited to some teams (routes of other teams answer 404). */
  addToken(token: string, opts?: { teamIds?: string[] }): void;
  /** Revokes a token (a rotated key): it gets 401 from then on. */
  revokeToken(token: string): void;
  /** Turns asynchronous rule processing on (delay in ms, before timeScale) or off. */
  setAsyncRules(delayMs: number | false): void;
  /** Turns the async rule status endpoint on or off (off: 404, as on an API without it). */
  setAsyncStatusEndpoint(on: boolean): void;
  /** The next write's rules fail asynchronous processing with this error (its status says so; the rules stay as they were). */
  failNextAsyncRules(error: string): void;
  /** Every non-JSON 502 page (a proxy's) quotes the request's bare token, for the next `times` requests. */
  proxyErrorPages(times: number): void;
  setLimits(limits: { read?: number; write?: number; windowMs?: number }): void;
  /** Applies pending async rules now. */
  flushPendingRules(): void;
  readonly demoIds: Record<string, string>;
  /** The alerts `GET /v1/alerts` serves. */
  readonly alerts: EmuAlert[];
  /** Adds alerts (id and created_at filled in when missing: one second apart, in the order given). */
  addAlerts(alerts: { id?: string; attributes: Partial<EmuAlert["attributes"]> }[]): EmuAlert[];
}

export function createRootlyEmulator(opts: RootlyEmulatorOptions = {}): RootlyEmulator {
  const token = opts.token ?? ROOTLY_EMULATOR_TOKEN;
  const s = createState({
    token,
    scale: opts.timeScale ?? 1,
    read: opts.limits?.read ?? 5,
    write: opts.limits?.write ?? 3,
    windowMs: opts.limits?.windowMs ?? 60_000,
    asyncDelay: opts.asyncRulesDelayMs ?? false,
    statusEndpoint: opts.asyncStatusEndpoint ?? true,
  });
  const server: EmulatorServer = rootlyServer(s, { advancedAlertRouting: opts.advancedAlertRouting !== false });
  return {
    vendor: "rootly",
    server,
    credential: token,
    routes: s.routes,
    catalog: s.catalog,
    demoIds: s.demoIds,
    alerts: s.alerts,
    addAlerts: (list) =>
      list.map((a) => {
        const n = s.alerts.length;
        const full: EmuAlert = { id: a.id ?? `rootly-alert-${n + 1}`, type: "alerts", attributes: { summary: "", created_at: new Date(Date.UTC(2026, 0, 1) + n * 1000).toISOString(), ...a.attributes } };
        s.alerts.push(full);
        return full;
      }),
    seed: (kind, name) => seed(s, kind, name),
    seedRoute: (route) => {
      const r = { ...newRoute(), ...route };
      s.routes.set(r.id, r);
      return r.id;
    },
    addToken: (t, o = {}) => void s.tokens.set(t, o),
    revokeToken: (t) => void s.tokens.delete(t),
    setAsyncRules: (d) => void (s.asyncDelay = d),
    setAsyncStatusEndpoint: (on) => void (s.statusEndpoint = on),
    failNextAsyncRules: (e) => void (s.nextRulesError = e),
    proxyErrorPages: (n) => void (s.proxyPages = n),
    setLimits(l) {
      if (l.read !== undefined) s.readWin.limit = l.read;
      if (l.write !== undefined) s.writeWin.limit = l.write;
      if (l.windowMs !== undefined) s.readWin.windowMs = s.writeWin.windowMs = l.windowMs * s.scale;
    },
    flushPendingRules: () => s.routes.forEach((r) => applyPending(r, true)),
    seedDemo: () => {
      seedDemo(s);
      // A few alerts for `impact --recent`, from the demo alert source when it has one.
      const source = Object.entries(s.demoIds).find(([k]) => k.startsWith("alertSource:"))?.[1] ?? null;
      if (s.alerts.length === 0)
        for (const [i, [summary, service]] of [["payments API 5xx", "payments-api"], ["checkout slow", "checkout"], ["disk 90% on db-1", "database"]].entries())
          s.alerts.push({ id: `rootly-alert-${i + 1}`, type: "alerts", attributes: { summary, status: "triggered", alerts_source_id: source, data: { service, host: `host-${i + 1}` }, created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString() } });
    },
    seeded: () => ({ ...s.demoIds }),
  };
}
