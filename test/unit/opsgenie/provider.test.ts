import { writeFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../../src/opsgenie/emulator";
import type { TeamRoutingRuleOutputs } from "../../../src/opsgenie/team-routing-rule.diff";
import { teamRoutingRule as def } from "../../../src/opsgenie/team-routing-rule.provider";
import { lockPath } from "../../../src/opsgenie/team-lock";
import { captureStderr } from "../stderr";

const KEY = "genie-unit-key-5d1e";
let emu: OpsgenieEmulator;
let team: EmuTeam;

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY, readOnlyKeys: ["ro-key-1234"] });
  await emu.server.start();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  resetProcessGlobals();
  process.env.OPSGENIE_API_KEY = KEY;
  process.env.OPSGENIE_API_URL = emu.server.url;
  process.env.OPSGENIE_ORDER_SETTLE_MS = "30";
  process.env.OPSGENIE_RATE_LIMITS = "1000/1s";
  emu.teams.clear();
  emu.server.clearFaults();
  team = emu.seedTeam("Ops");
  emu.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
  emu.seedEscalation("Critical", "9c2e8b4d-3f5a-4c7b-8d9e-2f3a4b5c6d7e");
  emu.server.resetLog();
});
afterEach(() => emu.server.clearFaults());

const names = () => team.rules.map((r) => r.name);
const count = (method: string, path?: RegExp) => emu.server.calls({ method, path }).length;
const rulesRe = /^\/v2\/teams\/[^/]+\/routing-rules$/;
const orderRe = /change-order$/;
const args = (name: string, extra: Record<string, unknown> = {}) => ({ teamId: team.id, name, notify: { type: "schedule", name: "Primary" }, ...extra }) as never;

async function createAll(orders: number[]) {
  return Promise.all(orders.map((o) => def.create(args(`rule-${o}`, { order: o }))));
}

describe("opsgenie TeamRoutingRule provider against the emulator", () => {
  it("concurrent creates in any order end in declared order, before the default rule, with few calls", async () => {
    const made = await createAll([4, 3, 0, 2, 1]);
    expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "Default Routing Rule"]);
    expect(count("POST", rulesRe)).toBe(5);
    // One name lookup for the batch (inside the first POST's write slot), one list for the settle.
    expect(count("GET", rulesRe)).toBe(2);
    // Each POST carries its index and they go out ascending: every rule lands in place.
    const moves = count("POST", orderRe);
    expect(moves).toBe(0);
    expect(emu.server.calls({ method: "POST", path: rulesRe }).map((c) => (c.body as { order: number }).order)).toEqual([0, 1, 2, 3, 4]);
    console.log(`opsgenie: 5 concurrent creates = ${emu.server.log.length} calls (${moves} change-order)`);
    const r3 = made[1];
    expect(r3.id).toBe(`${team.id}/${r3.outs.ruleId}`);
    expect(r3.outs).toMatchObject({ order: 3, notifyId: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d", notifyName: "Primary", notify: { type: "schedule", name: "Primary" }, timezone: "America/Los_Angeles", isDefault: false });
    // Steady state: the stored outputs diff clean against the same inputs (no calls in diff).
    emu.server.resetLog();
    for (const m of made) expect(def.diff(m.outs, args(m.outs.name, { order: m.outs.order })).changes).toBe(false);
    expect(emu.server.log).toHaveLength(0);
  });

  it("100 creates in a random arrival order: 100 POST, 2 list, 0 change-order; reverse all: 99 change-order; a mixed batch converges", async () => {
    const orders = Array.from({ length: 100 }, (_, i) => i);
    let seed = 12;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const arrival = [...orders].sort(() => rnd() - 0.5);
    // The engine hands creates over in parallel, a few ms apart.
    const made = await Promise.all(arrival.map(async (o, i) => {
      await new Promise((r) => setTimeout(r, i % 7));
      return def.create(args(`rule-${o}`, { order: o }));
    }));
    expect(names()).toEqual([...orders.map((o) => `rule-${o}`), "Default Routing Rule"]);
    expect(count("POST", rulesRe)).toBe(100);
    expect(count("GET", rulesRe)).toBeLessThanOrEqual(3);
    expect(count("POST", orderRe)).toBe(0);
    expect(emu.server.log).toHaveLength(count("POST", rulesRe) + count("GET", rulesRe));
    for (const m of made) expect(m.outs.order).toBe(Number(m.outs.name.slice(5)));

    // Reverse all, in a new process (the next `up`), updates arriving in a random order.
    resetProcessGlobals();
    emu.server.resetLog();
    const byName = new Map(made.map((m) => [m.outs.name, m]));
    const updated = await Promise.all([...arrival].reverse().map(async (o, i) => {
      await new Promise((r) => setTimeout(r, i % 5));
      const m = byName.get(`rule-${o}`)!;
      return def.update(m.id, m.outs, args(m.outs.name, { order: 99 - o }));
    }));
    expect(names()).toEqual([...orders.map((o) => `rule-${99 - o}`), "Default Routing Rule"]);
    expect(count("POST", orderRe)).toBeLessThanOrEqual(99);
    expect(count("GET", rulesRe)).toBeLessThanOrEqual(3);
    for (const u of updated) expect(u.order).toBe(99 - Number(u.name.slice(5)));

    // A mixed batch: new rules between, order updates, a delete, all at once.
    resetProcessGlobals();
    emu.server.resetLog();
    const current = new Map(updated.map((u) => [u.name, u]));
    const victim = current.get("rule-50")!;
    const moveA = current.get("rule-0")!; // at 99 -> 0
    const moveB = current.get("rule-99")!; // at 0 -> 98
    await Promise.all([
      def.delete(`${team.id}/${victim.ruleId}`, victim),
      def.update(`${team.id}/${moveA.ruleId}`, moveA, args("rule-0", { order: 0 })),
      def.update(`${team.id}/${moveB.ruleId}`, moveB, args("rule-99", { order: 98 })),
      def.create(args("new-a", { order: 1 })),
      def.create(args("new-b", { order: 50 })),
      def.create(args("new-c")),
    ]);
    const final = names();
    expect(final).toHaveLength(103);
    expect(final[0]).toBe("rule-0");
    expect(final[1]).toBe("new-a");
    expect(final[50]).toBe("new-b");
    expect(final[98]).toBe("rule-99");
    expect(final.at(-2)).toBe("new-c");
    expect(final.at(-1)).toBe("Default Routing Rule");
    expect(final).not.toContain("rule-50");
    expect(count("POST", rulesRe)).toBe(3);
  });

  it("swapping two orders costs only change-order calls", async () => {
    const made = await createAll([0, 1, 2, 3, 4]);
    const byOrder = new Map(made.map((m) => [m.outs.order!, m]));
    emu.server.resetLog();
    const a = byOrder.get(1)!;
    const b = byOrder.get(3)!;
    const [oa, ob] = await Promise.all([def.update(a.id, a.outs, args(a.outs.name, { order: 3 })), def.update(b.id, b.outs, args(b.outs.name, { order: 1 }))]);
    expect(names()).toEqual(["rule-0", "rule-3", "rule-2", "rule-1", "rule-4", "Default Routing Rule"]);
    expect(oa.order).toBe(3);
    expect(ob.order).toBe(1);
    expect(count("PATCH")).toBe(0);
    expect(count("DELETE")).toBe(0);
    expect(count("POST", rulesRe)).toBe(0);
    const moves = count("POST", orderRe);
    expect(moves).toBeGreaterThan(0);
    expect(moves).toBeLessThanOrEqual(2);
    console.log(`opsgenie: swap of two orders = ${moves} change-order + ${count("GET")} list`);
  });

  it("update: name only is one PATCH; notify change PATCH + one read; the time restriction is never sent as null", async () => {
    const tr = { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 0 } };
    const { id, outs } = await def.create(args("r", { timeRestriction: tr }));
    emu.server.resetLog();
    const o2 = await def.update(id, outs, args("r2", { timeRestriction: tr }));
    expect(emu.server.log.map((e) => e.method)).toEqual(["PATCH"]);
    expect(o2.name).toBe("r2");
    emu.server.resetLog();
    const o3 = await def.update(id, o2, args("r2", { timeRestriction: tr, notify: { type: "escalation", id: "9c2e8b4d-3f5a-4c7b-8d9e-2f3a4b5c6d7e" } }));
    expect(emu.server.log.map((e) => e.method)).toEqual(["PATCH", "GET"]);
    expect(o3).toMatchObject({ notifyId: "9c2e8b4d-3f5a-4c7b-8d9e-2f3a4b5c6d7e", notifyName: "Critical", notify: { type: "escalation", id: "9c2e8b4d-3f5a-4c7b-8d9e-2f3a4b5c6d7e" } });
    expect(o3.timeRestriction).toEqual(tr);
    expect(def.diff(o3, args("r2", { timeRestriction: tr, notify: { type: "escalation", name: "Critical" } })).changes).toBe(false);
    // Removing it cannot be an update: the diff says replace, and update refuses rather than send null.
    await expect(def.update(id, o3, args("r2"))).rejects.toThrow(/replaces the rule/);
    expect(emu.server.log.map((e) => JSON.stringify(e.body ?? "")).join()).not.toContain("null");
  });

  it("the emulator refuses timeRestriction: null like the spec", async () => {
    const { outs } = await def.create(args("r"));
    const res = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules/${outs.ruleId}`, {
      method: "PATCH",
      headers: { authorization: `GenieKey ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ timeRestriction: null }),
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { message: string }).message).toContain("timeRestriction");
  });

  it("removing a time restriction: replace, the new rule created right above the old one, no moment without a matching rule", async () => {
    const tr = { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 18, endMin: 0 } };
    await createAll([0, 2]);
    const old = await def.create(args("business hours", { order: 1, timeRestriction: tr }));
    expect(names()).toEqual(["rule-0", "business hours", "rule-2", "Default Routing Rule"]);
    resetProcessGlobals(); // the next `pulumi up`: a new provider process
    emu.server.resetLog();
    emu.history.length = 0;
    // The engine's order for a create-before-delete replace: diff, create the new, delete the old.
    const d = def.diff(old.outs, args("business hours", { order: 1 }));
    expect(d).toEqual({ changes: true, replaces: ["timeRestriction"] });
    const made = await def.create(args("business hours", { order: 1 }));
    expect(names()).toEqual(["rule-0", "business hours", "business hours", "rule-2", "Default Routing Rule"]);
    expect(team.rules[1].id).toBe(made.outs.ruleId);
    await def.delete(old.id, old.outs);
    expect(names()).toEqual(["rule-0", "business hours", "rule-2", "Default Routing Rule"]);
    expect(team.rules[1].timeRestriction).toBeUndefined();
    expect(made.outs.order).toBe(1);
    // Right above the old rule from the first write on, and never without one.
    expect(emu.server.calls({ method: "POST", path: rulesRe })[0].body).toMatchObject({ order: 1 });
    expect(count("POST", orderRe)).toBe(0);
    expect(emu.history.length).toBeGreaterThan(0);
    for (const h of emu.history) expect(h.rules.filter((r) => r.name === "business hours").length).toBeGreaterThanOrEqual(1);
    expect(emu.server.log.map((e) => JSON.stringify(e.body ?? "")).join()).not.toContain("null");
  });

  it("read: live state, drift shows, gone -> undefined; import by id without props", async () => {
    const { id, outs } = await def.create(args("r", { criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: "db" }] } }));
    const rule = team.rules[0];
    rule.criteria.conditions![0].expectedValue = "cache";
    rule.timezone = "Europe/Istanbul";
    const r = await def.read(id, outs);
    expect(r!.outs.criteria.conditions[0].expectedValue).toBe("cache");
    expect(def.diff(r!.outs, args("r", { timezone: "America/Los_Angeles", criteria: { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: "db" }] } })).changes).toBe(true);
    const imported = await def.read(id, {});
    expect(imported!.outs).toMatchObject({ teamId: team.id, ruleId: outs.ruleId, notify: { type: "schedule", id: "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d" }, notifyName: "Primary" });
    team.rules.splice(0, 1);
    resetProcessGlobals(); // the next refresh: a new provider process
    expect(await def.read(id, outs)).toBeUndefined();
    expect(await def.read(`missing-team/${outs.ruleId}`, outs)).toBeUndefined();
  });

  it("read: one 404 is read again and checked against the team's list before 'gone'", async () => {
    process.env.ALERT_ROUTING_GONE_RETRY_MS = "20";
    const { id, outs } = await def.create(args("r"));
    const listPath = `/v2/teams/${team.id}/routing-rules`;
    const rulePathOf = `${listPath}/${outs.ruleId}`;
    // The team's list serves the read; a 404 on it falls back to the rule's GET.
    resetProcessGlobals();
    emu.server.resetLog();
    emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: listPath, times: 1 });
    expect((await def.read(id, outs))?.outs.ruleId).toBe(outs.ruleId);
    expect(emu.server.unfiredFaults()).toEqual([]);
    // Two 404s on the rule (a proxy that keeps answering so) behind a list that failed: the next list has it.
    resetProcessGlobals();
    emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: listPath, times: 1 });
    emu.server.inject({ kind: "error-before", status: 404, method: "GET", path: rulePathOf, times: 2 });
    expect((await def.read(id, outs))?.outs.ruleId).toBe(outs.ruleId);
    expect(emu.server.unfiredFaults()).toEqual([]);
    // Really gone: the list, two reads and a fresh list.
    team.rules.splice(0, 1);
    resetProcessGlobals();
    emu.server.clearFaults();
    emu.server.resetLog();
    expect(await def.read(id, outs)).toBeUndefined();
    expect(emu.server.log.map((e) => `${e.method} ${e.path === listPath ? "list" : "rule"} ${e.status}`)).toEqual(["GET list 200", "GET rule 404", "GET rule 404", "GET list 200"]);
  });

  it("refresh keeps clamped orders and shows a real move", async () => {
    const made = await Promise.all([5, 6, 7].map((o) => def.create(args(`clamped-${o}`, { order: o }))));
    expect(names()).toEqual(["clamped-5", "clamped-6", "clamped-7", "Default Routing Rule"]);
    resetProcessGlobals(); // `pulumi refresh`: a new provider process; the engine reads in parallel
    emu.server.resetLog();
    const reads = await Promise.all(made.map((m) => def.read(m.id, m.outs)));
    // One list for the team serves every read: no GET per rule.
    expect(count("GET", rulesRe)).toBe(1);
    expect(emu.server.log).toHaveLength(1);
    for (const [i, m] of made.entries()) {
      const r = reads[i]!;
      expect(r.outs.order).toBe(m.outs.order);
      // What refresh diffs: the old outputs against what read returned as inputs.
      expect(def.diff(m.outs, r.outs as never)).toEqual({ changes: false, replaces: [] });
      expect(def.diff(r.outs, args(m.outs.name, { order: m.outs.order })).changes).toBe(false);
    }
    team.rules.splice(0, 0, team.rules.splice(2, 1)[0]);
    resetProcessGlobals(); // the next refresh
    const moved = await Promise.all(made.map((m) => def.read(m.id, m.outs)));
    expect(moved.map((r) => r!.outs.order)).toEqual([1, 2, 0]);
    expect(def.diff(moved[2]!.outs, args("clamped-7", { order: 7 })).changes).toBe(true);
  });

  it("teamName: what read returns diffs clean (teamId and teamName both present)", async () => {
    const { id, outs } = await def.create({ teamName: "Ops", name: "by-name", notify: { type: "none" } } as never);
    const r = (await def.read(id, outs))!;
    expect(r.outs).toMatchObject({ teamId: team.id, teamName: "Ops" });
    expect(def.diff(outs, r.outs as never)).toEqual({ changes: false, replaces: [] });
  });

  it("a second writer racing between our lookup and our POST: one rule per name, our copy removed", async () => {
    // The POST is held at the emulator; meanwhile another stack creates the same name.
    emu.server.inject({ kind: "slow", method: "POST", path: rulesRe, delayMs: 300 });
    let otherId = "";
    const racing = (async () => {
      while (!emu.server.calls({ method: "POST", path: rulesRe }).length) await new Promise((r) => setTimeout(r, 5));
      const other = { id: "5e0f6a7b-8c9d-4e1f-a2b3-c4d5e6f7a8b9", name: "shared", isDefault: false, criteria: { type: "match-all" }, timezone: "UTC", notify: { type: "none" } };
      team.rules.splice(0, 0, other);
      otherId = other.id;
    })();
    const err = await def.create(args("shared", { order: 0 })).catch((e: Error) => e);
    await racing;
    expect(emu.server.unfiredFaults()).toEqual([]);
    expect(String(err)).toContain(otherId);
    expect(String(err)).toMatch(/another writer created routing rule "shared"/);
    expect(team.rules.filter((r) => r.name === "shared").map((r) => r.id)).toEqual([otherId]);
  });

  it("rename with adoptExisting: the new resource adopts, the old resource's delete lets go with a warning", async () => {
    const old = await def.create(args("renamed", { order: 0 }));
    resetProcessGlobals(); // the `pulumi up` with the renamed resources
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      const made = await def.create(args("renamed", { order: 0, adoptExisting: true }));
      expect(made.outs.ruleId).toBe(old.outs.ruleId);
      await def.delete(old.id, old.outs);
    } finally {
      process.stderr.write = write;
    }
    expect(names()).toEqual(["renamed", "Default Routing Rule"]);
    expect(count("DELETE")).toBe(0);
    expect(stderr.join("")).toMatch(/not deleting opsgenie routing rule "renamed"/);
  });

  it("delete: removes, and a rule already gone is fine; the default rule stays", async () => {
    const { id, outs } = await def.create(args("r"));
    resetProcessGlobals(); // `pulumi destroy`: a new provider process
    await def.delete(id, outs);
    expect(names()).toEqual(["Default Routing Rule"]);
    await def.delete(id, outs);
    expect(count("DELETE")).toBe(2);
  });

  it("existing name: clear failure naming adoptExisting; adoptExisting takes it over", async () => {
    await def.create(args("r"));
    emu.server.resetLog();
    // Inside a stack this is usually a rename (aliases); from outside, adoptExisting.
    await expect(def.create(args("r"))).rejects.toThrow(/routing rule "r" already exists \(id [0-9a-f-]{36}\)[\s\S]*aliases: \[\{ name: [\s\S]*adoptExisting: true/);
    expect(count("POST")).toBe(0);
    resetProcessGlobals(); // the next `pulumi up` (in this one, the rule is the first resource's)
    const { result: adopted, stderr } = await captureStderr(() => def.create(args("r", { adoptExisting: true, notify: { type: "none" } })));
    expect(stderr).toMatch(/^opsgenie: adopted routing rule "r" \([0-9a-f-]{36}\) of team [0-9a-f-]{36}; this update changes notify$/m);
    expect(team.rules).toHaveLength(2);
    expect(team.rules[0].notify).toEqual({ type: "none" });
    expect(adopted.outs.adoptExisting).toBe(true);
  });

  it("batches of one run share a view of the team, listed again when another process held the team's lock since", async () => {
    // check announces the run's four creates: the first batch is not the team's last.
    for (const o of [0, 1, 2, 3]) def.checked!(args(`rule-${o}`, { order: o }), true);
    await Promise.all([0, 1].map((o) => def.create(args(`rule-${o}`, { order: o }))));
    // Between the batches, a second stack on this machine adds a rule at the top.
    team.rules.unshift({ id: "7d3c1f0e-4b2a-4c9d-8e7f-6a5b4c3d2e1f", name: "foreign", isDefault: false, criteria: { type: "match-all" }, timezone: "UTC", notify: { type: "none" } });
    writeFileSync(`${lockPath(emu.server.url, team.id)}.last`, "1 another-stack");
    emu.server.resetLog();
    await Promise.all([2, 3].map((o) => def.create(args(`rule-${o}`, { order: o }))));
    expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "foreign", "Default Routing Rule"]);
    // Listed again before the POSTs (each lands in place), then the last batch's check; only the foreign rule moves.
    expect(count("GET", rulesRe)).toBe(2);
    expect(count("POST", orderRe)).toBe(1);
  });

  it("adoptExisting on a rule that already matches writes nothing", async () => {
    const made = await def.create(args("same", { order: 0, timezone: "Europe/Istanbul" }));
    resetProcessGlobals(); // another stack's `pulumi up`
    emu.server.resetLog();
    const { result: adopted, stderr } = await captureStderr(() => def.create(args("same", { order: 0, timezone: "Europe/Istanbul", adoptExisting: true })));
    expect(adopted.outs.ruleId).toBe(made.outs.ruleId);
    expect(stderr).toMatch(/adopted routing rule "same" .*nothing changed/);
    expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);
    expect(adopted.outs).toEqual({ ...made.outs, adoptExisting: true });
  });

  it("the default rule can be adopted (notify), never moved or deleted", async () => {
    await expect(def.create(args("Default Routing Rule", { adoptExisting: true, order: 0 }))).rejects.toThrow(/always last/);
    const { result: d, stderr } = await captureStderr(() => def.create(args("Default Routing Rule", { adoptExisting: true, notify: { type: "escalation", name: "Critical" } })));
    expect(stderr).toMatch(/^opsgenie: adopted the default routing rule "Default Routing Rule" .*; this update changes notify$/m);
    expect(d.outs.isDefault).toBe(true);
    expect(team.rules.at(-1)!.notify).toEqual({ type: "escalation", id: "9c2e8b4d-3f5a-4c7b-8d9e-2f3a4b5c6d7e" });
    await def.delete(d.id, d.outs);
    expect(names()).toEqual(["Default Routing Rule"]);
    expect(count("DELETE")).toBe(0);
  });

  it("teamName resolves to the team id once; id is teamId/ruleId", async () => {
    const [a, b] = await Promise.all([
      def.create({ teamName: "Ops", name: "a", notify: { type: "none" } } as never),
      def.create({ teamName: "Ops", name: "b", notify: { type: "none" } } as never),
    ]);
    expect(a.id).toBe(`${team.id}/${a.outs.ruleId}`);
    expect(b.outs).toMatchObject({ teamId: team.id, teamName: "Ops" });
    expect(count("GET", /^\/v2\/teams\/Ops$/)).toBe(1);
    await expect(def.create({ teamName: "Nope", name: "a", notify: { type: "none" } } as never)).rejects.toThrow(/team "Nope"/);
  });

  describe("same-named rules (Opsgenie does not keep names unique)", () => {
    const p = (v: string) => ({ type: "match-all-conditions", conditions: [{ field: "priority", not: false, operation: "equals", expectedValue: v, order: 0 }] });
    const seedTwo = () => [emu.seedRule("Ops", { name: "Escalate", criteria: p("P1") as never, notify: { type: "none" } }, 0), emu.seedRule("Ops", { name: "Escalate", criteria: p("P2") as never, notify: { type: "none" } }, 1)];

    it("adoptExisting with two rules of the name: fails before any write, naming both ids and positions and how to choose", async () => {
      const [p1, p2] = seedTwo();
      emu.server.resetLog();
      await expect(def.create(args("Escalate", { adoptExisting: true, criteria: p("P2"), notify: { type: "none" } }))).rejects.toThrow(
        new RegExp(`2 routing rules of team ${team.id} are named "Escalate" \\(${p1.id} at position 0, ${p2.id} at position 1\\); nothing was changed.*set \`adoptRuleId\``),
      );
      expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);
      expect(team.rules.map((r) => r.criteria)).toEqual([p("P1"), p("P2"), { type: "match-all" }]);
    });

    it("adoptRuleId takes that rule, with no write when it already matches; a mistyped id fails before any write", async () => {
      const [, p2] = seedTwo();
      emu.server.resetLog();
      const { result } = await captureStderr(() => def.create(args("Escalate", { adoptRuleId: p2.id, criteria: p("P2"), notify: { type: "none" } })));
      expect(result.outs.ruleId).toBe(p2.id);
      expect(result.outs).not.toHaveProperty("adoptRuleId");
      expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);
      resetProcessGlobals();
      await expect(def.create(args("Escalate", { adoptRuleId: "00000000-0000-4000-8000-000000000000", notify: { type: "none" } }))).rejects.toThrow(
        /adoptRuleId: team [0-9a-f-]{36} has no routing rule with id 00000000-0000-4000-8000-000000000000 \(its rules: "Escalate" [0-9a-f-]{36} at position 0/,
      );
      expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);
    });

    it("two resources of one run adopting one rule: the second fails naming the first, no write", async () => {
      const r = emu.seedRule("Ops", { name: "Solo", criteria: p("P1") as never, notify: { type: "none" } }, 0);
      emu.server.resetLog();
      const [a, b] = await Promise.allSettled([
        def.create(args("Solo", { adoptExisting: true, criteria: p("P1"), notify: { type: "none" }, order: 0 })),
        def.create(args("Solo", { adoptRuleId: r.id, criteria: p("P1"), notify: { type: "none" } })),
      ]);
      expect(a.status).toBe("fulfilled");
      expect(b.status === "rejected" && String(b.reason)).toMatch(new RegExp(`routing rule "Solo" \\(${r.id}\\) of team .* is already managed by the OpsgenieTeamRoutingRule "Solo" of team .* \\(order 0\\) in this update`));
      expect(emu.server.log.filter((e) => e.method !== "GET")).toEqual([]);
    });
  });

  describe("faults", () => {
    for (const kind of ["reset-after", "error-after", "error-before", "reset-before", "html-after", "cut-after"] as const) {
      it(`${kind} on create: exactly one rule`, async () => {
        emu.server.inject({ kind, method: "POST", path: rulesRe, times: 1 });
        const { outs } = await def.create(args("once", { order: 0 }));
        expect(team.rules.filter((r) => r.name === "once")).toHaveLength(1);
        expect(team.rules[0].id).toBe(outs.ruleId);
      });
    }

    it("connections dropped after committing every create of a batch: one rule per resource, in order", async () => {
      emu.server.inject({ kind: "reset-after", method: "POST", path: rulesRe, times: 5 });
      await createAll([4, 2, 0, 3, 1]);
      expect(names()).toEqual(["rule-0", "rule-1", "rule-2", "rule-3", "rule-4", "Default Routing Rule"]);
    });

    it("429 is waited out and retried; X-RateLimit headers are sent", async () => {
      emu.server.inject({ kind: "rate-limit", method: "POST", path: rulesRe, retryAfterSec: 1, times: 1 });
      const t0 = Date.now();
      await def.create(args("slow"));
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      expect(team.rules).toHaveLength(2);
      expect(emu.server.calls({ method: "POST" }).map((e) => e.status)).toEqual([429, 201]);
    });

    it("503 on a read is retried", async () => {
      const { id, outs } = await def.create(args("r"));
      emu.server.inject({ kind: "error-before", method: "GET", status: 503, times: 2 });
      expect((await def.read(id, outs))!.outs.name).toBe("r");
    });

    it("a 404 on change-order (the view is wrong) lists the team again and the order still converges", async () => {
      const made = await createAll([0, 1, 2, 3]);
      resetProcessGlobals(); // the next `pulumi up`
      emu.server.inject({ kind: "error-before", status: 404, method: "POST", path: orderRe, times: 1 });
      emu.server.resetLog();
      const outs = await Promise.all(made.map((m) => def.update(m.id, m.outs, args(m.outs.name, { order: 3 - m.outs.order! }))));
      expect(emu.server.unfiredFaults()).toEqual([]);
      expect(names()).toEqual(["rule-3", "rule-2", "rule-1", "rule-0", "Default Routing Rule"]);
      expect(outs.map((o) => o.order)).toEqual([3, 2, 1, 0]);
      expect(count("GET", rulesRe)).toBe(2);
    });

    it("500 after commit on change-order is retried safely", async () => {
      await createAll([0, 1]);
      const made = team.rules.slice(0, 2).map((r) => r.id);
      emu.server.inject({ kind: "error-after", method: "POST", path: orderRe, times: 1 });
      resetProcessGlobals(); // the next `pulumi up`: a new provider process
      const outs = (await def.read(`${team.id}/${made[0]}`, {}))!.outs;
      await def.update(`${team.id}/${made[0]}`, outs, args("rule-0", { order: 1 }));
      expect(names()).toEqual(["rule-1", "rule-0", "Default Routing Rule"]);
    });
  });

  it("API validation errors come back with the field; auth errors never show the key", async () => {
    await expect(def.create(args("r", { notify: { type: "schedule", name: "Nope" } }))).rejects.toThrow(/notify/);
    process.env.OPSGENIE_API_KEY = "wrong-key-abcdef";
    const e = await def.create(args("r2")).catch((x: Error) => x);
    expect(String(e)).toMatch(/authenticate|401/);
    expect(String(e)).not.toContain("wrong-key-abcdef");
    process.env.OPSGENIE_API_KEY = "ro-key-1234";
    await expect(def.create(args("r3"))).rejects.toThrow(/403|read-only/);
    // A server that echoes the request: its header carries the key, which must come out redacted.
    process.env.OPSGENIE_API_KEY = "echoed-key-778899";
    emu.server.inject({ kind: "error-echo", method: "GET", times: Infinity });
    const echoed = await def.read(`${team.id}/nope`, {}).catch((x: Error) => x);
    expect(String(echoed)).toContain("GenieKey [redacted]");
    expect(String(echoed)).not.toContain("echoed-key-778899");
  });

  it("client pacing follows OPSGENIE_RATE_LIMITS", async () => {
    process.env.OPSGENIE_RATE_LIMITS = "2/400ms";
    // Three teams: each read lists its own team (reads within a team share one list).
    const made = [];
    for (const t of [team, emu.seedTeam("Ops2"), emu.seedTeam("Ops3")]) made.push(await def.create(args(`r-${t.name}`, { teamId: t.id })));
    resetProcessGlobals();
    const t0 = Date.now();
    await Promise.all(made.map((m) => def.read(m.id, m.outs)));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(350);
  });

  it("the emulator answers in the documented envelopes with its headers", async () => {
    const res = await fetch(`${emu.server.url}/v2/teams/Ops/routing-rules?teamIdentifierType=name`, { headers: { authorization: `GenieKey ${KEY}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBeTruthy();
    expect(res.headers.get("x-response-time")).toBeTruthy();
    expect(res.headers.get("x-ratelimit-state")).toBe("OK");
    const body = (await res.json()) as { data: { isDefault: boolean; order: number }[]; took: number; requestId: string };
    expect(body.data).toEqual([expect.objectContaining({ isDefault: true, order: 0 })]);
    expect(typeof body.took).toBe("number");
    const bad = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules`, {
      method: "POST",
      headers: { authorization: `GenieKey ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "x", criteria: { type: "match-all-conditions", conditions: [{ field: "tags", operation: "starts-with" }] }, notify: { type: "none" } }),
    });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { message: string }).message).toContain("criteria.conditions[0].operation");
    const unauth = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules`, { headers: { authorization: "Bearer x" } });
    expect(unauth.status).toBe(401);
    const del = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules/${team.rules[0].id}`, { method: "DELETE", headers: { authorization: `GenieKey ${KEY}` } });
    expect(del.status).toBe(422);
    // Out-of-range order is clamped before the default rule.
    const far = await fetch(`${emu.server.url}/v2/teams/${team.id}/routing-rules`, {
      method: "POST",
      headers: { authorization: `GenieKey ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "far", order: 666, notify: { type: "none" } }),
    });
    expect(far.status).toBe(201);
    expect(names()).toEqual(["far", "Default Routing Rule"]);
  });
});

export type { TeamRoutingRuleOutputs };
