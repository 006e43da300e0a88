// Reads Opsgenie teams' routing rules into OpsgenieTeamRoutingRule args.
import { resolveEndpoint } from "../core/config";
import { VendorError } from "../core/errors";
import { VendorClient } from "../core/http";
import { resolveAccount } from "../opsgenie/accounts";
import { platformFor } from "../opsgenie/platform";
import { opsgenieProtocol } from "../opsgenie/protocol";
import { checkSchema } from "../opsgenie/team-routing-rule.schema";
import { fromWireRule, type WireRule } from "../opsgenie/wire";
import { issueLines, unknownKeys, type Progress, type ReadResult } from "./format";
import { resourceName } from "./names";

interface Envelope<T> {
  data: T;
}
interface WireTeam {
  id: string;
  name: string;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const RULE_KEYS = ["id", "name", "isDefault", "order", "criteria", "timezone", "timeRestriction", "notify"];
const CONDITION_KEYS = ["field", "key", "not", "operation", "expectedValue", "order"];

export interface OpsgenieSelection {
  /** Team names or ids. */
  teams: string[];
  /** Every team of the account (`GET /v2/teams`). */
  allTeams: boolean;
  /**
   * A named account (`OPSGENIE_ACCOUNTS`): JSM Operations, Compass Operations, or another
   * Opsgenie account. The rules written carry `account`. Default: the account of
   * `OPSGENIE_API_KEY` / `OPSGENIE_API_URL`.
   */
  account?: string;
}

/** A team by id (a UUID) or by name. */
async function team(c: VendorClient, ident: string): Promise<WireTeam> {
  const byId = UUID_RE.test(ident);
  const r = await c.call<Envelope<WireTeam>>({ method: "GET", path: `/v2/teams/${encodeURIComponent(ident)}`, query: byId ? undefined : { identifierType: "name" } });
  return { id: r.body.data.id, name: r.body.data.name };
}

/** The args of one live rule; time restriction, timezone and notify as the API shows them. */
function ruleArgs(t: WireTeam, w: WireRule, account: string | undefined): { args: Record<string, unknown>; comments: Record<string, string> } {
  const live = fromWireRule(w);
  const comments: Record<string, string> = { teamId: `team "${t.name}"` };
  const args: Record<string, unknown> = account === undefined ? {} : { account };
  Object.assign(args, { teamId: t.id, name: live.name, order: live.order });
  const criteria: Record<string, unknown> = { type: live.criteria.type };
  if (live.criteria.type !== "match-all")
    criteria.conditions = live.criteria.conditions.map((c) => {
      const o: Record<string, unknown> = { field: c.field };
      if (c.key !== undefined) o.key = c.key;
      if (c.not) o.not = true;
      o.operation = c.operation;
      if (c.expectedValue !== "") o.expectedValue = c.expectedValue;
      o.order = c.order;
      return o;
    });
  args.criteria = criteria;
  if (live.timezone !== undefined) args.timezone = live.timezone;
  if (live.timeRestriction) args.timeRestriction = live.timeRestriction;
  if (live.notify.type === "none") args.notify = { type: "none" };
  else if (live.notify.id !== undefined) {
    args.notify = { type: live.notify.type, id: live.notify.id };
    if (live.notify.name !== undefined) comments["notify.id"] = `${live.notify.type} "${live.notify.name}"`;
  } else args.notify = { type: live.notify.type, name: live.notify.name };
  args.adoptExisting = true;
  return { args, comments };
}

/** What the resource would drop or refuse in a raw rule. */
function problems(w: WireRule, args: Record<string, unknown>): string[] {
  const out = unknownKeys(w, RULE_KEYS, "");
  (w.criteria?.conditions ?? []).forEach((c, i) => out.push(...unknownKeys(c, CONDITION_KEYS, `criteria.conditions.${i}`)));
  const tr = w.timeRestriction;
  if (tr && tr.type !== "time-of-day" && tr.type !== "weekday-and-time-of-day") out.push(`timeRestriction.type: "${tr.type}" is not a type the resource knows`);
  const parsed = checkSchema.safeParse(args);
  if (!parsed.success) out.push(...issueLines(parsed.error.issues));
  return out;
}

/** Where the teams and rules are read: the default Opsgenie account, or a named one through the resource's platform seam. */
interface Source {
  /** For progress lines. */
  label: string;
  /** For the program's comments. */
  product: string;
  teams(): Promise<WireTeam[]>;
  team(ident: string): Promise<WireTeam>;
  rules(teamId: string): Promise<WireRule[]>;
}

function defaultSource(): Source {
  const c = new VendorClient(opsgenieProtocol, resolveEndpoint("opsgenie"));
  return {
    label: "opsgenie",
    product: "Opsgenie",
    teams: async () => ((await c.call<Envelope<WireTeam[]>>({ method: "GET", path: "/v2/teams" })).body.data ?? []).map((t) => ({ id: t.id, name: t.name })),
    team: (ident) => team(c, ident),
    rules: async (teamId) => (await c.call<Envelope<WireRule[]>>({ method: "GET", path: `/v2/teams/${encodeURIComponent(teamId)}/routing-rules` })).body.data ?? [],
  };
}

async function accountSource(account: string): Promise<Source> {
  const a = resolveAccount(account);
  const p = await platformFor(account);
  const product = a.platform === "jsm" ? "JSM Operations" : a.platform === "compass" ? "Compass Operations" : "Opsgenie";
  return {
    label: `opsgenie (account "${account}", ${product})`,
    product: `${product} (account "${account}")`,
    teams: () => p.teams(),
    // By id or by name: the Operations APIs have no lookup of one team, so the list serves both.
    team: async (ident) => {
      const all = await p.teams();
      const found = all.filter((t) => (UUID_RE.test(ident) ? t.id === ident : t.name === ident));
      if (found.length === 1) return found[0];
      throw new VendorError({
        vendor: "opsgenie",
        kind: found.length ? "validation" : "not_found",
        message: found.length
          ? `--opsgenie-team "${ident}": account "${account}" has ${found.length} teams of that name (${found.map((t) => t.id).join(", ")}); give the id`
          : `--opsgenie-team "${ident}": account "${account}" has no team with that ${UUID_RE.test(ident) ? "id" : "name"}`,
      });
    },
    rules: (teamId) => p.listWire(teamId),
  };
}

/**
 * Opsgenie does not keep rule names unique within a team, but a TeamRoutingRule finds its
 * rule by name: several resources for one name would all adopt the same rule (rewriting it
 * to each one's criteria in turn) and leave the others unmanaged. Such rules are listed as
 * unsupported until all but one are renamed.
 */
function sameNameReason(team: readonly WireRule[], w: WireRule): string | undefined {
  const same = team.map((x, position) => ({ x, position })).filter(({ x }) => x.name === w.name);
  if (same.length < 2) return undefined;
  return (
    `${same.length} routing rules of this team are named "${w.name ?? ""}" (${same.map(({ x, position }) => `${x.id} at position ${position}${x.isDefault ? ", the default rule" : ""}`).join(", ")}): ` +
    `the resource finds its rule by name, so rename all but one in Opsgenie and export again (or declare each by hand with \`adoptRuleId\` set to its id)`
  );
}

export async function readOpsgenie(sel: OpsgenieSelection, progress: Progress): Promise<ReadResult> {
  const src = sel.account === undefined ? defaultSource() : await accountSource(sel.account);
  const out: ReadResult = { resources: [], unsupported: [] };
  let teams: WireTeam[];
  if (sel.allTeams) {
    teams = await src.teams();
    progress(`${src.label}: ${teams.length} team${teams.length === 1 ? "" : "s"}`);
  } else {
    teams = [];
    for (const ident of sel.teams) teams.push(await src.team(ident));
  }
  for (const t of teams) {
    const rules = (await src.rules(t.id)).map((w, i) => ({ w, order: w.order ?? i })).sort((a, b) => a.order - b.order);
    const own = rules.filter((x) => !x.w.isDefault);
    progress(`${src.label}: team "${t.name}": ${own.length} routing rule${own.length === 1 ? "" : "s"} (the default rule is left alone)`);
    for (const [i, { w }] of own.entries()) {
      // Positions among the team's rules but the default one (last anyway); a rule reported as
      // unsupported keeps its place, so the others keep their live positions.
      const { args, comments } = ruleArgs(t, { ...w, order: i }, sel.account);
      const object = `team "${t.name}", routing rule "${w.name ?? ""}" (${w.id})`;
      const why = problems(w, args);
      const twins = sameNameReason(rules.map((x) => x.w), w);
      if (twins) why.push(twins);
      if (why.length) {
        out.unsupported.push({ vendor: "opsgenie", object, reasons: why });
        continue;
      }
      out.resources.push({ type: "OpsgenieTeamRoutingRule", baseName: resourceName(t.name, w.name ?? ""), describes: `${src.product} ${object}`, args, comments });
    }
  }
  return out;
}
