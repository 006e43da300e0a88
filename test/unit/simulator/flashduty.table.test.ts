import { describe, expect, it } from "vitest";
import type { RouteArgs } from "../../../src/flashduty/route.schema";
import { routingFromArgs } from "../../../src/simulator";
import { simulate } from "./both-paths";
import type { FlashdutyAlert } from "../../../src/simulator/types";

// Hand-written cases from the Flashduty docs. F = flashduty-facts.md, U = flashduty-route-upsert.md,
// N = src/simulator/NOTES.md (assumption).
const F = "flashduty-facts.md";
const U = "flashduty-route-upsert.md";
const VALS = `${F}:31-33 "a regex when wrapped in slashes (RE2), a wildcard when it contains * or ?, cidr:10.0.0.0/8, num:gt|ge|lt|le:N, else an exact string"`;
const INNOT = `${F}:30 "IN matches if any value matches, NOTIN if none does"`;

type Cond = NonNullable<RouteArgs["cases"]>[number]["if"][number];
interface CondCase {
  doc: string;
  cond: Cond;
  alert: FlashdutyAlert;
  holds: boolean;
}
const IN = (key: string, ...vals: string[]): Cond => ({ key, oper: "IN", vals });
const NOTIN = (key: string, ...vals: string[]): Cond => ({ key, oper: "NOTIN", vals });
const lab = (labels: Record<string, string>): FlashdutyAlert => ({ labels });

const condCases: CondCase[] = [
  { doc: `${U}:82-87 example "key: severity, oper: IN, vals: [Critical]"`, cond: IN("severity", "Critical"), alert: { severity: "Critical" }, holds: true },
  { doc: `${U}:82-87 example`, cond: IN("severity", "Critical"), alert: { severity: "Warning" }, holds: false },
  { doc: `${INNOT}; N exact is case-sensitive`, cond: IN("severity", "Critical"), alert: { severity: "critical" }, holds: false },
  { doc: INNOT, cond: IN("severity", "Critical", "Warning"), alert: { severity: "Warning" }, holds: true },
  { doc: INNOT, cond: NOTIN("severity", "Info"), alert: { severity: "Warning" }, holds: true },
  { doc: INNOT, cond: NOTIN("severity", "Info", "Warning"), alert: { severity: "Warning" }, holds: false },
  { doc: `${INNOT}; N absent field: IN fails`, cond: IN("labels.service", "payments"), alert: {}, holds: false },
  { doc: `${INNOT}; N absent field: NOTIN holds`, cond: NOTIN("labels.service", "payments"), alert: {}, holds: true },
  { doc: `${F}:36-37 "Keys: severity, title, description, data_source_id, labels.<name>"`, cond: IN("labels.service", "payments"), alert: lab({ service: "payments" }), holds: true },
  { doc: `${F}:36-37 keys: title`, cond: IN("title", "/timeout/"), alert: { title: "db timeout" }, holds: true },
  { doc: `${F}:36-37 keys: description`, cond: IN("description", "*runbook*"), alert: { description: "see the runbook" }, holds: true },
  { doc: `${F}:36-37 keys: data_source_id`, cond: IN("data_source_id", "42"), alert: { data_source_id: 42 }, holds: true },
  { doc: `${U}:269-270 "e.g. alert_severity"; N read as severity`, cond: IN("alert_severity", "Critical"), alert: { severity: "Critical" }, holds: true },
  { doc: `${F}:36-37 keys: labels are per name`, cond: IN("labels.team", "sre"), alert: lab({ service: "sre" }), holds: false },
  // regex (RE2)
  { doc: `${VALS}; example program "/^billing-.*/"`, cond: IN("labels.service", "/^billing-.*/"), alert: lab({ service: "billing-eu" }), holds: true },
  { doc: `${VALS}; anchored regex`, cond: IN("labels.service", "/^billing-.*/"), alert: lab({ service: "old-billing-eu" }), holds: false },
  { doc: `${VALS}; N RE2 search is unanchored (Go MatchString)`, cond: IN("labels.service", "/billing/"), alert: lab({ service: "old-billing-eu" }), holds: true },
  { doc: `${VALS}; RE2 case-insensitive flag`, cond: IN("title", "/(?i)disk full/"), alert: { title: "DISK FULL on db-1" }, holds: true },
  { doc: `${VALS}; RE2 alternation`, cond: IN("labels.env", "/^(prod|staging)$/"), alert: lab({ env: "staging" }), holds: true },
  { doc: `${VALS}; NOTIN with a regex`, cond: NOTIN("labels.service", "/^test-/"), alert: lab({ service: "test-api" }), holds: false },
  { doc: `${VALS}; a single / is an exact value`, cond: IN("labels.path", "/"), alert: lab({ path: "/" }), holds: true },
  // wildcards
  { doc: `${F}:32 "IN * = field exists"`, cond: IN("labels.service", "*"), alert: lab({ service: "x" }), holds: true },
  { doc: `${F}:32 "IN * = field exists"`, cond: IN("labels.service", "*"), alert: lab({}), holds: false },
  { doc: `${F}:32 "IN * = field exists": an empty value exists`, cond: IN("labels.service", "*"), alert: lab({ service: "" }), holds: true },
  { doc: `${VALS}: an empty value is no exact match`, cond: IN("labels.service", "payments"), alert: lab({ service: "" }), holds: false },
  { doc: `${F}:32 NOTIN * = field absent`, cond: NOTIN("labels.service", "*"), alert: lab({}), holds: true },
  { doc: `${VALS}; * inside a value`, cond: IN("labels.host", "db-*.prod"), alert: lab({ host: "db-12.prod" }), holds: true },
  { doc: `${VALS}; N a wildcard covers the whole value`, cond: IN("labels.host", "db-*"), alert: lab({ host: "old-db-12" }), holds: false },
  { doc: `${VALS}; ? is one character`, cond: IN("labels.host", "db-?"), alert: lab({ host: "db-1" }), holds: true },
  { doc: `${VALS}; ? is one character`, cond: IN("labels.host", "db-?"), alert: lab({ host: "db-12" }), holds: false },
  { doc: `${VALS}; regex characters are literal in a wildcard`, cond: IN("labels.host", "db.*"), alert: lab({ host: "dbx1" }), holds: false },
  // CIDR
  { doc: `${VALS} cidr:10.0.0.0/8`, cond: IN("labels.ip", "cidr:10.0.0.0/8"), alert: lab({ ip: "10.20.30.40" }), holds: true },
  { doc: `${VALS} cidr:10.0.0.0/8`, cond: IN("labels.ip", "cidr:10.0.0.0/8"), alert: lab({ ip: "11.0.0.1" }), holds: false },
  { doc: `${VALS} cidr /24 upper edge`, cond: IN("labels.ip", "cidr:192.168.1.0/24"), alert: lab({ ip: "192.168.1.255" }), holds: true },
  { doc: `${VALS} cidr /24 next network`, cond: IN("labels.ip", "cidr:192.168.1.0/24"), alert: lab({ ip: "192.168.2.0" }), holds: false },
  { doc: `${VALS} cidr /32`, cond: IN("labels.ip", "cidr:10.1.2.3/32"), alert: lab({ ip: "10.1.2.3" }), holds: true },
  { doc: `${VALS} cidr /0`, cond: IN("labels.ip", "cidr:0.0.0.0/0"), alert: lab({ ip: "8.8.8.8" }), holds: true },
  { doc: `${VALS} cidr IPv6`, cond: IN("labels.ip", "cidr:2001:db8::/32"), alert: lab({ ip: "2001:db8:1::5" }), holds: true },
  { doc: `${VALS} cidr IPv6 outside`, cond: IN("labels.ip", "cidr:2001:db8::/32"), alert: lab({ ip: "2001:db9::1" }), holds: false },
  { doc: `${VALS} cidr; N an IPv4 value never matches an IPv6 network`, cond: IN("labels.ip", "cidr:::/0"), alert: lab({ ip: "10.0.0.1" }), holds: false },
  { doc: `${VALS} cidr; N a non-IP value never matches`, cond: IN("labels.ip", "cidr:10.0.0.0/8"), alert: lab({ ip: "db-1" }), holds: false },
  { doc: `${VALS} NOTIN cidr`, cond: NOTIN("labels.ip", "cidr:10.0.0.0/8", "cidr:192.168.0.0/16"), alert: lab({ ip: "172.16.0.1" }), holds: true },
  // num
  { doc: `${U}:287 "num:lt:100"`, cond: IN("labels.latency", "num:lt:100"), alert: lab({ latency: "99.5" }), holds: true },
  { doc: `${U}:287 num:lt boundary`, cond: IN("labels.latency", "num:lt:100"), alert: lab({ latency: "100" }), holds: false },
  { doc: `${F}:33 num:le boundary`, cond: IN("labels.latency", "num:le:100"), alert: lab({ latency: "100" }), holds: true },
  { doc: `${F}:33 num:gt boundary`, cond: IN("labels.cpu", "num:gt:90"), alert: lab({ cpu: "90" }), holds: false },
  { doc: `${F}:33 num:gt`, cond: IN("labels.cpu", "num:gt:90"), alert: lab({ cpu: "90.1" }), holds: true },
  { doc: `${F}:33 num:ge boundary`, cond: IN("labels.cpu", "num:ge:90"), alert: lab({ cpu: "90" }), holds: true },
  { doc: `${F}:33 num: negative numbers`, cond: IN("labels.temp", "num:lt:0"), alert: lab({ temp: "-5" }), holds: true },
  { doc: `${F}:33 num; N a non-numeric value never matches`, cond: IN("labels.cpu", "num:gt:1"), alert: lab({ cpu: "high" }), holds: false },
  { doc: `${F}:33 NOTIN num`, cond: NOTIN("labels.cpu", "num:gt:90"), alert: lab({ cpu: "50" }), holds: true },
  { doc: `${VALS}: kinds mix in one vals list`, cond: IN("labels.ip", "db-1", "cidr:10.0.0.0/8", "/^gw-/"), alert: lab({ ip: "gw-eu" }), holds: true },
];

describe("Flashduty conditions (one case ahead of the default)", () => {
  it.each(condCases.map((c, i) => [i, c.doc, c] as const))("#%i %s", (_i, _doc, c) => {
    const r: RouteArgs = { integrationId: 1, cases: [{ if: [c.cond], channelIds: [10] }], default: { channelIds: [99] } };
    const u = simulate(routingFromArgs({ flashduty: [r] }), { flashduty: c.alert }).units[0];
    expect(u.outcome).toBe(c.holds ? "rule" : "default");
    expect(u.targetIds).toEqual([c.holds ? "10" : "99"]);
  });
});

interface RouteCase {
  doc: string;
  route: Omit<RouteArgs, "integrationId">;
  alert: FlashdutyAlert;
  outcome: string;
  cases: string[];
  targets: string[];
  channelNames?: Record<string, number>;
}
const c = (cond: Cond[], channelIds: number[], fallthrough = false) => ({ if: cond, channelIds, fallthrough });
const FT = `${U}:198-202 "fallthrough: If true, evaluation continues to the next case after this one matches"`;
const DEF = `${U}:232-236 "Default branch used when no case matches (or all matched cases yield no valid channels)"`;
const NM = `${U}:203-216 routing_mode name_mapping; ${F}:35-36 "routes to the channel whose name equals the label value"`;

const routeCases: RouteCase[] = [
  { doc: `${U}:138 "Cases are evaluated top to bottom"; first hit stops`, route: { cases: [c([IN("severity", "Critical")], [1]), c([IN("severity", "*")], [2])] }, alert: { severity: "Critical" }, outcome: "rule", cases: ["0"], targets: ["1"] },
  { doc: `${U}:138 top to bottom: a later case when the first fails`, route: { cases: [c([IN("severity", "Critical")], [1]), c([IN("severity", "*")], [2])] }, alert: { severity: "Info" }, outcome: "rule", cases: ["1"], targets: ["2"] },
  { doc: `${U}:178-181, 259-261 "conditions ... AND-ed": one fails, the case fails`, route: { cases: [c([IN("severity", "Critical"), IN("labels.service", "payments")], [1])], default: { channelIds: [9] } }, alert: { severity: "Critical", labels: { service: "search" } }, outcome: "default", cases: [], targets: ["9"] },
  { doc: `${U}:178-181 AND: all hold`, route: { cases: [c([IN("severity", "Critical"), IN("labels.service", "payments")], [1])], default: { channelIds: [9] } }, alert: { severity: "Critical", labels: { service: "payments" } }, outcome: "rule", cases: ["0"], targets: ["1"] },
  { doc: `${FT}: channels of every matched case`, route: { cases: [c([IN("severity", "Critical")], [1], true), c([IN("labels.service", "payments")], [2])] }, alert: { severity: "Critical", labels: { service: "payments" } }, outcome: "rule", cases: ["0", "1"], targets: ["1", "2"] },
  { doc: `${FT}: a chain stops at the first case without fallthrough`, route: { cases: [c([IN("severity", "*")], [1], true), c([IN("severity", "*")], [2], false), c([IN("severity", "*")], [3])] }, alert: { severity: "Info" }, outcome: "rule", cases: ["0", "1"], targets: ["1", "2"] },
  { doc: `${FT}: fallthrough past failing cases to a later match`, route: { cases: [c([IN("severity", "*")], [1], true), c([IN("severity", "Critical")], [2]), c([IN("labels.team", "sre")], [3])] }, alert: { severity: "Info", labels: { team: "sre" } }, outcome: "rule", cases: ["0", "2"], targets: ["1", "3"] },
  { doc: `${FT}: a channel matched twice is listed once`, route: { cases: [c([IN("severity", "*")], [1, 2], true), c([IN("severity", "*")], [2, 3])] }, alert: { severity: "Info" }, outcome: "rule", cases: ["0", "1"], targets: ["1", "2", "3"] },
  { doc: `${FT}: only fallthrough cases matched, then the end`, route: { cases: [c([IN("severity", "*")], [1], true)], default: { channelIds: [9] } }, alert: { severity: "Info" }, outcome: "rule", cases: ["0"], targets: ["1"] },
  { doc: DEF, route: { cases: [c([IN("severity", "Critical")], [1])], default: { channelIds: [9, 8] } }, alert: { severity: "Info" }, outcome: "default", cases: [], targets: ["9", "8"] },
  { doc: `${U}:7 "At least one of cases or default": default only`, route: { default: { channelIds: [9] } }, alert: { severity: "Info" }, outcome: "default", cases: [], targets: ["9"] },
  { doc: `${DEF}; N no default: discarded`, route: { cases: [c([IN("severity", "Critical")], [1])] }, alert: { severity: "Info" }, outcome: "none", cases: [], targets: [] },
  { doc: NM, route: { cases: [{ if: [IN("labels.service", "*")], routingMode: "name_mapping", nameMappingLabel: "labels.service" }], default: { channelIds: [9] } }, alert: { labels: { service: "payments" } }, outcome: "rule", cases: ["0"], targets: ["name:payments"] },
  { doc: `${NM}; channelNames resolves the id`, route: { cases: [{ if: [IN("labels.service", "*")], routingMode: "name_mapping", nameMappingLabel: "labels.service" }], default: { channelIds: [9] } }, alert: { labels: { service: "payments" } }, channelNames: { payments: 77 }, outcome: "rule", cases: ["0"], targets: ["77"] },
  { doc: `${NM}; ${F}:36 "no such channel means default"`, route: { cases: [{ if: [IN("labels.service", "*")], routingMode: "name_mapping", nameMappingLabel: "labels.service" }], default: { channelIds: [9] } }, alert: { labels: { service: "nobody" } }, channelNames: { payments: 77 }, outcome: "default", cases: ["0"], targets: ["9"] },
  { doc: `${NM}; label absent: no channel, default`, route: { cases: [{ if: [IN("severity", "*")], routingMode: "name_mapping", nameMappingLabel: "labels.team" }], default: { channelIds: [9] } }, alert: { severity: "Info" }, outcome: "default", cases: ["0"], targets: ["9"] },
  { doc: `${NM}; ${FT}: a name-mapped case falls through to a standard one`, route: { cases: [{ if: [IN("severity", "*")], routingMode: "name_mapping", nameMappingLabel: "labels.team", fallthrough: true }, c([IN("severity", "*")], [5])] }, alert: { severity: "Info", labels: { team: "sre" } }, channelNames: { sre: 4 }, outcome: "rule", cases: ["0", "1"], targets: ["4", "5"] },
];

describe("Flashduty routes: order, fallthrough, default, name mapping", () => {
  it.each(routeCases.map((r, i) => [i, r.doc, r] as const))("#%i %s", (_i, _doc, r) => {
    const u = simulate(routingFromArgs({ flashduty: [{ integrationId: 1, ...r.route }] }), { flashduty: r.alert }, { channelNames: r.channelNames }).units[0];
    expect([u.outcome, u.matched, u.targetIds]).toEqual([r.outcome, r.cases, r.targets]);
  });

  it("the alert's integrationId selects the route (F:10 route per integration_id)", () => {
    const routing = routingFromArgs({ flashduty: [{ integrationId: 1, default: { channelIds: [1] } }, { integrationId: 2, default: { channelIds: [2] } }] });
    expect(simulate(routing, { flashduty: { integrationId: 2 } }).units.map((u) => u.targetIds)).toEqual([["2"]]);
    expect(simulate(routing, { flashduty: {} }).units).toHaveLength(2);
  });
});
