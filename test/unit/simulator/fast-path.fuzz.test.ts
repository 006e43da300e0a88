import { describe, expect, it } from "vitest";
import { RE2JS } from "re2js";
import { compileRouting, routingFromArgs, simulate, type SimulateOptions } from "../../../src/simulator";
import { decision, rng, simulate as bothPaths } from "./both-paths";
import { requiredLiteral, vendorRegex } from "../../../src/simulator/regex";
import { compileJavaMatches } from "../../../src/opsgenie/regex";
import { rubyToRegExp } from "../../../src/rootly/regex";
import { checkSchema as opsgenieSchema } from "../../../src/opsgenie/team-routing-rule.schema";
import { alertRouteSchema as rootlySchema } from "../../../src/rootly/alert-route.schema";
import { routeSchema as flashdutySchema } from "../../../src/flashduty/route.schema";
import type { Routing, SimAlert, Vendor } from "../../../src/simulator/types";

// A seeded differential fuzz: random routings of all three vendors (only those
// `check` accepts) and random alerts over one small alphabet, so that matches,
// near misses, case differences, empty values, Unicode folding traps and
// substrings are common. For every alert the many-alerts path
// (`compileRouting(...).simulate`: interned criteria, guard indexes, literal
// pieces, memoized values, bit words) must decide every unit exactly as
// `simulate()` (the explanation path). A second property checks the vendors'
// pattern matchers (with their required-literal prefilter) against the bare
// engines: both paths share them, so only the engines can judge them.
//
// FUZZ_SEED=<n> replays another seed; FUZZ_ROUNDS=<n> scales the corpus.

const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 1);


type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const chance = (r: Rand, p: number) => r() < p;
const upTo = (r: Rand, n: number) => Math.floor(r() * (n + 1));
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));

// The shared alphabet: words and their case and Unicode neighbours (ß/ss, the Kelvin sign,
// the long s, dotted I, final sigma, a combining acute), separators and pattern-ish characters.
const TOKENS = [
  "db", "DB", "Db", "web", "WEB", "abc", "ABC", "kas", "KAS", "ss", "SS", "ß", "\u212a", "k", "K", "\u017f", "s", "S",
  "\u0130", "i", "I", "\u0131", "\u00e9", "e\u0301", "\u03a3", "\u03c3", "\u03c2", "-", " ", ".", "1", "10", "P1", "p2", "P5", "[", "|", "x",
] as const;
const word = (r: Rand): string => times(1 + upTo(r, 2), () => pick(r, TOKENS)).join("");
/** A value: mostly words over the alphabet, sometimes empty, blank or a number-ish string. */
const value = (r: Rand): string => (chance(r, 0.06) ? "" : chance(r, 0.04) ? " " : chance(r, 0.05) ? pick(r, ["5", "10.5", "-3", "10.0.0.7", "::1"]) : word(r));

// Pattern pieces every dialect reads (literals with (?i), alternation, classes, escapes,
// groups, quantifiers) and some only one does; patterns a dialect refuses are dropped by check.
const REGEX_PIECES = [
  "db", "DB", "abc", "kas", "KAS", "ss", "web", "x", "ß", "\u212a", "\u017f", "\u0130", "\u03c3",
  ".", ".*", ".+", "\\d", "\\w", "\\s", "\\.", "\\-", "\\b", "^", "$", "[a-z]", "[^x]", "[kK]", "[[a]|]", "[[:alpha:]]", "[]a]",
  "(db|web)", "(?:abc)", "(?i:db)", "(?i)", "|", "?", "*", "+", "{0,2}", "{2}", "(?=x)", "\\Q.\\E", "(a)\\1", "\\x41", "\\p{L}", "\\h", "(?u)", "\\X",
  "(?-i)", "(?s)", "(?x)", "(?m)", "(?#c)", "(?<n>db)", "(?P<n>db)", "(?>ab)", "(?<=a)", "(?!x)", "(?i:K)", "\\k<n>", "\\K", "\\G", "\\A", "\\z", "\\R", "\\0", "\\cA",
  "{", "}", "{,2}", "{1,}", "??", "*+", "x{a}", "[a&&[b]]", "[\\]a]", "[a-z&&[^k]]", "(?~ab)", "\\/", "\\\\",
] as const;
function regex(r: Rand): string {
  const body = times(1 + upTo(r, 3), () => pick(r, REGEX_PIECES)).join("");
  return chance(r, 0.3) ? `(?i)${body}` : body;
}
const javaWhole = (r: Rand) => {
  const p = regex(r);
  // matches is the whole value: most useful patterns are padded with .*
  return chance(r, 0.6) ? `${p.startsWith("(?i)") ? "(?i)" : ""}.*${p.replace(/^\(\?i\)/, "")}.*` : p;
};

// ---------- Opsgenie ----------
const OG_STRING = ["message", "alias", "description", "source", "entity"] as const;
const OG_LIST = ["tags", "actions", "recipients", "teams", "responders"] as const;
const OG_STRING_OPS = ["contains", "equals", "starts-with", "ends-with", "matches", "is-empty", "equals-ignore-whitespace"] as const;
const ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "UTC"] as const;
const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;

type Obj = Record<string, unknown>;
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;

function opsgenieCondition(r: Rand): Obj {
  const kind = pick(r, ["string", "string", "string", "key", "key", "list", "map", "priority"] as const);
  const not = chance(r, 0.2) ? { not: true } : {};
  const expected = (op: string) => (op === "is-empty" ? (chance(r, 0.5) ? {} : { expectedValue: "" }) : { expectedValue: op === "matches" ? javaWhole(r) : value(r) });
  if (kind === "string" || kind === "key") {
    const operation = pick(r, OG_STRING_OPS);
    const field = kind === "key" ? { field: "extra-properties", key: pick(r, ["svc", "env", "Svc", "svc", "env", "constructor"]) } : { field: pick(r, OG_STRING) };
    return { ...field, operation, ...expected(operation), ...not };
  }
  if (kind === "list") {
    const operation = pick(r, ["contains", "contains", "is-empty"] as const);
    return { field: pick(r, OG_LIST), operation, ...expected(operation), ...not };
  }
  if (kind === "map") {
    const operation = pick(r, ["contains", "contains-key", "contains-value", "is-empty"] as const);
    return { field: pick(r, ["extra-properties", "details"] as const), operation, ...expected(operation), ...not };
  }
  const operation = pick(r, ["equals", "greater-than", "less-than", "matches"] as const);
  return { field: "priority", operation, expectedValue: operation === "matches" ? pick(r, ["P[1-2]", "(?i)p1", "P.", "p3"]) : pick(r, ["P1", "P3", "p5", "P9", "x"]), ...not };
}

function timeRestriction(r: Rand): Obj {
  const h = () => upTo(r, 23);
  const m = () => pick(r, [0, 30]);
  if (chance(r, 0.5)) return { type: "time-of-day", restriction: { startHour: h(), startMin: m(), endHour: h(), endMin: m() } };
  return { type: "weekday-and-time-of-day", restrictions: times(1 + upTo(r, 1), () => ({ startDay: pick(r, DAYS), startHour: h(), startMin: m(), endDay: pick(r, DAYS), endHour: h(), endMin: m() })) };
}

function opsgenieRouting(r: Rand): Obj[] {
  // A small pool of conditions, reused by rules and teams: equal criteria are interned.
  const pool = times(2 + upTo(r, 4), () => opsgenieCondition(r));
  const teams = times(1 + upTo(r, 3), (t) => (chance(r, 0.1) ? `T${t}` : pick(r, ["Ops", "ops", "DB team", `T${t}`])));
  return times(chance(r, 0.04) ? 30 + upTo(r, 40) : 1 + upTo(r, 8), (i) => {
    const type = pick(r, ["match-all-conditions", "match-all-conditions", "match-any-condition", "match-any-condition", "match-all"] as const);
    const conditions = type === "match-all" ? undefined : times(1 + upTo(r, 2), () => (chance(r, 0.8) ? pick(r, pool) : opsgenieCondition(r)));
    const withTime = chance(r, 0.2);
    return {
      // Teams by name or id, some of another account (a team apart under the same name).
      ...(chance(r, 0.15) ? { teamId: pick(r, [uuid(31), uuid(32)]) } : { teamName: pick(r, teams) }),
      ...(chance(r, 0.1) ? { account: pick(r, ["default", "jsm"]) } : {}),
      name: `r${i}`,
      ...(chance(r, 0.7) ? { order: upTo(r, 5) } : {}),
      ...(type === "match-all" && chance(r, 0.3) ? {} : { criteria: conditions ? { type, conditions } : { type } }),
      ...(withTime ? { timeRestriction: timeRestriction(r), ...(chance(r, 0.7) ? { timezone: pick(r, ZONES) } : {}) } : {}),
      notify: chance(r, 0.1) ? { type: "none" } : { type: pick(r, ["schedule", "escalation"] as const), name: `n${i}` },
    };
  });
}

function opsgenieAlert(r: Rand, vals: string[]): Obj {
  const v = () => (chance(r, 0.15) ? undefined : pick(r, vals));
  const list = () => (chance(r, 0.3) ? undefined : times(upTo(r, 2), () => pick(r, vals)));
  const map = () => Object.fromEntries(times(upTo(r, 2), () => [pick(r, ["svc", "env", "Svc", "other", "svc", "toString"]), pick(r, vals)]));
  return {
    message: v(),
    alias: v(),
    description: chance(r, 0.5) ? v() : undefined,
    source: v(),
    entity: chance(r, 0.5) ? v() : undefined,
    tags: list(),
    actions: list(),
    recipients: list(),
    teams: list(),
    responders: list(),
    details: chance(r, 0.8) ? map() : undefined,
    extraProperties: chance(r, 0.2) ? map() : undefined,
    priority: chance(r, 0.3) ? undefined : pick(r, ["P1", "p2", "P3", "P5", "P9", "x", ""]),
  };
}

// ---------- Rootly ----------
const SOURCES = [uuid(1), uuid(2)];
const URGENCIES = [uuid(11), uuid(12)];
const ALERT_FIELDS = [uuid(21), uuid(22)];
const PATHS = ["svc", "$.svc", "a.b", "list", "arr[1]", "num", "obj", "missing", "svc", "a.b", "constructor", "a.toString"] as const;
const LIST_TYPES = ["is_one_of", "is_not_one_of"] as const;
const SINGLE_TYPES = ["contains", "does_not_contain", "starts_with", "ends_with", "matches_regex"] as const;

function rootlyCondition(r: Rand): Obj {
  const fieldType = pick(r, ["payload", "payload", "payload", "attribute", "alert_field"] as const);
  const subject =
    fieldType === "alert_field"
      ? { propertyFieldType: fieldType, conditionableType: "AlertField", conditionableId: pick(r, ALERT_FIELDS) }
      : { propertyFieldType: fieldType, propertyFieldName: fieldType === "payload" ? pick(r, PATHS) : pick(r, ["summary", "status", "urgency", "source"]) };
  const t = pick(r, [...LIST_TYPES, ...SINGLE_TYPES, "matches_regex", "is_empty"] as const);
  if (t === "is_empty") return { propertyFieldConditionType: t, ...subject };
  if (t === "is_one_of" || t === "is_not_one_of") {
    const urgency = fieldType !== "alert_field" && chance(r, fieldType === "attribute" ? 0.3 : 0.1);
    return { propertyFieldConditionType: t, ...subject, ...(urgency ? { alertUrgencyIds: [pick(r, URGENCIES)] } : { propertyFieldValues: times(1 + upTo(r, 2), () => value(r)) }) };
  }
  return { propertyFieldConditionType: t, ...subject, propertyFieldValue: t === "matches_regex" ? regex(r) : value(r) };
}

function rootlyRouting(r: Rand): Obj[] {
  const pool = times(2 + upTo(r, 4), () => rootlyCondition(r));
  return times(1 + upTo(r, 2), (k) => {
    const rules = times(chance(r, 0.04) ? 30 + upTo(r, 40) : 1 + upTo(r, 5), (i) => ({
      name: `rule${i}`,
      destinations: [{ targetType: pick(r, ["Service", "EscalationPolicy"] as const), targetId: uuid(100 + i) }],
      ...(chance(r, 0.85)
        ? {
            conditionGroups: times(1 + upTo(r, 1), () => ({ conditions: times(1 + upTo(r, 1), () => (chance(r, 0.8) ? pick(r, pool) : rootlyCondition(r))) })),
          }
        : {}),
    }));
    // Some routes give positions out of list order; some have a fallback rule (anywhere in the list).
    if (chance(r, 0.4)) {
      const positions = times(rules.length, (i) => i * 2).sort(() => r() - 0.5);
      rules.forEach((rule, i) => Object.assign(rule, { position: positions[i] }));
    }
    if (chance(r, 0.4)) Object.assign(pick(r, rules), { fallbackRule: true });
    return { name: `route${k}`, alertsSourceIds: chance(r, 0.7) ? [pick(r, SOURCES)] : SOURCES, ...(chance(r, 0.1) ? { enabled: false } : {}), rules };
  });
}

function rootlyAlert(r: Rand, vals: string[]): Obj {
  const v = () => pick(r, vals);
  const payload: Obj = {};
  if (chance(r, 0.85)) payload.svc = v();
  if (chance(r, 0.5)) payload.a = chance(r, 0.8) ? { b: v() } : v();
  if (chance(r, 0.5)) payload.list = times(upTo(r, 2), () => v());
  if (chance(r, 0.4)) payload.arr = times(upTo(r, 3), () => (chance(r, 0.2) ? null : v()));
  if (chance(r, 0.3)) payload.num = pick(r, [5, 10, 0, true, null]);
  if (chance(r, 0.2)) payload.obj = chance(r, 0.5) ? {} : { k: v() };
  return {
    ...(chance(r, 0.5) ? { alertsSourceId: pick(r, [...SOURCES, uuid(3)]) } : {}),
    payload,
    ...(chance(r, 0.6) ? { attributes: { summary: v(), ...(chance(r, 0.5) ? { status: v() } : {}), ...(chance(r, 0.3) ? { urgency: pick(r, URGENCIES) } : {}) } } : {}),
    ...(chance(r, 0.4) ? { urgencyId: pick(r, URGENCIES) } : {}),
    ...(chance(r, 0.4) ? { alertFields: { [pick(r, ALERT_FIELDS)]: v() } } : {}),
  };
}

// ---------- Flashduty ----------
const FD_KEYS = ["severity", "alert_severity", "title", "description", "data_source_id", "labels.service", "labels.env", "labels.x", "labels.service", "labels.constructor"] as const;
function flashdutyValue(r: Rand): string {
  const k = r();
  if (k < 0.5) return value(r) || "db";
  if (k < 0.7) return pick(r, ["d*", "*b", "?b", "*", "D?", "*ss*", "w*b"]);
  if (k < 0.9) return `/${regex(r)}/`;
  return pick(r, ["cidr:10.0.0.0/8", "num:gt:5", "num:le:10", "num:lt:-1"]);
}
function flashdutyRouting(r: Rand): Obj[] {
  const pool = times(2 + upTo(r, 4), () => ({ key: pick(r, FD_KEYS), oper: pick(r, ["IN", "IN", "NOTIN"] as const), vals: times(1 + upTo(r, 2), () => flashdutyValue(r)) }));
  return times(1 + upTo(r, 2), (k) => ({
    integrationId: 1 + (chance(r, 0.2) ? 0 : k),
    cases: times(chance(r, 0.04) ? 30 + upTo(r, 40) : upTo(r, 6), (i) =>
      chance(r, 0.15)
        ? { if: [pick(r, pool)], routingMode: "name_mapping", nameMappingLabel: pick(r, ["labels.service", "title"]), ...(chance(r, 0.5) ? { fallthrough: true } : {}) }
        : { if: times(1 + upTo(r, 1), () => pick(r, pool)), channelIds: [k * 100 + i + 1, ...(chance(r, 0.2) ? [7] : [])], ...(chance(r, 0.35) ? { fallthrough: true } : {}) },
    ),
    ...(chance(r, 0.7) ? { default: { channelIds: [999] } } : {}),
  }));
}
function flashdutyAlert(r: Rand, vals: string[]): Obj {
  const v = () => (chance(r, 0.15) ? undefined : pick(r, vals));
  return {
    ...(chance(r, 0.4) ? { integrationId: pick(r, [1, 2, 3]) } : {}),
    severity: chance(r, 0.5) ? pick(r, ["Critical", "Warning", "Info", "db"]) : v(),
    title: v(),
    description: chance(r, 0.3) ? v() : undefined,
    data_source_id: chance(r, 0.3) ? pick(r, [5, "10", "x"]) : undefined,
    labels: chance(r, 0.8) ? Object.fromEntries(times(upTo(r, 3), () => [pick(r, ["service", "env", "x"]), pick(r, vals)])) : undefined,
  };
}

// ---------- the comparison ----------
const strip = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

const SCHEMAS: Record<Vendor, { safeParse(x: unknown): { success: boolean } }> = { opsgenie: opsgenieSchema, rootly: rootlySchema, flashduty: flashdutySchema };
const accepted = (v: Vendor, args: unknown) => SCHEMAS[v].safeParse(args).success;

interface Case {
  routing: Routing;
  alert: SimAlert;
  at: string;
  opts: SimulateOptions;
}

/** The first unit on which the two paths differ, or undefined. */
function difference(c: Case, compiled = compileRouting(c.routing, c.opts)): { fast: unknown; full: unknown } | undefined {
  const fast = compiled.simulate(c.alert, c.at);
  const full = simulate(c.routing, c.alert, { ...c.opts, at: c.at });
  const a = { units: fast.units.map(decision), notDeclared: fast.notDeclared };
  const b = { units: full.units.map(decision), notDeclared: full.notDeclared };
  if (JSON.stringify(a) !== JSON.stringify(b)) return { fast: a, full: b };
  // impact explains one unit by its index in the fast result: the same unit, decided alike.
  const vendor = fast.units[0]?.vendor;
  if (vendor === undefined) return undefined;
  const i = fast.units.length - 1;
  const one = compiled.explainUnit(c.alert, vendor, i, c.at);
  if (!one || JSON.stringify(decision(one)) !== JSON.stringify(a.units[i])) return { fast: a.units[i], full: one && { explainUnit: decision(one) } };
  return undefined;
}

/** Every way to drop one array item or object key of `x` (paths into routing and alert). */
function* removals(x: unknown): Generator<(root: unknown) => unknown> {
  function* walk(node: unknown, path: (string | number)[]): Generator<(string | number)[]> {
    if (Array.isArray(node)) for (let i = node.length - 1; i >= 0; i--) { yield [...path, i]; yield* walk(node[i], [...path, i]); }
    else if (node && typeof node === "object") for (const k of Object.keys(node)) { yield [...path, k]; yield* walk((node as Obj)[k], [...path, k]); }
  }
  for (const p of [...walk(x, [])]) {
    yield (root) => {
      const copy = structuredClone(root) as Obj;
      let cur: unknown = copy;
      for (const k of p.slice(0, -1)) cur = (cur as Obj)[k as string];
      const last = p[p.length - 1];
      if (Array.isArray(cur)) cur.splice(last as number, 1);
      else delete (cur as Obj)[last as string];
      return copy;
    };
  }
}

/** A smaller failing case: drop parts (keeping every resource acceptable to check) while the paths still differ. */
function shrink(c: Case): Case {
  let cur = c;
  for (let changed = true; changed; ) {
    changed = false;
    const whole = { routing: cur.routing, alert: cur.alert };
    for (const drop of removals(whole)) {
      const next = drop(whole) as { routing?: Routing; alert?: SimAlert };
      if (!next.routing || !next.alert) continue;
      const routing = next.routing;
      if (!(["opsgenie", "rootly", "flashduty"] as const).every((v) => Array.isArray(routing[v]) && routing[v].every((d) => d && typeof d === "object" && "args" in d && accepted(v, d.args)))) continue;
      const cand = { ...cur, routing, alert: next.alert };
      let diff;
      try {
        diff = difference(cand);
      } catch {
        continue;
      }
      if (diff) {
        cur = cand;
        changed = true;
        break;
      }
    }
  }
  return cur;
}

const AT = ["2026-03-29T00:45:00Z", "2026-03-29T01:30:00Z", "2026-04-04T15:30:00Z", "2026-07-01T08:59:00Z", "2026-11-01T06:30:00Z", "2026-11-25T10:00:00Z", "2026-12-06T23:30:00Z", "2026-12-07T13:00:00Z"];

function fuzz(vendor: Vendor, seed: number, routings: number, alertsPer: number, opts: (r: Rand) => SimulateOptions) {
  const r = rng(seed);
  let compared = 0;
  let dropped = 0;
  const outcomes = new Set<string>();
  for (let n = 0; n < routings; n++) {
    const gen = vendor === "opsgenie" ? opsgenieRouting(r) : vendor === "rootly" ? rootlyRouting(r) : flashdutyRouting(r);
    // Only what check accepts is compared.
    const args = gen.map(strip).filter((a) => accepted(vendor, a) || (dropped++, false));
    if (args.length === 0) continue;
    const routing: Routing = { opsgenie: [], rootly: [], flashduty: [], [vendor]: args.map((a, i) => ({ resource: `res${i}`, args: a })) };
    const o = opts(r);
    const compiled = compileRouting(routing, o);
    // Alerts repeat a few values (memoized per value) drawn from the alphabet and from the routing's own literals.
    const own: string[] = [];
    JSON.stringify(args, (k, v: unknown) => {
      if (["expectedValue", "propertyFieldValue"].includes(k) && typeof v === "string") own.push(v);
      if (["vals", "propertyFieldValues"].includes(k) && Array.isArray(v)) own.push(...(v as string[]).map((x) => x.replace(/^\/(.*)\/$/s, "$1")));
      return v;
    });
    const vals = [...times(6, () => value(r)), ...own.filter(() => chance(r, 0.7)), ...own.filter(() => chance(r, 0.3)).map((s) => `x${s}${pick(r, ["", "!", "db"])}`)];
    for (let k = 0; k < alertsPer; k++) {
      const body = strip(vendor === "opsgenie" ? opsgenieAlert(r, vals) : vendor === "rootly" ? rootlyAlert(r, vals) : flashdutyAlert(r, vals));
      if (vendor === "opsgenie" && chance(r, 0.2)) body.routeTo = [pick(r, ["ops", "Ops", "DB team", "T0", "T1", "nobody", uuid(31)]), pick(r, ["T2", "db team", uuid(32).toUpperCase()])];
      const c: Case = { routing, alert: { [vendor]: body }, at: pick(r, AT), opts: o };
      const diff = difference(c, compiled);
      compared++;
      if (diff) {
        const small = shrink(c);
        const d = difference(small) ?? diff;
        throw new Error(
          `the fast path decides differently from simulate() (seed ${seed}, routing ${n}, alert ${k}; replay with FUZZ_SEED=${SEED}).\n` +
            `minimal case:\n${JSON.stringify({ routing: { [vendor]: small.routing[vendor].map((x) => x.args) }, alert: small.alert, at: small.at, opts: small.opts }, null, 1)}\n` +
            `fast path: ${JSON.stringify(d.fast)}\nsimulate(): ${JSON.stringify(d.full)}`,
        );
      }
      for (const u of compiled.simulate(c.alert, c.at).units) outcomes.add(u.outcome);
    }
  }
  console.log(`${vendor} (seed ${seed}): ${compared} alerts compared on ${routings} routings; ${dropped} generated resources refused by check and dropped`);
  return { compared, dropped, outcomes: [...outcomes].sort() };
}

describe(`fast path vs simulate(): seeded differential fuzz (seed ${SEED})`, () => {
  it("Opsgenie (case-insensitive, the default)", () => {
    const s = fuzz("opsgenie", SEED, 800 * ROUNDS, 40, (r) => (chance(r, 0.3) ? { accountTimezone: pick(r, ZONES) } : {}));
    expect(s.outcomes).toEqual(["cannot-evaluate", "default", "rule"]);
    expect(s.compared).toBeGreaterThan(20_000 * ROUNDS);
  });
  it("Opsgenie with opsgenieCaseSensitive (--opsgenie-case-sensitive)", () => {
    const s = fuzz("opsgenie", SEED + 1, 800 * ROUNDS, 40, (r) => ({ opsgenieCaseSensitive: true, ...(chance(r, 0.3) ? { accountTimezone: pick(r, ZONES) } : {}) }));
    expect(s.outcomes).toEqual(["cannot-evaluate", "default", "rule"]);
    expect(s.compared).toBeGreaterThan(20_000 * ROUNDS);
  });
  it("Rootly", () => {
    const s = fuzz("rootly", SEED + 2, 1000 * ROUNDS, 40, () => ({}));
    expect(s.outcomes).toEqual(["cannot-evaluate", "fallback", "none", "rule"]);
    expect(s.compared).toBeGreaterThan(20_000 * ROUNDS);
  });
  it("Flashduty", () => {
    const s = fuzz("flashduty", SEED + 3, 1000 * ROUNDS, 40, (r) => (chance(r, 0.3) ? { channelNames: { db: 5, web: 6, DB: 7 } } : {}));
    // Every RE2 pattern check accepts is evaluable (re2js is RE2): no "cannot evaluate" here.
    expect(s.outcomes).toEqual(["default", "none", "rule"]);
    expect(s.compared).toBeGreaterThan(20_000 * ROUNDS);
  });
});

// Both paths share each vendor's matcher (vendorRegex: the engine behind a
// required-literal prefilter and a memo), so its answers are checked against
// the bare engines: the prefilter may only skip values the engine refuses.
const ENGINES: Record<Vendor, (p: string) => ((v: string) => boolean) | undefined> = {
  opsgenie: (p) => {
    const m = compileJavaMatches(p);
    return "test" in m ? (v) => m.test(v) : undefined;
  },
  rootly: (p) => {
    const re = rubyToRegExp(p);
    return re instanceof RegExp ? (v) => ((re.lastIndex = 0), re.test(v)) : undefined;
  },
  flashduty: (p) => {
    try {
      const re = RE2JS.compile(p);
      return (v) => re.matcher(v).find();
    } catch {
      return undefined;
    }
  },
};

describe(`vendor patterns vs their bare engines (seed ${SEED})`, () => {
  for (const vendor of ["opsgenie", "rootly", "flashduty"] as const)
    it(`${vendor}: the required-literal prefilter never refuses a value the engine matches`, () => {
      const r = rng(SEED + 10 + vendor.length);
      let compared = 0;
      let matched = 0;
      for (let n = 0; n < 1500 * ROUNDS; n++) {
        const p = vendor === "opsgenie" ? javaWhole(r) : regex(r);
        const engine = ENGINES[vendor](p);
        const vr = vendorRegex(vendor, p);
        if (!engine || !vr.ok) continue;
        const pieces = p.replace(/\(\?i\)/g, "").match(/[A-Za-z\u00df\u212a\u017f\u0130\u03c3]+/g) ?? [];
        const vals = [...times(8, () => value(r)), ...pieces.map((x) => `${pick(r, ["", "x", "-"])}${chance(r, 0.5) ? x.toUpperCase() : x}${pick(r, ["", "db", "["])}`), "[", "a", "|", "]abc", "["];
        for (const v of vals) {
          const want = engine(v);
          compared++;
          if (want) matched++;
          if (vr.test(v) !== want) throw new Error(`${vendor} pattern ${JSON.stringify(p)} on ${JSON.stringify(v)}: the engine says ${want}, vendorRegex says ${!want} (seed ${SEED})`);
        }
      }
      expect(compared).toBeGreaterThan(5000 * ROUNDS);
      expect(matched).toBeGreaterThan(200 * ROUNDS);
    });
});

// Minimal cases the fuzz found, kept by name.
describe("fast path fuzz: regressions", () => {
  it("RE2 reads '[' inside a class as a plain character: /[[a]|]abc/ is '[[a]' or ']abc', so it needs no 'abc'", () => {
    const routing = routingFromArgs({ flashduty: [{ integrationId: 1, cases: [{ if: [{ key: "title", oper: "IN", vals: ["/[[a]|]abc/"] }], channelIds: [1] }], default: { channelIds: [9] } }] });
    expect(accepted("flashduty", routing.flashduty[0].args)).toBe(true);
    expect(bothPaths(routing, { flashduty: { title: "[" } }).units.map((u) => [u.outcome, u.targetIds])).toEqual([["rule", ["1"]]]);
    // Java and Ruby nest the class ([ '[a]' or '|' ]), where 'abc' is required; the literal is left to the engine in every dialect.
    expect(requiredLiteral("[[a]|]abc")).toBeUndefined();
    expect(requiredLiteral("[[:alpha:]]abc")).toEqual({ text: "abc", caseInsensitive: false });
  });

  // Both paths agreed here, and were wrong: a key or path named like an Object.prototype
  // member read that member (Opsgenie threw "s.toLowerCase is not a function").
  it("a detail key, payload path or label named 'constructor' is absent unless the alert has it", () => {
    const routing = routingFromArgs({
      opsgenie: [{ teamName: "T", name: "ctor", criteria: { type: "match-all-conditions", conditions: [{ field: "extra-properties", key: "constructor", operation: "contains", expectedValue: "x" }] }, notify: { type: "schedule", name: "s" } }],
      rootly: [
        {
          name: "R",
          alertsSourceIds: [uuid(1)],
          rules: [
            { name: "native", destinations: [{ targetType: "Service", targetId: uuid(2) }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "contains", propertyFieldType: "payload", propertyFieldName: "constructor", propertyFieldValue: "native" }] }] },
            { name: "to string", destinations: [{ targetType: "Service", targetId: uuid(3) }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "is_empty", propertyFieldType: "payload", propertyFieldName: "a.toString" }] }] },
          ],
        },
      ],
      flashduty: [{ integrationId: 1, cases: [{ if: [{ key: "labels.constructor", oper: "IN", vals: ["*"] }], channelIds: [1] }], default: { channelIds: [9] } }],
    });
    const alert: SimAlert = { opsgenie: { message: "m", details: { svc: "x" } }, rootly: { payload: { a: { b: 1 } } }, flashduty: { labels: { service: "db" } } };
    const units = bothPaths(routing, alert).units.map((u) => [u.vendor, u.outcome, u.matched]);
    // Rootly: `a.toString` is absent, so is_empty holds (the second rule), and `constructor` contains nothing.
    expect(units).toEqual([["opsgenie", "default", []], ["rootly", "rule", ["to string"]], ["flashduty", "default", []]]);
    // When the alert has them, they are read as any other key.
    const has: SimAlert = { opsgenie: { details: { constructor: "xy" } }, rootly: { payload: { constructor: "native code" } }, flashduty: { labels: { constructor: "c" } } };
    expect(bothPaths(routing, has).units.map((u) => [u.vendor, u.outcome, u.matched])).toEqual([["opsgenie", "rule", ["ctor"]], ["rootly", "rule", ["native"]], ["flashduty", "rule", ["0"]]]);
  });
});

describe("fast path fuzz: regressions (channel names)", () => {
  it("a name_mapping label whose value is named like a JavaScript built-in is no known channel", () => {
    const routing = routingFromArgs({ flashduty: [{ integrationId: 1, cases: [{ if: [{ key: "labels.team", oper: "IN", vals: ["*"] }], routingMode: "name_mapping", nameMappingLabel: "labels.team" }], default: { channelIds: [9] } }] });
    const opts = { channelNames: { db: 5 } };
    const unknown = bothPaths(routing, { flashduty: { labels: { team: "nosuch" } } }, opts).units[0];
    for (const team of ["toString", "constructor", "__proto__"]) {
      const u = bothPaths(routing, { flashduty: { labels: { team } } }, opts).units[0];
      expect([u.outcome, u.targetIds]).toEqual([unknown.outcome, unknown.targetIds]);
    }
    expect(bothPaths(routing, { flashduty: { labels: { team: "db" } } }, opts).units[0].targetIds).toEqual(["5"]);
  });
});

describe("fast path fuzz: regressions (patterns)", () => {
  it("a Ruby \\G pattern decides each value from its start, whatever value came before", () => {
    // oniguruma-to-es gives \G a sticky RegExp, whose `test` starts at the previous match's end.
    const routing = routingFromArgs({
      rootly: [
        {
          name: "R",
          alertsSourceIds: [uuid(1)],
          rules: [{ name: "word first", destinations: [{ targetType: "Service", targetId: uuid(2) }], conditionGroups: [{ conditions: [{ propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "svc", propertyFieldValue: "\\G\\w" }] }] }],
        },
      ],
    });
    const outcome = (svc: string) => bothPaths(routing, { rootly: { payload: { svc } } }).units[0].outcome;
    expect([outcome("ab"), outcome("-W"), outcome("-Wx"), outcome("b")]).toEqual(["rule", "none", "none", "rule"]);
  });
});
