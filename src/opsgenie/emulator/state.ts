import { randomUUID } from "node:crypto";
import { seededUuid } from "../../emulator-kit/framework";

// The emulator's in-memory account: teams with their rules in evaluation order,
// schedules and escalations, and a history of every team after each write.

export interface EmuEntity {
  id: string;
  name: string;
}

export interface EmuCondition {
  field: string;
  key?: string;
  not: boolean;
  operation: string;
  expectedValue: string;
  order: number;
}

export interface EmuRule {
  id: string;
  name: string;
  isDefault: boolean;
  criteria: { type: string; conditions?: EmuCondition[] };
  timezone: string;
  timeRestriction?: Record<string, unknown>;
  /** Stored by reference; names resolve at read time. */
  notify: { type: string; id?: string };
}

export interface EmuTeam extends EmuEntity {
  /** In evaluation order; the default rule is always last. */
  rules: EmuRule[];
}

export interface OpsgenieState {
  readonly teams: Map<string, EmuTeam>;
  readonly schedules: Map<string, EmuEntity>;
  readonly escalations: Map<string, EmuEntity>;
  accountTimezone: string;
  seedTeam(name: string, opts?: { id?: string; defaultNotify?: { type: string; id?: string } }): EmuTeam;
  seedSchedule(name: string, id?: string): EmuEntity;
  seedEscalation(name: string, id?: string): EmuEntity;
  /**
   * A rule as if made in Opsgenie's UI, at index `at` (default: just above the default rule).
   * Names need not be unique: Opsgenie does not enforce unique rule names within a team.
   */
  seedRule(team: string, rule: Pick<EmuRule, "name" | "criteria" | "notify"> & Partial<Pick<EmuRule, "timezone" | "timeRestriction">>, at?: number): EmuRule;
  /** A team by id or name. */
  team(identifier: string): EmuTeam | undefined;
  /** A rule as the API renders it (with order and resolved notify). */
  render(team: EmuTeam, rule: EmuRule): Record<string, unknown>;
  /** The team's rules (id, name) after every accepted write, oldest first: what alerts could match at each moment. */
  readonly history: { time: number; teamId: string; rules: { id: string; name: string }[] }[];
  /** Appends the team's rules to `history` (after an accepted write). */
  record(team: EmuTeam): void;
  /** The demo account; with `seed`, its ids are stable (derived from the seed and each name). */
  seedDemo(seed?: string): void;
}

/** Bounded: long-running emulators (demo, bench) must not grow without end. */
const HISTORY_LIMIT = 10_000;

function defaultRule(timezone: string, notify: EmuRule["notify"]): EmuRule {
  return { id: randomUUID(), name: "Default Routing Rule", isDefault: true, criteria: { type: "match-all" }, timezone, notify };
}

/** A rule's notify as reads show it: the stored id plus the entity's current name. */
function renderNotify(state: OpsgenieState, notify: EmuRule["notify"]): Record<string, unknown> {
  const n: Record<string, unknown> = { type: notify.type };
  if (notify.type === "none") return n;
  const e = (notify.type === "schedule" ? state.schedules : state.escalations).get(notify.id ?? "");
  n.id = notify.id;
  if (e) n.name = e.name;
  return n;
}

export function createState(accountTimezone: string): OpsgenieState {
  const entity = (pool: Map<string, EmuEntity>) => (name: string, id: string = randomUUID()) => {
    const e = { id, name };
    pool.set(id, e);
    return e;
  };
  const state: OpsgenieState = {
    teams: new Map(),
    schedules: new Map(),
    escalations: new Map(),
    accountTimezone,
    history: [],
    seedSchedule: (name, id) => entity(state.schedules)(name, id),
    seedEscalation: (name, id) => entity(state.escalations)(name, id),
    seedTeam(name, o = {}) {
      const id = o.id ?? randomUUID();
      const notify = o.defaultNotify ?? { type: "escalation", id: state.seedEscalation(`${name}_escalation`).id };
      const team: EmuTeam = { id, name, rules: [defaultRule(state.accountTimezone, notify)] };
      state.teams.set(id, team);
      return team;
    },
    seedRule(teamIdent, rule, at) {
      const t = state.team(teamIdent);
      if (!t) throw new Error(`no team ${teamIdent}`);
      const r: EmuRule = { id: randomUUID(), isDefault: false, timezone: state.accountTimezone, ...rule };
      const n = t.rules.length - 1;
      t.rules.splice(at === undefined ? n : Math.max(0, Math.min(at, n)), 0, r);
      return r;
    },
    team: (identifier) => state.teams.get(identifier) ?? [...state.teams.values()].find((t) => t.name === identifier),
    render(team, rule) {
      const out: Record<string, unknown> = {
        id: rule.id,
        name: rule.name,
        isDefault: rule.isDefault,
        order: team.rules.indexOf(rule),
        criteria: rule.criteria.type === "match-all" ? { type: "match-all" } : { type: rule.criteria.type, conditions: rule.criteria.conditions },
        timezone: rule.timezone,
      };
      if (rule.timeRestriction) out.timeRestriction = rule.timeRestriction;
      out.notify = renderNotify(state, rule.notify);
      return out;
    },
    record(t) {
      state.history.push({ time: Date.now(), teamId: t.id, rules: t.rules.map((r) => ({ id: r.id, name: r.name })) });
      if (state.history.length > HISTORY_LIMIT) state.history.splice(0, state.history.length - HISTORY_LIMIT);
    },
    seedDemo(seed) {
      const id = (kind: string, name: string) => (seed === undefined ? undefined : seededUuid(seed, kind, name));
      for (const name of ["Platform", "Payments"]) {
        const escalation = state.seedEscalation(`${name}_escalation`, id("escalation", `${name}_escalation`));
        state.seedTeam(name, { id: id("team", name), defaultNotify: { type: "escalation", id: escalation.id } });
      }
      state.seedSchedule("Platform_schedule", id("schedule", "Platform_schedule"));
      state.seedSchedule("Payments_schedule", id("schedule", "Payments_schedule"));
      state.seedEscalation("Platform_critical", id("escalation", "Platform_critical"));
    },
  };
  return state;
}
