// The last N alerts of each vendor's alert API, as simulator alerts, for `alert-routing impact --recent`.
// Read with the package's clients (pacing, retries, redaction as for the resources); read-only.
import { resolveEndpoint, setting, VENDOR_SETTINGS } from "../core/config";
import { redactSecrets } from "../core/errors";
import { VendorClient } from "../core/http";
import { post } from "../flashduty/client";
import { flashdutyProtocol } from "../flashduty/protocol";
import { opsgenieProtocol } from "../opsgenie/protocol";
import { rootlyProtocol } from "../rootly/protocol";
import type { FlashdutyAlert, OpsgenieAlert, RootlyAlert, Vendor } from "../simulator/types";
import type { CorpusAlert } from "./impact";

export interface RecentOptions {
  vendors: Vendor[];
  /** Progress lines (stderr); redacted. */
  progress: (line: string) => void;
  /** Vendors given explicitly must be configured; otherwise an unconfigured vendor is skipped. Default false. */
  strict?: boolean;
}

const PAGE = 100;

function configured(vendor: Vendor): boolean {
  const s = VENDOR_SETTINGS[vendor];
  return !!s && !!setting(vendor, s.credentialKey, s.credentialEnv);
}

export async function recentAlerts(n: number, opts: RecentOptions): Promise<CorpusAlert[]> {
  const say = (line: string) => opts.progress(redactSecrets(line));
  const out: CorpusAlert[] = [];
  const readers: Record<Vendor, () => Promise<CorpusAlert[]>> = {
    opsgenie: async () => (await recentOpsgenie(n, say)).map((a) => ({ opsgenie: a.alert, at: a.at })),
    rootly: async () => (await recentRootly(n, say)).map((a) => ({ rootly: a.alert, at: a.at })),
    flashduty: async () => (await recentFlashduty(n, say)).map((a) => ({ flashduty: a.alert, at: a.at })),
  };
  for (const v of opts.vendors) {
    if (!opts.strict && !configured(v)) {
      say(`${v}: no credential configured, skipped`);
      continue;
    }
    out.push(...(await readers[v]()));
  }
  return out;
}

interface Read<A> {
  alert: A;
  at: string;
}

// ---- Opsgenie: List Alerts (newest first), then Get Alert for the fields the list leaves out ----

interface OgListed {
  id: string;
  message?: string;
  alias?: string;
  source?: string;
  tags?: string[];
  priority?: string;
  responders?: { type: string; id: string }[];
  createdAt: string;
}
interface OgFull extends OgListed {
  description?: string;
  entity?: string;
  actions?: string[];
  details?: Record<string, string>;
}

async function recentOpsgenie(n: number, say: (l: string) => void): Promise<Read<OpsgenieAlert>[]> {
  const c = new VendorClient(opsgenieProtocol, resolveEndpoint("opsgenie"));
  const listed: OgListed[] = [];
  while (listed.length < n) {
    const limit = Math.min(PAGE, n - listed.length);
    const r = await c.call<{ data?: OgListed[] }>({ method: "GET", path: "/v2/alerts", query: { limit, offset: listed.length, sort: "createdAt", order: "desc" } });
    const page = r.body.data ?? [];
    listed.push(...page);
    say(`opsgenie: listed ${listed.length} alert${listed.length === 1 ? "" : "s"}`);
    if (page.length < limit) break;
  }
  // Responders name teams by id; the routing names them by name: look each team up once.
  const teamNames = new Map<string, string>();
  const out: Read<OpsgenieAlert>[] = [];
  for (const [i, l] of listed.entries()) {
    const full = (await c.call<{ data: OgFull }>({ method: "GET", path: `/v2/alerts/${encodeURIComponent(l.id)}`, query: { identifierType: "id" } })).body.data;
    const routeTo: string[] = [];
    for (const t of (full.responders ?? []).filter((x) => x.type === "team")) {
      if (!teamNames.has(t.id)) {
        const team = await c.call<{ data?: { name?: string } }>({ method: "GET", path: `/v2/teams/${encodeURIComponent(t.id)}`, query: { identifierType: "id" } }).catch(() => undefined);
        teamNames.set(t.id, team?.body.data?.name ?? t.id);
      }
      routeTo.push(teamNames.get(t.id) ?? t.id);
    }
    if ((i + 1) % 25 === 0 || i + 1 === listed.length) say(`opsgenie: read ${i + 1}/${listed.length} alerts`);
    const alert: OpsgenieAlert = {
      ...(full.message !== undefined ? { message: full.message } : {}),
      ...(full.alias !== undefined ? { alias: full.alias } : {}),
      ...(full.description !== undefined ? { description: full.description } : {}),
      ...(full.source !== undefined ? { source: full.source } : {}),
      ...(full.entity !== undefined ? { entity: full.entity } : {}),
      tags: full.tags ?? [],
      actions: full.actions ?? [],
      details: full.details ?? {},
      ...(full.priority ? { priority: full.priority } : {}),
      // Without team responders every declared team's rules run, as the simulator does.
      ...(routeTo.length ? { routeTo, teams: routeTo } : {}),
    };
    out.push({ alert, at: full.createdAt });
  }
  return out;
}

// ---- Rootly: GET /v1/alerts, newest first, paged ----

interface RtAlert {
  id: string;
  attributes: Record<string, unknown> & { data?: Record<string, unknown>; created_at?: string; alert_urgency_id?: string | null; alerts_source_id?: string | null; alert_field_values?: { alert_field_id: string; value: string }[] };
}

async function recentRootly(n: number, say: (l: string) => void): Promise<Read<RootlyAlert>[]> {
  const c = new VendorClient(rootlyProtocol, resolveEndpoint("rootly"));
  const got: RtAlert[] = [];
  const size = Math.min(PAGE, n);
  for (let page = 1; got.length < n; page++) {
    const r = await c.call<{ data?: RtAlert[]; meta?: { next_page?: number | null } }>({ method: "GET", path: "/v1/alerts", query: { "page[number]": page, "page[size]": size, sort: "-created_at" } });
    got.push(...(r.body.data ?? []).slice(0, n - got.length));
    say(`rootly: read ${got.length} alert${got.length === 1 ? "" : "s"} (page ${page})`);
    if (!r.body.meta?.next_page || !(r.body.data ?? []).length) break;
  }
  return got.map((a) => {
    const { data, alert_field_values, alert_urgency_id, alerts_source_id, created_at, ...attributes } = a.attributes;
    const alert: RootlyAlert = {
      payload: data ?? {},
      attributes: { ...attributes, ...(alert_urgency_id ? { urgency: alert_urgency_id } : {}) },
      ...(alert_urgency_id ? { urgencyId: alert_urgency_id } : {}),
      ...(alerts_source_id ? { alertsSourceId: alerts_source_id } : {}),
      alertFields: Object.fromEntries((alert_field_values ?? []).map((f) => [f.alert_field_id, f.value])),
    };
    return { alert, at: created_at ?? new Date().toISOString() };
  });
}

// ---- Flashduty: POST /alert/list, newest first, paged ----

interface FdAlert {
  title?: string;
  description?: string;
  alert_severity?: string;
  integration_id?: number;
  data_source_id?: number | string;
  labels?: Record<string, string>;
  start_time?: number;
}

async function recentFlashduty(n: number, say: (l: string) => void): Promise<Read<FlashdutyAlert>[]> {
  const c = new VendorClient(flashdutyProtocol, resolveEndpoint("flashduty"));
  const got: FdAlert[] = [];
  const limit = Math.min(PAGE, n);
  for (let p = 1; got.length < n; p++) {
    const data = await post<{ items?: FdAlert[]; has_next_page?: boolean }>(c, "/alert/list", { p, limit, asc: false }, { read: true });
    got.push(...(data?.items ?? []).slice(0, n - got.length));
    say(`flashduty: read ${got.length} alert${got.length === 1 ? "" : "s"} (page ${p})`);
    if (!data?.has_next_page || !(data.items ?? []).length) break;
  }
  return got.map((a) => ({
    alert: {
      ...(a.integration_id ? { integrationId: a.integration_id } : {}),
      ...(a.alert_severity !== undefined ? { severity: a.alert_severity } : {}),
      ...(a.title !== undefined ? { title: a.title } : {}),
      ...(a.description !== undefined ? { description: a.description } : {}),
      ...(a.data_source_id !== undefined ? { data_source_id: a.data_source_id } : {}),
      labels: a.labels ?? {},
    },
    at: new Date((a.start_time ?? Date.now() / 1000) * 1000).toISOString(),
  }));
}
