import type { CheckFailure } from "../core/kit";
import { changedReferences, checkReferences, listed, preflight, sourceKey, type ListSource, type Reference } from "../core/preflight";
import { DEFAULT_ACCOUNT, resolveAccount } from "./accounts";
import { platformFor, type RulesPlatform } from "./platform";

// Preflight of a routing rule: its team (teamName or teamId) and the schedule or escalation
// it notifies exist on its account (Opsgenie, JSM or Compass Operations), checked at
// preview for references that are new or changed.

const str = (v: unknown): string | undefined => (typeof v === "string" && v ? v : undefined);

/**
 * The references of a rule's inputs. `every`, for the old inputs: both the name and the id
 * where both are there (old inputs read back in the outputs' shape hold both), so a rule
 * declared by id is not taken as changed against old inputs that also name it.
 */
export function referencesOf(inputs: Record<string, unknown>, every = false): Reference[] {
  const scope = str(inputs.account) ?? DEFAULT_ACCOUNT;
  const refs: Reference[] = [];
  const teamName = str(inputs.teamName);
  const teamId = str(inputs.teamId);
  if (teamName !== undefined) refs.push({ property: "teamName", what: "team", collection: "teams", by: "name", value: teamName, scope });
  if (teamId !== undefined && (every || teamName === undefined)) refs.push({ property: "teamId", what: "team", collection: "teams", by: "id", value: teamId, scope });
  const notify = (inputs.notify ?? {}) as Record<string, unknown>;
  const type = notify.type === "schedule" || notify.type === "escalation" ? notify.type : undefined;
  if (!type) return refs;
  const collection = type === "schedule" ? "schedules" : "escalations";
  const name = str(notify.name);
  const id = str(notify.id);
  // On JSM/Compass escalations belong to a team: another team makes it another reference.
  const teams = every ? [teamName, teamId].filter((t) => t !== undefined) : [teamName ?? teamId ?? ""];
  for (const team of teams.length ? teams : [""]) {
    const s = `${scope}\u0000${team}`;
    if (name !== undefined) refs.push({ property: "notify.name", what: type, collection, by: "name", value: name, scope: s });
    if (id !== undefined && (every || name === undefined)) refs.push({ property: "notify.id", what: type, collection, by: "id", value: id, scope: s });
  }
  return refs;
}

function host(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

const LABEL = { opsgenie: "Opsgenie", jsm: "JSM Operations", compass: "Compass Operations" } as const;

function listFrom(p: RulesPlatform, collection: string): Promise<{ id: string; name: string }[]> {
  if (collection === "teams") return p.teams();
  const [kind, teamId = ""] = collection.split(":");
  return p.notifyTargets(kind === "schedules" ? "schedule" : "escalation", teamId);
}

/** The definition's `preflight` hook. */
export function routingRulePreflight(news: Record<string, unknown>, olds: Record<string, unknown> | undefined): Promise<CheckFailure[]> {
  return preflight("opsgenie", "teams, schedules and escalations", async () => {
    const fresh = changedReferences(referencesOf(news), olds && referencesOf(olds, true));
    if (!fresh.length) return [];
    const account = resolveAccount(str(news.account));
    const p = await platformFor(str(news.account));
    const source: ListSource = {
      where: `account ${account.name} (${account.platform === "opsgenie" ? "" : `${LABEL[account.platform]}, `}${host(account.apiUrl)})`,
      key: sourceKey(p.baseUrl, account.credential),
      list: (c) => listFrom(p, c),
    };
    const teamRef = fresh.find((r) => r.collection === "teams");
    const failures = teamRef ? await checkReferences("opsgenie", [teamRef], source) : [];
    const notifyRef = fresh.find((r) => r.collection !== "teams");
    if (failures.length || !notifyRef) return failures;
    if (p.platform === "opsgenie") return checkReferences("opsgenie", [notifyRef], source);
    // JSM/Compass list a team's escalations (and the schedules it may use) under the team's id.
    const teamId = str(news.teamId) ?? (await listed("opsgenie", source, "teams")).find((t) => t.name === news.teamName)?.id;
    if (!teamId) return [];
    return checkReferences("opsgenie", [{ ...notifyRef, collection: `${notifyRef.collection}:${teamId}` }], source);
  });
}
