import { ignoreNotFound, kindForStatus, onceCache, processGlobal, VendorClient, VendorError, type RequestSpec, type VendorProtocol } from "../core";
import { targetOf, type ResolvedAccount } from "./accounts";
import { opsgenieProtocol } from "./protocol";
import { endpointHelp } from "../core/config";
import type { RulesPlatform } from "./platform";
import type { NNotify, NormalizedArgs } from "./team-routing-rule.diff";
import { fromAtlassianRule, fromWireRule, OPSGENIE_ONLY_FIELDS, type LiveRule, type WireRule } from "./wire";

// The RulesPlatform of JSM Operations and Compass Operations (`{base}/v1`, Basic auth,
// bare objects, offset/size paging, PATCH change-order); platform.ts has the interface,
// Opsgenie's client and the choice between them.

// Error bodies: live ones look like Opsgenie's `{message}`, the docs show `{errors:[{title}]}`.
function atlassianMessage(body: unknown, status: number): string {
  if (typeof body === "string" && body) return body.slice(0, 300);
  const b = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  if (typeof b.message === "string" && b.message) return b.message;
  if (Array.isArray(b.errors)) {
    const titles = b.errors
      .map((e) => (e && typeof e === "object" ? ((e as Record<string, unknown>).title ?? (e as Record<string, unknown>).detail ?? (e as Record<string, unknown>).message) : e))
      .filter((t): t is string => typeof t === "string" && t.length > 0);
    if (titles.length) return titles.join("; ");
  }
  if (Array.isArray(b.errorMessages) && b.errorMessages.length) return b.errorMessages.map(String).join("; ");
  return `HTTP ${status}`;
}

/** JSM / Compass Operations: Basic `email:api_token`, JSON, any 2xx is a success. */
export const atlassianOpsProtocol: VendorProtocol = {
  // Config namespace and limits are Opsgenie's (`opsgenie:rateLimits`): one resource, one namespace.
  vendor: "opsgenie",
  contentType: "application/json",
  defaultRateLimits: opsgenieProtocol.defaultRateLimits,
  authorize: (credential) => ({ headers: { authorization: `Basic ${Buffer.from(credential).toString("base64")}` } }),
  requestId: (headers, body) => {
    const fromBody = body && typeof body === "object" ? (body as Record<string, unknown>).requestId : undefined;
    return headers["x-request-id"] ?? headers["atl-traceid"] ?? (typeof fromBody === "string" ? fromBody : undefined);
  },
  toError: (status, body) => (status < 400 ? undefined : { kind: kindForStatus(status), message: atlassianMessage(body, status) }),
};

/**
 * Paths this client assumes where the facts file gives none (NOTES.md): notify by name
 * resolves through the team's escalations and the schedules list, both `{values, links.next}`.
 */
export const ATLASSIAN_LOOKUP_PATHS = {
  teams: "/v1/teams",
  escalations: (teamId: string) => `/v1/teams/${encodeURIComponent(teamId)}/escalations`,
  schedules: "/v1/schedules",
} as const;

/** Page size asked for; the server may answer fewer (max size unknown) and `links.next` is followed. */
const PAGE_SIZE = 100;

interface Page {
  values?: unknown[];
  links?: { next?: string | null };
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/** JSM Operations (`/jsm/ops/api/{cloudId}`) or Compass Operations (`/compass/cloud/{cloudId}/ops`). */
export class AtlassianOpsPlatform implements RulesPlatform {
  readonly target: string;
  readonly baseUrl: string;
  constructor(
    readonly platform: "jsm" | "compass",
    private readonly account: ResolvedAccount,
    cloudId: string,
  ) {
    this.target = targetOf(account, cloudId);
    const c = encodeURIComponent(cloudId);
    this.baseUrl = platform === "jsm" ? `${account.apiUrl}/jsm/ops/api/${c}` : `${account.apiUrl}/compass/cloud/${c}/ops`;
  }
  private client = () => new VendorClient(atlassianOpsProtocol, { vendor: "opsgenie", baseUrl: this.baseUrl, credential: this.account.credential, source: this.account.source });
  private rules = (teamId: string) => `/v1/teams/${encodeURIComponent(teamId)}/routing-rules`;
  private rule = (teamId: string, ruleId: string) => `${this.rules(teamId)}/${encodeURIComponent(ruleId)}`;
  private label = () => `${this.platform === "jsm" ? "JSM Operations" : "Compass Operations"} (account "${this.account.name}")`;

  /** Every page: `offset`/`size`, then `links.next` (relative to the base, or absolute) until it is absent. */
  private async all(path: string): Promise<unknown[]> {
    const out: unknown[] = [];
    let spec: RequestSpec = { method: "GET", path, query: { offset: 0, size: PAGE_SIZE } };
    for (let pages = 0; pages < 1000; pages++) {
      const r = await this.client().call<Page | unknown[] | undefined>(spec);
      const body = r.body;
      const values = Array.isArray(body) ? body : (body?.values ?? []);
      out.push(...values);
      const next = Array.isArray(body) ? undefined : str(body?.links?.next);
      if (!next || !values.length) return out;
      const u = new URL(next, "http://base.invalid");
      const basePath = new URL(this.baseUrl).pathname;
      const rel = /^https?:/.test(next) && u.pathname.startsWith(basePath) ? u.pathname.slice(basePath.length) : u.pathname;
      spec = { method: "GET", path: rel, query: Object.fromEntries(u.searchParams) };
    }
    return out;
  }

  async listWire(teamId: string): Promise<WireRule[]> {
    return (await this.all(this.rules(teamId))).map(fromAtlassianRule);
  }
  async list(teamId: string): Promise<LiveRule[]> {
    const rules = (await this.listWire(teamId)).map((w, i) => fromWireRule(w, i));
    // Evaluation order is `order`; pages are assumed to come in it, sorted to be sure.
    return rules.map((r, i) => ({ r, i })).sort((a, b) => (a.r.isDefault ? 1 : 0) - (b.r.isDefault ? 1 : 0) || a.r.order - b.r.order || a.i - b.i).map(({ r }, i) => ({ ...r, order: i }));
  }
  async get(teamId: string, ruleId: string): Promise<LiveRule | undefined> {
    const r = await ignoreNotFound(this.client().call<unknown>({ method: "GET", path: this.rule(teamId, ruleId) }));
    return r && fromWireRule(fromAtlassianRule(r.body));
  }
  async create(teamId: string, body: Record<string, unknown>, beforeSend: () => Promise<void>): Promise<string | undefined> {
    const r = await this.client().call<Record<string, unknown> | undefined>({ method: "POST", path: this.rules(teamId), body, beforeSend });
    // The rule (documented), or an Opsgenie-style `{data:{id}}`, or nothing (then the caller looks it up).
    const b = r.body && typeof r.body === "object" ? r.body : {};
    return str(b.id) ?? str((b.data as Record<string, unknown> | undefined)?.id);
  }
  async patch(teamId: string, ruleId: string, body: Record<string, unknown>): Promise<void> {
    await this.client().call({ method: "PATCH", path: this.rule(teamId, ruleId), body });
  }
  async remove(teamId: string, ruleId: string): Promise<void> {
    await this.client().call({ method: "DELETE", path: this.rule(teamId, ruleId) });
  }
  async move(teamId: string, ruleId: string, order: number): Promise<void> {
    await this.client().call({ method: "PATCH", path: `${this.rule(teamId, ruleId)}/change-order`, body: { order }, idempotent: true });
  }

  teams(): Promise<{ id: string; name: string }[]> {
    return onceCache<{ id: string; name: string }[]>("atlassian-teams.v1")(this.target, async () =>
      (await this.all(ATLASSIAN_LOOKUP_PATHS.teams)).flatMap((t) => {
        const o = (t ?? {}) as Record<string, unknown>;
        const id = str(o.teamId) ?? str(o.id);
        const n = str(o.teamName) ?? str(o.name) ?? str(o.displayName);
        return id && n ? [{ id, name: n }] : [];
      }),
    );
  }

  async teamId(name: string): Promise<string> {
    const found = (await this.teams()).filter((t) => t.name === name);
    if (found.length === 1) return found[0].id;
    if (found.length > 1) throw new VendorError({ vendor: "opsgenie", kind: "validation", message: `${this.label()} has ${found.length} teams named "${name}" (${found.map((t) => t.id).join(", ")}); give teamId instead` });
    throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `team "${name}" (teamName) does not exist in ${this.label()} (teams are listed and matched by name: there is no lookup by name)`, help: endpointHelp(this.account.apiUrl, this.account.source, "not_found") });
  }

  /** Escalations of the team and schedules, by type: `{id, name}`; listed once per process. */
  notifyTargets(type: "schedule" | "escalation", teamId: string): Promise<{ id: string; name: string }[]> {
    return this.targets(teamId, type);
  }
  private targets(teamId: string, type: "escalation" | "schedule"): Promise<{ id: string; name: string }[]> {
    const path = type === "escalation" ? ATLASSIAN_LOOKUP_PATHS.escalations(teamId) : ATLASSIAN_LOOKUP_PATHS.schedules;
    return onceCache<{ id: string; name: string }[]>("atlassian-notify-targets.v1")(`${this.target}\u0000${type}\u0000${type === "escalation" ? teamId : ""}`, async () =>
      (await this.all(path)).flatMap((x) => {
        const o = (x ?? {}) as Record<string, unknown>;
        const id = str(o.id);
        const n = str(o.name);
        const owner = str(o.teamId) ?? str((o.ownerTeam as Record<string, unknown> | undefined)?.id);
        // Schedules are account-wide; one owned by another team is not this team's.
        return id && n && (type === "escalation" || owner === undefined || owner === teamId) ? [{ id, name: n }] : [];
      }),
    );
  }

  private names = () => processGlobal("atlassian-notify-names.v1", () => new Map<string, string>());
  private nameKey = (teamId: string, type: string, id: string) => `${this.target}\u0000${teamId}\u0000${type}\u0000${id}`;
  remember(teamId: string, type: string | undefined, id: string | undefined, name: string | undefined): void {
    if (type && id && name) this.names().set(this.nameKey(teamId, type, id), name);
  }

  private async resolveNotify(teamId: string, notify: NNotify): Promise<NNotify> {
    if (notify.type === "none" || notify.name === undefined) return notify;
    const found = (await this.targets(teamId, notify.type)).filter((t) => t.name === notify.name);
    if (found.length !== 1)
      throw new VendorError({
        vendor: "opsgenie",
        kind: "validation",
        message: found.length
          ? `${this.label()}: ${found.length} ${notify.type}s are named "${notify.name}"; give notify.id instead`
          : `${this.label()}: no ${notify.type} named "${notify.name}" ${notify.type === "escalation" ? `in team ${teamId}` : "for this team"} (names are resolved by listing ${notify.type}s; give notify.id to skip that)`,
      });
    this.remember(teamId, notify.type, found[0].id, notify.name);
    return { type: notify.type, id: found[0].id };
  }

  async prepare(teamId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const criteria = body.criteria as { conditions?: { field: string }[] } | undefined;
    const bad = criteria?.conditions?.findIndex((c) => OPSGENIE_ONLY_FIELDS.includes(c.field)) ?? -1;
    if (bad >= 0)
      throw new VendorError({ vendor: "opsgenie", kind: "validation", message: `criteria.conditions[${bad}].field: ${criteria!.conditions![bad].field} is an Opsgenie field that ${this.label()} does not have` });
    const out = { ...body };
    if (body.notify) out.notify = await this.resolveNotify(teamId, body.notify as NNotify);
    return out;
  }
  async byId(teamId: string, n: NormalizedArgs): Promise<NormalizedArgs> {
    return { ...n, notify: await this.resolveNotify(teamId, n.notify) };
  }
  named(teamId: string, live: LiveRule): LiveRule {
    const { type, id, name } = live.notify;
    if (type === "none" || id === undefined || name !== undefined) return live;
    const known = this.names().get(this.nameKey(teamId, type, id));
    return known === undefined ? live : { ...live, notify: { ...live.notify, name: known } };
  }
}
