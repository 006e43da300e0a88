import { processGlobal } from "../../core";
import type { NormalizedArgs } from "../team-routing-rule.diff";
import type { LiveRule } from "../wire";

const notifyKey = (type: string, by: "id" | "name", v: string) => `${type}\u0000${by}\u0000${v}`;

/**
 * Server values that outputs carry and no write answers with: notify targets' ids and
 * names, and the account timezone (given to a rule created without one). Learned from
 * lists; while one is unknown, a create's settle lists the team after its POSTs. One per
 * target: a schedule's name and the account timezone belong to one account.
 */
export class Learned {
  private readonly notify = new Map<string, LiveRule["notify"]>();
  private accountTimezone?: string;
  /** Rules created without a timezone: a list shows them with the account's. */
  private readonly noTimezone = new Set<string>();

  /** Reads a list (notify names already filled in where the platform knows them). */
  learn(named: readonly LiveRule[]): void {
    for (const r of named) {
      const { type, id, name } = r.notify;
      if (type !== "none" && id !== undefined && name !== undefined) {
        this.notify.set(notifyKey(type, "id", id), { type, id, name });
        this.notify.set(notifyKey(type, "name", name), { type, id, name });
      }
      if (this.noTimezone.has(r.id) && r.timezone !== undefined) this.accountTimezone = r.timezone;
    }
  }

  /** A rule created without a timezone: the next list teaches the account's. */
  createdWithoutTimezone(ruleId: string): void {
    this.noTimezone.add(ruleId);
  }

  /** The notify target as a list shows it (id and name), or undefined while unknown. */
  resolvedNotify(n: NormalizedArgs["notify"]): LiveRule["notify"] | undefined {
    if (n.type === "none") return { type: "none" };
    const hit = this.notify.get(n.id !== undefined ? notifyKey(n.type, "id", n.id) : notifyKey(n.type, "name", n.name ?? ""));
    return hit && { ...hit };
  }

  /** The rule as a POST of `n` makes it (as a list shows it), or undefined while a server value is unknown. */
  createdRule(n: NormalizedArgs, id: string, sent?: LiveRule["notify"]): LiveRule | undefined {
    // Where reads give notify ids only (JSM, Compass), the id sent is what a list shows.
    const byId = sent?.id !== undefined ? { type: sent.type, id: sent.id, ...(n.notify.name !== undefined ? { name: n.notify.name } : {}) } : undefined;
    const notify = this.resolvedNotify(n.notify) ?? byId;
    const timezone = n.timezone ?? this.accountTimezone;
    if (!notify || timezone === undefined) return undefined;
    const r: LiveRule = { id, name: n.name, isDefault: false, order: 0, criteria: n.criteria, notify, timezone };
    if (n.timeRestriction) r.timeRestriction = n.timeRestriction;
    return r;
  }
}

/** What this process learned of the account at `target`. */
export function learnedOn(target: string): Learned {
  const all = processGlobal("opsgenie-learned.v3", () => new Map<string, Learned>());
  let l = all.get(target);
  if (!l) all.set(target, (l = new Learned()));
  return l;
}
