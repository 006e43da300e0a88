import { createHash } from "node:crypto";
import { ignoreNotFound, onceCache, VendorClient, VendorError } from "../core";
import { cloudIdOf, resolveAccount, targetOf, type Platform, type ResolvedAccount } from "./accounts";
import { opsgenieProtocol } from "./protocol";
import { endpointHelp } from "../core/config";
import type { NormalizedArgs } from "./team-routing-rule.diff";
import { fromWireRule, type LiveRule, type WireRule } from "./wire";
import { AtlassianOpsPlatform } from "./platform.atlassian";

// The one seam between the routing rule provider and where its rules live: Opsgenie
// (`/v2`, GenieKey, `{data}` envelopes) or JSM / Compass Operations (`{base}/v1`, Basic
// auth, bare objects, offset/size paging, PATCH change-order). The provider and the
// placement talk only to this interface; wire.ts maps the fields.

export interface RulesPlatform {
  readonly platform: Platform;
  /** Where the rules live, no credential (recorded in the outputs). */
  readonly target: string;
  /** For lock files: the API base this client calls. */
  readonly baseUrl: string;
  /** Every rule of the team in evaluation order (the default rule last). */
  list(teamId: string): Promise<LiveRule[]>;
  /** The team's rules as read, in Opsgenie's wire shape, unknown keys kept (export reports them). */
  listWire(teamId: string): Promise<WireRule[]>;
  /** Every team of the account (export, preflight). */
  teams(): Promise<{ id: string; name: string }[]>;
  /** The schedules or escalations a rule of the team may notify (preflight). */
  notifyTargets(type: "schedule" | "escalation", teamId: string): Promise<{ id: string; name: string }[]>;
  /** One rule; undefined on 404. */
  get(teamId: string, ruleId: string): Promise<LiveRule | undefined>;
  /**
   * POSTs a rule (`body` from `toCreateBody`, notify already `prepare`d); `beforeSend`
   * runs in the write slot and may edit the body. The new id, or undefined when the
   * response carried none (the caller looks it up by name).
   */
  create(teamId: string, body: Record<string, unknown>, beforeSend: () => Promise<void>): Promise<string | undefined>;
  /** PATCHes the rule with the whole managed body (partial or full PATCH alike). */
  patch(teamId: string, ruleId: string, body: Record<string, unknown>): Promise<void>;
  /** Deletes; throws not_found when it is already gone. */
  remove(teamId: string, ruleId: string): Promise<void>;
  /** Puts the rule at `order` (idempotent). */
  move(teamId: string, ruleId: string, order: number): Promise<void>;
  /** Team name -> id (once per process). */
  teamId(name: string): Promise<string>;
  /** A body as this platform takes it: notify by name resolved to an id where the API has no names. */
  prepare(teamId: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The declared args with notify by id where reads return ids only (compare by id). */
  byId(teamId: string, n: NormalizedArgs): Promise<NormalizedArgs>;
  /** The rule with its notify name filled in from what this process resolved (reads on JSM give ids only). */
  named(teamId: string, live: LiveRule): LiveRule;
  /** Teaches `named` a stored name/id pair (refresh: the outputs hold both). */
  remember(teamId: string, type: string | undefined, id: string | undefined, name: string | undefined): void;
}

interface Envelope<T> {
  data: T;
}

/** Opsgenie REST v2 (until 2027-04-05). */
class OpsgeniePlatform implements RulesPlatform {
  readonly platform = "opsgenie" as const;
  readonly target: string;
  readonly baseUrl: string;
  constructor(private readonly account: ResolvedAccount) {
    this.target = targetOf(account);
    this.baseUrl = account.apiUrl;
  }
  private client = () => new VendorClient(opsgenieProtocol, { vendor: "opsgenie", baseUrl: this.baseUrl, credential: this.account.credential, source: this.account.source });
  private rules = (teamId: string) => `/v2/teams/${encodeURIComponent(teamId)}/routing-rules`;
  private rule = (teamId: string, ruleId: string) => `${this.rules(teamId)}/${encodeURIComponent(ruleId)}`;

  async list(teamId: string): Promise<LiveRule[]> {
    return (await this.listWire(teamId)).map((w, i) => fromWireRule(w, i));
  }
  async listWire(teamId: string): Promise<WireRule[]> {
    const r = await this.client().call<Envelope<WireRule[]>>({ method: "GET", path: this.rules(teamId) });
    return r.body.data ?? [];
  }
  async teams(): Promise<{ id: string; name: string }[]> {
    const r = await this.client().call<Envelope<{ id: string; name: string }[]>>({ method: "GET", path: "/v2/teams" });
    return (r.body.data ?? []).map((t) => ({ id: t.id, name: t.name }));
  }
  /** Schedules and escalations are account-wide on Opsgenie (`GET /v2/schedules`, `GET /v2/escalations`). */
  async notifyTargets(type: "schedule" | "escalation"): Promise<{ id: string; name: string }[]> {
    const r = await this.client().call<Envelope<{ id: string; name: string }[]>>({ method: "GET", path: type === "schedule" ? "/v2/schedules" : "/v2/escalations" });
    return (r.body.data ?? []).map((t) => ({ id: t.id, name: t.name }));
  }
  async get(teamId: string, ruleId: string): Promise<LiveRule | undefined> {
    const r = await ignoreNotFound(this.client().call<Envelope<WireRule>>({ method: "GET", path: this.rule(teamId, ruleId) }));
    return r && fromWireRule(r.body.data);
  }
  async create(teamId: string, body: Record<string, unknown>, beforeSend: () => Promise<void>): Promise<string | undefined> {
    const r = await this.client().call<Envelope<{ id?: string }> | undefined>({ method: "POST", path: this.rules(teamId), body, beforeSend });
    return r.body?.data?.id;
  }
  async patch(teamId: string, ruleId: string, body: Record<string, unknown>): Promise<void> {
    await this.client().call({ method: "PATCH", path: this.rule(teamId, ruleId), body });
  }
  async remove(teamId: string, ruleId: string): Promise<void> {
    await this.client().call({ method: "DELETE", path: this.rule(teamId, ruleId) });
  }
  async move(teamId: string, ruleId: string, order: number): Promise<void> {
    // change-order is a repeatable "put it at index i": safe to retry.
    await this.client().call({ method: "POST", path: `${this.rule(teamId, ruleId)}/change-order`, body: { order }, idempotent: true });
  }
  async teamId(name: string): Promise<string> {
    const lookup = () =>
      this.client()
        .call<Envelope<{ id: string; name: string }>>({ method: "GET", path: `/v2/teams/${encodeURIComponent(name)}`, query: { identifierType: "name" } })
        .then((r) => r.body.data.id);
    try {
      return await onceCache<string>("opsgenie-team-ids.v1")(`${this.target}\u0000${name}`, lookup);
    } catch (e) {
      if (e instanceof VendorError && e.kind === "not_found") throw new VendorError({ vendor: "opsgenie", kind: "not_found", message: `team "${name}" (teamName) does not exist`, help: endpointHelp(this.baseUrl, this.account.source, "not_found") });
      throw e;
    }
  }
  // Opsgenie takes notify by name and reads back both: nothing to translate.
  prepare = async (_teamId: string, body: Record<string, unknown>) => body;
  byId = async (_teamId: string, n: NormalizedArgs) => n;
  named = (_teamId: string, live: LiveRule) => live;
  remember(): void {}
}

/** The account's platform client (credentials from config or env; a site's cloud id looked up once). */
export async function platformFor(account: string | undefined): Promise<RulesPlatform> {
  const a = resolveAccount(account);
  if (a.platform === "opsgenie") return new OpsgeniePlatform(a);
  return new AtlassianOpsPlatform(a.platform, a, await cloudIdOf(a));
}

/** A short, credential-free fingerprint of a target for keys and file names. */
export const targetHash = (target: string) => createHash("sha256").update(target).digest("hex").slice(0, 12);
