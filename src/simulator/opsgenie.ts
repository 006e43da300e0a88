import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../opsgenie/team-routing-rule.types";
import { DEFAULT_ACCOUNT } from "../opsgenie/accounts";
import { checkTimeRestriction, compileTimeRestriction } from "./opsgenie-time";
import { frozenUnit, GuardIndex, pickGuard, ValueMemo } from "./guard";
import { requiredLiteral, vendorRegex } from "./regex";
import { and3, or3, not3, triText, type Tri } from "./tri";
import type { Check, Declared, FastUnit, OpsgenieAlert, RuleTrace, UnitResult } from "./types";
import { wallTime, type WallTime } from "./zoned";

type Condition = NonNullable<NonNullable<TeamRoutingRuleArgs["criteria"]>["conditions"]>[number];
type FieldValue = { kind: "string"; value: string | undefined } | { kind: "list"; value: string[] } | { kind: "map"; value: Record<string, string> } | { kind: "priority"; value: string };

export function opsgenieAssumptions(caseSensitive: boolean): string[] {
  return [
    caseSensitive
      ? "string comparisons are case-sensitive (as asked: --opsgenie-case-sensitive / opsgenieCaseSensitive: true; the docs are silent)"
      : "string comparisons (contains, equals, starts-with, ends-with, equals-ignore-whitespace, list and map operations) are case-insensitive (docs silent; --opsgenie-case-sensitive or opsgenieCaseSensitive: true flips it)",
    "`matches` is Java's String.matches: the whole value, Java regex syntax, case-sensitive unless the pattern says (?i)",
    "priority compares by its number (P1 < P5), an alert without priority is P3",
    "a time window includes its start minute and excludes its end minute; start = end means always",
    "a rule without timezone uses the account timezone, taken as UTC unless given (accountTimezone)",
  ];
}
export const OPSGENIE_ASSUMPTIONS = opsgenieAssumptions(false);

const lc = (s: string) => s.toLowerCase();
const q = (s: string | undefined) => (s === undefined ? "(absent)" : JSON.stringify(s));

/** The alert as the conditions read it, with details merged once. */
interface Ctx {
  alert: OpsgenieAlert;
  details: Record<string, string>;
  /** Normalized (case-folded unless case-sensitive) field values, computed once per alert: strings, and lists as sets. */
  norm: Map<string, string | Set<string>>;
  /** The priority's number, once per alert. */
  priority?: number;
  /** Per string slot, the condition results for this alert's value (ValueMemo). */
  vecs: (Int8Array | undefined)[];
}

/** An alert detail by key: own keys only (a rule's key "constructor" or "toString" must not read Object.prototype's). */
const detail = (details: Record<string, string>, key: string): string | undefined => (Object.hasOwn(details, key) ? details[key] : undefined);

const STRING_FIELDS = new Set(["message", "alias", "description", "source", "entity"]);
const LIST_FIELDS = new Set(["tags", "actions", "recipients", "teams", "responders"]);

/**
 * The many-alerts form of the common conditions (string and list operations),
 * on values normalized once per alert; undefined for the others, which go
 * through the general form. Same decisions as `raw` (the tables test both).
 */
/** The vector of a slot whose field the alert does not have (conditions then run unmemoized). */
const ABSENT = new Int8Array(0);

const slotOf = (c: Condition): string | undefined =>
  STRING_FIELDS.has(c.field) ? c.field : (c.field === "details" || c.field === "extra-properties") && c.key !== undefined ? `details\u0000${c.key}` : undefined;

/** `test` answered from the per-value table when the condition reads one string value. */
function memoizedTest(c: Condition, test: (ctx: Ctx) => Tri, memo: ValueMemo | undefined): (ctx: Ctx) => Tri {
  const slot = slotOf(c);
  if (!memo || slot === undefined || c.operation === "is-empty") return test;
  const [sid, idx] = memo.add(slot);
  const key = c.key;
  const field = c.field as "message";
  const isDetail = slot.startsWith("details\u0000");
  return (ctx) => {
    // The slot's vector is looked up once per alert; later conditions on it skip reading the field.
    let vec = ctx.vecs[sid];
    if (vec === undefined) {
      const raw = isDetail ? detail(ctx.details, key!) : ctx.alert[field];
      vec = ctx.vecs[sid] = raw === undefined ? ABSENT : memo.vector(sid, raw);
    }
    if (vec === ABSENT) return test(ctx);
    const code = vec[idx];
    if (code !== 0) return code === 1 ? false : code === 2 ? true : undefined;
    const t = test(ctx);
    vec[idx] = t === false ? 1 : t === true ? 2 : 3;
    return t;
  };
}

function fastTest(c: Condition, norm: (s: string) => string, regexTest: ((v: string) => Tri) | undefined): ((ctx: Ctx) => Tri) | undefined {
  const op = c.operation;
  if (c.field === "priority" && (op === "equals" || op === "greater-than" || op === "less-than")) {
    const eNum = priorityNumber(c.expectedValue ?? "");
    const not = c.not === true;
    return (ctx) => {
      let a = ctx.priority;
      if (a === undefined) a = ctx.priority = priorityNumber(ctx.alert.priority ?? "P3");
      return (op === "equals" ? a === eNum : op === "greater-than" ? a > eNum : a < eNum) !== not;
    };
  }
  if (op === "matches" && regexTest && (STRING_FIELDS.has(c.field) || ((c.field === "details" || c.field === "extra-properties") && c.key !== undefined))) {
    const field = c.field as "message";
    const key = c.key;
    return (ctx) => {
      const raw = key !== undefined ? detail(ctx.details, key) : ctx.alert[field];
      if (raw === undefined) return c.not === true;
      return c.not ? not3(regexTest(raw)) : regexTest(raw);
    };
  }
  const e = norm(c.expectedValue ?? "");
  const not = c.not === true;
  const isDetail = (c.field === "details" || c.field === "extra-properties") && c.key !== undefined;
  if (STRING_FIELDS.has(c.field) || isDetail) {
    const cmp =
      op === "contains"
        ? (v: string) => v.includes(e)
        : op === "equals"
          ? (v: string) => v === e
          : op === "starts-with"
            ? (v: string) => v.startsWith(e)
            : op === "ends-with"
              ? (v: string) => v.endsWith(e)
              : undefined;
    if (!cmp) return undefined;
    const slot = isDetail ? `details\u0000${c.key}` : c.field;
    const field = c.field as "message";
    const key = c.key ?? "";
    return (ctx) => {
      const raw = isDetail ? detail(ctx.details, key) : ctx.alert[field];
      if (raw === undefined) return not;
      let v = ctx.norm.get(slot) as string | undefined;
      if (v === undefined) {
        v = norm(raw);
        ctx.norm.set(slot, v);
      }
      return cmp(v) !== not;
    };
  }
  if (LIST_FIELDS.has(c.field) && op === "contains") {
    const field = c.field as "tags";
    return (ctx) => {
      let set = ctx.norm.get(field) as Set<string> | undefined;
      if (set === undefined) {
        set = new Set((ctx.alert[field] ?? []).map(norm));
        ctx.norm.set(field, set);
      }
      return set.has(e) !== not;
    };
  }
  return undefined;
}

function fieldValue(ctx: Ctx, c: Condition): FieldValue {
  const alert = ctx.alert;
  switch (c.field) {
    case "message":
    case "alias":
    case "description":
    case "source":
    case "entity":
      return { kind: "string", value: alert[c.field] };
    case "tags":
    case "actions":
    case "recipients":
    case "teams":
    case "responders":
      return { kind: "list", value: alert[c.field] ?? [] };
    case "priority":
      return { kind: "priority", value: alert.priority ?? "P3" };
    case "details":
    case "extra-properties":
      if (c.key !== undefined) return { kind: "string", value: detail(ctx.details, c.key) };
      return { kind: "map", value: ctx.details };
  }
}

const priorityNumber = (p: string) => (/^P[1-5]$/i.test(p) ? Number(p.slice(1)) : NaN);
const noSpace = (s: string) => s.replace(/\s+/g, "");

/** A condition compiled once: the operation's raw result (before `not`), undefined = cannot evaluate, null = not valid for the field. */
interface Compiled {
  raw(fv: FieldValue): Tri | null;
  /** The compiled pattern of a `matches` condition. */
  regexTest?: (v: string) => Tri;
  /** Set when the pattern cannot be evaluated exactly. */
  unevaluable?: string;
}

function compileOperation(c: Condition, caseSensitive: boolean): Compiled {
  const norm = caseSensitive ? (s: string) => s : lc;
  const expected = c.expectedValue ?? "";
  const e = norm(expected);
  const op = c.operation;
  let regexTest: ((v: string) => Tri) | undefined;
  let unevaluable: string | undefined;
  if (op === "matches") {
    const re = vendorRegex("opsgenie", expected);
    if (re.ok) regexTest = re.test;
    else {
      unevaluable = `${JSON.stringify(expected)}: ${re.invalid ? "not a valid Java pattern" : "not exactly evaluable"} (${re.message})`;
      regexTest = () => undefined;
    }
  }
  const string = (value: string | undefined): Tri | null => {
    if (op === "is-empty") return value === undefined || value === "";
    if (value === undefined) return false;
    if (op === "matches") return regexTest!(value);
    const v = norm(value);
    switch (op) {
      case "contains":
        return v.includes(e);
      case "equals":
        return v === e;
      case "starts-with":
        return v.startsWith(e);
      case "ends-with":
        return v.endsWith(e);
      case "equals-ignore-whitespace":
        return noSpace(v) === noSpace(e);
      default:
        return null;
    }
  };
  const eNum = priorityNumber(expected);
  return {
    unevaluable,
    regexTest,
    raw(fv) {
      switch (fv.kind) {
        case "string":
          return string(fv.value);
        case "list":
          if (op === "is-empty") return fv.value.length === 0;
          if (op === "contains") return fv.value.some((x) => norm(x) === e);
          if (op === "matches") return or3(fv.value.map((x) => regexTest!(x)));
          return null;
        case "map": {
          const entries = Object.entries(fv.value);
          if (op === "is-empty") return entries.length === 0;
          if (op === "contains-key") return entries.some(([k]) => norm(k) === e);
          if (op === "contains-value") return entries.some(([, v]) => norm(v) === e);
          if (op === "contains") return entries.some(([k, v]) => norm(k).includes(e) || norm(v).includes(e));
          return null;
        }
        case "priority": {
          const a = priorityNumber(fv.value);
          if (op === "equals") return a === eNum;
          if (op === "greater-than") return a > eNum;
          if (op === "less-than") return a < eNum;
          if (op === "matches") return regexTest!(fv.value);
          return null;
        }
      }
    },
  };
}

/** The exact test a condition makes, as a guard (see guard.ts): the field it reads and the one normalized value that makes it hold. */
function guardOf(c: Condition, norm: (s: string) => string): { field: string; vals: string[] } | undefined {
  if (c.not) return undefined;
  const e = c.expectedValue ?? "";
  if (c.field === "priority" && c.operation === "equals") return { field: "priority", vals: [String(priorityNumber(e))] };
  if (LIST_FIELDS.has(c.field) && c.operation === "contains") return { field: c.field, vals: [norm(e)] };
  if (c.operation !== "equals") return undefined;
  if (STRING_FIELDS.has(c.field)) return { field: c.field, vals: [norm(e)] };
  if ((c.field === "details" || c.field === "extra-properties") && c.key !== undefined) return { field: `details\u0000${c.key}`, vals: [norm(e)] };
  return undefined;
}

/** Marks, for one alert, the rules whose guard on `field` holds (the same values guardOf expects). */
function guardMarker(field: string, norm: (s: string) => string, index: GuardIndex): (ctx: Ctx) => void {
  if (field.startsWith("tri\u0000")) {
    // Every three-character piece of the lower-cased value (literal guards).
    const slot = field.slice("tri\u0000".length);
    const key = slot.startsWith("details\u0000") ? slot.slice("details\u0000".length) : undefined;
    const f = slot as "message";
    return (ctx) => {
      const v = key !== undefined ? detail(ctx.details, key) : ctx.alert[f];
      if (v === undefined) return;
      const lower = v.toLowerCase();
      for (let i = 0; i + 3 <= lower.length; i++) index.mark(field, lower.slice(i, i + 3));
    };
  }
  if (field === "priority") return (ctx) => index.mark(field, String(priorityNumber(ctx.alert.priority ?? "P3")));
  if (LIST_FIELDS.has(field)) {
    const f = field as "tags";
    return (ctx) => {
      for (const x of ctx.alert[f] ?? []) index.mark(field, norm(x));
    };
  }
  if (field.startsWith("details\u0000")) {
    const key = field.slice("details\u0000".length);
    return (ctx) => {
      const v = detail(ctx.details, key);
      if (v !== undefined) index.mark(field, norm(v));
    };
  }
  const f = field as "message";
  return (ctx) => {
    const v = ctx.alert[f];
    if (v !== undefined) index.mark(field, norm(v));
  };
}

function show(fv: FieldValue): string {
  if (fv.kind === "list") return `[${fv.value.map((x) => JSON.stringify(x)).join(", ")}]`;
  if (fv.kind === "map") return JSON.stringify(fv.value);
  return q(fv.value);
}

interface CompiledCondition {
  test(ctx: Ctx): Tri;
  check(ctx: Ctx): Check;
  unevaluable?: string;
}

function compileCondition(c: Condition, caseSensitive: boolean, memo?: ValueMemo): CompiledCondition {
  const op = compileOperation(c, caseSensitive);
  const test = memoizedTest(
    c,
    fastTest(c, caseSensitive ? (s) => s : lc, op.regexTest) ??
      ((ctx: Ctx): Tri => {
        const raw = op.raw(fieldValue(ctx, c));
        if (raw === null) return false;
        return c.not ? not3(raw) : raw;
      }),
    memo,
  );
  return {
    test,
    unevaluable: op.unevaluable,
    check(ctx) {
      const fv = fieldValue(ctx, c);
      const raw = op.raw(fv);
      const expected = c.expectedValue ?? "";
      const field = c.key !== undefined ? `${c.field}[${JSON.stringify(c.key)}]` : c.field;
      const what = `${c.not ? "not " : ""}${field} ${c.operation}${c.operation === "is-empty" ? "" : ` ${JSON.stringify(expected)}`}`;
      if (raw === null) return { held: false, text: `${what}: operation not valid for this field, never holds (alert has ${show(fv)})` };
      const held = c.not ? not3(raw) : raw;
      const why = held === undefined ? ` (pattern ${op.unevaluable})` : "";
      return { held: held === true, unknown: held === undefined || undefined, text: `${what} -> ${triText(held)}${why} (alert has ${show(fv)})` };
    },
  };
}

/** Kept for callers of the uncompiled form. */
export function checkCondition(alert: OpsgenieAlert, c: Condition, caseSensitive = false): Check {
  return compileCondition(c, caseSensitive).check(contextOf(alert));
}

/** Rules of one team in evaluation order: declared `order` ascending, rules without order after them in declaration order. */
export function sortRules(rules: Declared<TeamRoutingRuleArgs>[]): Declared<TeamRoutingRuleArgs>[] {
  const ordered = rules.filter((r) => r.args.order !== undefined).sort((a, b) => (a.args.order ?? 0) - (b.args.order ?? 0));
  return [...ordered, ...rules.filter((r) => r.args.order === undefined)];
}

// A team of a named account (JSM / Compass Operations, or another Opsgenie account) is a team
// apart, even under the same name or id: during a migration both may be declared.
const teamName = (a: TeamRoutingRuleArgs) => a.teamId ?? a.teamName ?? "(no team)";
const teamOf = (a: TeamRoutingRuleArgs) => (a.account === undefined || a.account === DEFAULT_ACCOUNT ? teamName(a) : `${teamName(a)} (account ${a.account})`);

function notifyText(n: TeamRoutingRuleArgs["notify"]): { text: string; id: string } {
  if (n.type === "none") return { text: "none (the alert notifies no one through this rule)", id: "none" };
  const ref = n.id ?? n.name ?? "";
  return { text: `${n.type} ${JSON.stringify(ref)}`, id: ref };
}

export interface OpsgenieOptions {
  /** The account's timezone, used by rules without one (default UTC). */
  accountTimezone?: string;
  /**
   * Opsgenie's string operations are taken as case-insensitive (its docs are silent);
   * true compares case-sensitively, for users who learn otherwise. `matches` is not affected.
   */
  opsgenieCaseSensitive?: boolean;
}

type CriteriaType = "match-all" | "match-any-condition" | "match-all-conditions";

/**
 * A criteria of the many-alerts path, interned: rules with equal criteria (the
 * same type and the same conditions, in any order, since AND and OR do not
 * depend on it) share one, decided once per alert. Teams made from one
 * template repeat their criteria, so 1,000 rules hold far fewer criteria.
 */
interface SharedCriteria {
  /** Its slot in the per-alert results. */
  slot: number;
  type: CriteriaType;
  conditions: Condition[];
  /** The conditions' memoized tests. */
  conds: CompiledCondition[];
  /** match-any-condition: one condition decides (match-all has no conditions, all must hold). */
  any: boolean;
  /** Set when an exact condition guards the criteria (see guard.ts). */
  guard?: number;
  /** The rules that have it, as bits of the evaluator's `candidates`: word indexes and masks. */
  words: number[];
  masks: number[];
}

/** A time restriction in its zone, interned like criteria (its result is the same for every rule that has it). */
interface SharedTime {
  /** Its slot in the per-alert results (after the criteria's). */
  slot: number;
  tz: string;
  inTime: (now: WallTime) => boolean;
}

interface CompiledRule {
  decl: Declared<TeamRoutingRuleArgs>;
  label: string;
  type: CriteriaType;
  /** The rule's own conditions, in its order, for the explanation. */
  conds: CompiledCondition[];
  tz?: string;
  /** The fast results this rule decides, built once (frozen: shared by every alert). */
  matchedUnit?: FastUnit;
  unevaluableUnit?: FastUnit;
  notify: { text: string; id: string };
}

/** Equal keys: equal results for every alert (the fields compileCondition reads; conditions sorted). */
const criteriaKey = (type: CriteriaType, conditions: Condition[]) =>
  type === "match-all" ? type : `${type}\u0000${conditions.map((c) => JSON.stringify([c.field, c.key ?? null, c.operation, c.expectedValue ?? "", c.not === true])).sort().join("\u0001")}`;

/** Codes of a decided Tri in the per-alert results. */
const FALSE = 1;
const TRUE = 2;
const UNKNOWN = 3;

interface CompiledTeam {
  defaultUnit?: FastUnit;
  unit: string;
  nameLc: string;
  rules: CompiledRule[];
  /** Per rule, in order: the slot of its shared criteria, and of its shared time restriction (-1: none). */
  critSlots: Int32Array;
  timeSlots: Int32Array;
  /** Its rules' bits in `candidates`: words [word, word + words), rule i at bit i % 32 of word + i / 32. */
  word: number;
  words: number;
}

const detailsOf = (alert: OpsgenieAlert) => (alert.extraProperties ? { ...(alert.details ?? {}), ...alert.extraProperties } : (alert.details ?? {}));

function contextOf(alert: OpsgenieAlert): Ctx {
  return { alert, details: detailsOf(alert), norm: new Map(), vecs: [] };
}

/** Opsgenie's routing compiled once: each team's rules in order, conditions as closures, patterns compiled. */
export class OpsgenieEvaluator {
  private readonly teams: CompiledTeam[] = [];
  private readonly accountTz: string;
  private readonly assumptions: string[];
  private readonly index = new GuardIndex();
  private readonly markers: ((ctx: Ctx) => void)[];
  private readonly memo = new ValueMemo();
  /** The shared criteria, then the shared time restrictions, by slot. */
  private readonly criteria: SharedCriteria[];
  private readonly timeGates: SharedTime[];
  /**
   * Per alert, each slot's result (FALSE, TRUE, UNKNOWN), valid while its stamp
   * is the alert's epoch: starting an alert clears nothing.
   */
  private readonly stamps: Uint32Array;
  private readonly codes: Int8Array;
  private epoch = 0;
  /** The criteria without a guard (decided for every alert), and each guard's criteria (decided when the alert marks it). */
  private unguarded = new Int32Array(0);
  private guardSlots: number[] = [];
  /** Per alert, one bit per rule (team by team): set when the rule's criteria do not fail. */
  private readonly candidates: Int32Array;
  /** The many-alerts path's context, reset for each alert (fast is synchronous: no two alerts share it at once). */
  private readonly ctx: Ctx = { alert: {}, details: {}, norm: new Map(), vecs: [] };

  constructor(rules: Declared<TeamRoutingRuleArgs>[], opts: OpsgenieOptions = {}) {
    const cs = opts.opsgenieCaseSensitive === true;
    this.accountTz = opts.accountTimezone ?? "UTC";
    this.assumptions = cs ? opsgenieAssumptions(true) : OPSGENIE_ASSUMPTIONS;
    const byTeam = new Map<string, Declared<TeamRoutingRuleArgs>[]>();
    for (const r of rules) {
      const list = byTeam.get(teamOf(r.args));
      if (list) list.push(r);
      else byTeam.set(teamOf(r.args), [r]);
    }
    const criteria = new Map<string, SharedCriteria>();
    const times = new Map<string, SharedTime>();
    const teamSlots: [number[], number[]][] = [];
    for (const [unit, teamRules] of byTeam) {
      const critSlots: number[] = [];
      const timeSlots: number[] = [];
      const compiled = sortRules(teamRules).map((r, i): CompiledRule => {
        const a = r.args;
        const type = a.criteria?.type ?? "match-all";
        const conditions = type === "match-all" ? [] : [...(a.criteria?.conditions ?? [])].sort((x, y) => (x.order ?? 0) - (y.order ?? 0));
        const key = criteriaKey(type, conditions);
        let crit = criteria.get(key);
        if (!crit) criteria.set(key, (crit = { slot: criteria.size, type, conditions, conds: conditions.map((c) => compileCondition(c, cs, this.memo)), any: type === "match-any-condition", words: [], masks: [] }));
        critSlots.push(crit.slot);
        const tz = a.timeRestriction ? (a.timezone ?? this.accountTz) : undefined;
        let time: SharedTime | undefined;
        if (a.timeRestriction && tz) {
          const tkey = `${tz}\u0000${JSON.stringify(a.timeRestriction)}`;
          time = times.get(tkey);
          if (!time) times.set(tkey, (time = { slot: times.size, tz, inTime: compileTimeRestriction(a.timeRestriction) }));
        }
        timeSlots.push(time ? time.slot : -1);
        return { decl: r, label: `#${i} ${JSON.stringify(a.name)}${r.resource ? ` (${r.resource})` : ""}`, type, conds: conditions.map((c) => compileCondition(c, cs)), tz, notify: notifyText(a.notify) };
      });
      teamSlots.push([critSlots, timeSlots]);
      this.teams.push({ unit, nameLc: lc(teamName(teamRules[0].args)), rules: compiled, critSlots: new Int32Array(0), timeSlots: new Int32Array(0), word: 0, words: 0 });
    }
    // Time restrictions take the slots after the criteria.
    this.criteria = [...criteria.values()];
    this.timeGates = [...times.values()];
    for (const t of this.timeGates) t.slot += this.criteria.length;
    let words = 0;
    this.teams.forEach((team, i) => {
      const [c, t] = teamSlots[i];
      team.critSlots = Int32Array.from(c);
      team.timeSlots = Int32Array.from(t, (s) => (s < 0 ? s : s + this.criteria.length));
      team.word = words;
      team.words = Math.ceil(c.length / 32);
      words += team.words;
      c.forEach((slot, r) => {
        const crit = this.criteria[slot];
        const w = team.word + (r >> 5);
        const bit = 1 << (r & 31);
        // Rules are numbered in order: a criteria's bits in one word are added one after another.
        if (crit.words[crit.words.length - 1] === w) crit.masks[crit.masks.length - 1] |= bit;
        else {
          crit.words.push(w);
          crit.masks.push(bit);
        }
      });
    });
    this.candidates = new Int32Array(words);
    this.stamps = new Uint32Array(this.criteria.length + this.timeGates.length);
    this.codes = new Int8Array(this.stamps.length);
    // Guards: a criteria whose conditions are ANDed, by its exact condition on the most selective field.
    const norm = cs ? (x: string) => x : lc;
    const candidates = new Map<SharedCriteria, { field: string; vals: string[] }[]>();
    const values = new Map<string, Set<string>>();
    for (const c of criteria.values()) {
      const anded = c.type === "match-all-conditions" || (c.type === "match-any-condition" && c.conditions.length === 1);
      if (!anded) continue;
      const gs = c.conditions.map((x) => guardOf(x, norm)).filter((g) => g !== undefined);
      candidates.set(c, gs);
      for (const g of gs) for (const v of g.vals) (values.get(g.field) ?? values.set(g.field, new Set()).get(g.field)!).add(v);
    }
    const distinct = new Map([...values].map(([k, v]) => [k, v.size]));
    for (const [c, gs] of candidates) {
      const g = pickGuard(gs, distinct);
      if (!g) continue;
      c.guard = this.index.id();
      this.guardSlots[c.guard] = c.slot;
      this.index.guard(c.guard, g.field, g.vals);
    }
    this.literalGuards(cs);
    this.unguarded = Int32Array.from(this.criteria.filter((c) => c.guard === undefined).map((c) => c.slot));
    this.markers = this.index.fields().map((f) => guardMarker(f, norm, this.index));
  }

  /**
   * Guards from literals, for the criteria no exact condition guards: a `contains`,
   * `starts-with`, `ends-with` or `equals` on a string field, or a `matches` with a
   * required literal (regex.ts), holds only on values that contain the literal, so
   * only on values that contain one of its three-character pieces (the rarest,
   * lower case ASCII: lower-casing the value keeps every ASCII piece of a lower-cased
   * substring). A match-any criteria is guarded only when each of its conditions
   * is (exactly or by a literal): the alert's values mark it through any of them.
   */
  private literalGuards(cs: boolean): void {
    const norm = cs ? (x: string) => x : lc;
    const pieces = (c: Condition): string[] => {
      if (c.not) return [];
      const slot = slotOf(c);
      if (slot === undefined) return [];
      let lit: string | undefined;
      if (c.operation === "contains" || c.operation === "starts-with" || c.operation === "ends-with" || c.operation === "equals") lit = c.expectedValue ?? "";
      else if (c.operation === "matches" && vendorRegex("opsgenie", c.expectedValue ?? "").ok) lit = requiredLiteral(c.expectedValue ?? "")?.text;
      if (lit === undefined) return [];
      const lower = lit.toLowerCase();
      const out: string[] = [];
      for (let i = 0; i + 3 <= lower.length; i++) {
        const t = lower.slice(i, i + 3);
        if (/^[\x00-\x7f]{3}$/.test(t)) out.push(t);
      }
      return out;
    };
    const unguarded = this.criteria.filter((c) => c.guard === undefined && c.type !== "match-all" && c.conditions.length > 0);
    const frequency = new Map<string, number>();
    for (const c of unguarded) for (const x of c.conditions) for (const t of new Set(pieces(x))) frequency.set(t, (frequency.get(t) ?? 0) + 1);
    const rarest = (c: Condition): { field: string; vals: string[] } | undefined => {
      let best: string | undefined;
      for (const t of pieces(c)) if (best === undefined || frequency.get(t)! < frequency.get(best)!) best = t;
      return best === undefined ? undefined : { field: `tri\u0000${slotOf(c)}`, vals: [best] };
    };
    for (const c of unguarded) {
      let gs: { field: string; vals: string[] }[];
      if (c.type === "match-any-condition" && c.conditions.length > 1) {
        // Every condition must be guarded: any one of them may hold.
        const each = c.conditions.map((x) => guardOf(x, norm) ?? rarest(x));
        if (each.some((g) => g === undefined)) continue;
        gs = each as { field: string; vals: string[] }[];
      } else {
        // ANDed: one literal condition is enough; the rarest piece among them.
        const all = c.conditions.map(rarest).filter((g) => g !== undefined);
        if (all.length === 0) continue;
        gs = [all.reduce((a, b) => (frequency.get(b.vals[0])! < frequency.get(a.vals[0])! ? b : a))];
      }
      c.guard = this.index.id();
      this.guardSlots[c.guard] = c.slot;
      for (const g of gs) this.index.guard(c.guard, g.field, g.vals);
    }
  }

  private selected(alert: OpsgenieAlert): CompiledTeam[] {
    if (!alert.routeTo) return this.teams;
    const wanted = new Set(alert.routeTo.map(lc));
    return this.teams.filter((t) => wanted.has(t.nameLc));
  }

  /**
   * Which rules decide, without explanation text. Every shared criteria is
   * decided once (a guarded one whose guard fails, without evaluating it), the
   * rules whose criteria do not fail are marked as bits, and each team's first
   * marked rule inside its time restriction decides; with `routeTo` (a few
   * teams), the selected teams' rules are walked instead.
   */
  fast(alert: OpsgenieAlert, at: Date, out: FastUnit[] = []): FastUnit[] {
    const ctx = this.ctx;
    ctx.alert = alert;
    ctx.details = detailsOf(alert);
    ctx.priority = undefined;
    ctx.norm.clear();
    ctx.vecs.length = 0;
    const index = this.index;
    index.begin();
    for (const mark of this.markers) mark(ctx);
    if (++this.epoch === 0xffffffff) {
      this.stamps.fill(0);
      this.epoch = 1;
    }
    if (alert.routeTo) return this.walk(this.selected(alert), ctx, at, out);
    const candidates = this.candidates;
    candidates.fill(0);
    // Only the criteria that can hold are decided: those without a guard, and those the alert's
    // values marked; any other fails on its guard. The bits put each rule back in its place.
    const criteria = this.criteria;
    const unguarded = this.unguarded;
    const marked = index.marked;
    for (let k = 0, n = unguarded.length + marked; k < n; k++) {
      const s = k < unguarded.length ? unguarded[k] : this.guardSlots[index.markedIds[k - unguarded.length]];
      if (this.decide(s, ctx, at) === FALSE) continue;
      const { words, masks } = criteria[s];
      for (let j = 0; j < words.length; j++) candidates[words[j]] |= masks[j];
    }
    const stamps = this.stamps;
    const codes = this.codes;
    const epoch = this.epoch;
    const teams = this.teams;
    for (let t = 0; t < teams.length; t++) {
      const team = teams[t];
      let result: FastUnit | undefined;
      for (let w = 0; w < team.words && result === undefined; w++) {
        let x = candidates[team.word + w];
        while (x !== 0) {
          const low = x & -x;
          x ^= low;
          const i = (w << 5) | (31 - Math.clz32(low));
          // Outside its time restriction: the rule does not match, whatever its criteria.
          const ts = team.timeSlots[i];
          if (ts >= 0 && (stamps[ts] === epoch ? codes[ts] : this.decide(ts, ctx, at)) === FALSE) continue;
          result = this.ruleUnit(team, i, codes[team.critSlots[i]]);
          break;
        }
      }
      out.push(result ?? this.defaultUnit(team));
    }
    return out;
  }

  /** The selected teams' rules in order, each shared criteria and time restriction decided when first reached. */
  private walk(teams: CompiledTeam[], ctx: Ctx, at: Date, out: FastUnit[]): FastUnit[] {
    const epoch = this.epoch;
    const stamps = this.stamps;
    const codes = this.codes;
    for (let t = 0; t < teams.length; t++) {
      const team = teams[t];
      const critSlots = team.critSlots;
      const timeSlots = team.timeSlots;
      let result: FastUnit | undefined;
      for (let i = 0; i < critSlots.length; i++) {
        const c = critSlots[i];
        const m = stamps[c] === epoch ? codes[c] : this.decide(c, ctx, at);
        if (m === FALSE) continue;
        const ts = timeSlots[i];
        if (ts >= 0 && (stamps[ts] === epoch ? codes[ts] : this.decide(ts, ctx, at)) === FALSE) continue;
        result = this.ruleUnit(team, i, m);
        break;
      }
      out.push(result ?? this.defaultUnit(team));
    }
    return out;
  }

  /** Rule `i` of `team` decides, its criteria with `code` (TRUE or UNKNOWN); the result is built once and shared. */
  private ruleUnit(team: CompiledTeam, i: number, code: number): FastUnit {
    const r = team.rules[i];
    return code === TRUE
      ? (r.matchedUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "rule", matched: [r.decl.args.name], targetIds: [r.notify.id] }))
      : (r.unevaluableUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "cannot-evaluate", matched: [], targetIds: [], cannotEvaluate: unevaluables(r) }));
  }

  private defaultUnit(team: CompiledTeam): FastUnit {
    return (team.defaultUnit ??= frozenUnit({ vendor: "opsgenie", unit: team.unit, outcome: "default", matched: [], targetIds: ["default"] }));
  }

  private time(tz: string, at: Date, times: Map<string, WallTime>): WallTime {
    let wt = times.get(tz);
    if (!wt) {
      wt = wallTime(at, tz);
      times.set(tz, wt);
    }
    return wt;
  }

  /** Decides slot `slot` (a shared criteria or time restriction) for the current alert and records it. */
  private decide(slot: number, ctx: Ctx, at: Date): number {
    let code: number;
    if (slot < this.criteria.length) {
      const crit = this.criteria[slot];
      // Its guard condition is false: the criteria cannot hold.
      code = crit.guard !== undefined && !this.index.possible(crit.guard) ? FALSE : this.criteriaResult(crit, ctx);
    } else {
      const time = this.timeGates[slot - this.criteria.length];
      // Decided once per alert; wallTime remembers the zone's last minute.
      code = time.inTime(wallTime(at, time.tz)) ? TRUE : FALSE;
    }
    this.stamps[slot] = this.epoch;
    this.codes[slot] = code;
    return code;
  }

  /** The criteria's result for the alert, as a code (FALSE, TRUE, UNKNOWN). */
  private criteriaResult(c: SharedCriteria, ctx: Ctx): number {
    const conds = c.conds;
    let unknown = false;
    if (c.any) {
      for (let i = 0; i < conds.length; i++) {
        const t = conds[i].test(ctx);
        if (t === true) return TRUE;
        if (t === undefined) unknown = true;
      }
      return unknown ? UNKNOWN : FALSE;
    }
    // match-all has no conditions: true.
    for (let i = 0; i < conds.length; i++) {
      const t = conds[i].test(ctx);
      if (t === false) return FALSE;
      if (t === undefined) unknown = true;
    }
    return unknown ? UNKNOWN : TRUE;
  }

  /** The full evaluation with its explanation. */
  explain(alert: OpsgenieAlert, at: Date, only?: number): UnitResult[] {
    const ctx = contextOf(alert);
    const times = new Map<string, WallTime>();
    const teams = this.selected(alert);
    // `only`: the one team (by its place among the alert's) whose explanation is wanted.
    return (only === undefined ? teams : teams.slice(only, only + 1)).map((team) => this.explainTeam(team, ctx, at, times));
  }

  private explainTeam(team: CompiledTeam, ctx: Ctx, at: Date, times: Map<string, WallTime>): UnitResult {
    const trace: RuleTrace[] = [];
    const contexts = new Set<string>();
    const base = { vendor: "opsgenie" as const, unit: team.unit, trace, assumptions: this.assumptions };
    const context = () => [...contexts].join("; ") || undefined;
    for (const r of team.rules) {
      const a = r.decl.args;
      const checks: Check[] = [];
      let timeOk = true;
      if (a.timeRestriction && r.tz) {
        const wt = this.time(r.tz, at, times);
        contexts.add(wt.text);
        const tc = checkTimeRestriction(a.timeRestriction, wt);
        checks.push(tc);
        timeOk = tc.held;
      }
      const condChecks = r.type === "match-all" ? [] : r.conds.map((c) => c.check(ctx));
      checks.push(...condChecks);
      const tri = (c: Check): Tri => (c.unknown ? undefined : c.held);
      const crit: Tri = r.type === "match-all" ? true : r.type === "match-any-condition" ? or3(condChecks.map(tri)) : and3(condChecks.map(tri));
      const matched: Tri = timeOk ? crit : false;
      const reason = !timeOk
        ? "skipped: outside its time restriction"
        : crit === undefined
          ? `cannot evaluate: ${r.type} depends on a pattern the simulator cannot evaluate exactly`
          : !crit
            ? `skipped: ${r.type} not satisfied`
            : `matched: ${r.type}`;
      trace.push({ label: r.label, name: a.name, matched: matched === true, reason, checks });
      if (matched === true) return { ...base, context: context(), outcome: "rule", matched: [a.name], targets: [r.notify.text], targetIds: [r.notify.id] };
      if (matched === undefined) {
        const why = unevaluables(r);
        return { ...base, context: context(), outcome: "cannot-evaluate", matched: [], targets: [`cannot evaluate: ${why.join("; ")}`], targetIds: [], cannotEvaluate: why };
      }
    }
    return {
      ...base,
      context: context(),
      outcome: "default",
      matched: [],
      targets: ["the team's Default Routing Rule (not declared in the program; usually the team's escalation)"],
      targetIds: ["default"],
    };
  }
}

const unevaluables = (r: CompiledRule) => r.conds.flatMap((c) => (c.unevaluable ? [`pattern ${c.unevaluable}`] : []));

/** Evaluates each team's declared rules for the alert: first match wins, the default rule last. */
export function evaluateOpsgenie(rules: Declared<TeamRoutingRuleArgs>[], alert: OpsgenieAlert, at: Date, opts: OpsgenieOptions = {}): UnitResult[] {
  return new OpsgenieEvaluator(rules, opts).explain(alert, at);
}
