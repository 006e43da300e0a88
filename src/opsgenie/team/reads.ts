import { processGlobal } from "../../core";
import { settleDelayMs } from "./batching";

// The reads of one refresh, gathered per team: one list serves them all.

interface Waiter<T> {
  resolve(v: T): void;
  reject(e: unknown): void;
}

interface Gathering<L> {
  declared: Map<string, number>;
  waiters: Waiter<{ list: L; declared: ReadonlyMap<string, number> }>[];
  timer?: NodeJS.Timeout;
}

/**
 * Gathers the declared orders of the rules read together (one refresh) per team, then
 * lists the team once, after a quiet period, for all of them. Never moves anything.
 */
export class ReadGatherer<L> {
  private readonly teams = new Map<string, Gathering<L>>();
  constructor(private readonly list: (teamId: string) => Promise<L>) {}

  gather(teamId: string, ruleId: string, order: number): Promise<{ list: L; declared: ReadonlyMap<string, number> }> {
    let g = this.teams.get(teamId);
    if (!g) this.teams.set(teamId, (g = { declared: new Map(), waiters: [] }));
    const s = g;
    s.declared.set(ruleId, order);
    const p = new Promise<{ list: L; declared: ReadonlyMap<string, number> }>((resolve, reject) => s.waiters.push({ resolve, reject }));
    if (s.timer) clearTimeout(s.timer);
    s.timer = setTimeout(() => {
      this.teams.delete(teamId);
      const declared = new Map(s.declared);
      this.list(teamId).then(
        (list) => s.waiters.forEach((w) => w.resolve({ list, declared })),
        (e) => s.waiters.forEach((w) => w.reject(e)),
      );
    }, settleDelayMs());
    return p;
  }
}

export function gatherer<L>(list: (teamId: string) => Promise<L>): ReadGatherer<L> {
  return processGlobal("opsgenie-read-gatherer.v1", () => new ReadGatherer<L>(list));
}
