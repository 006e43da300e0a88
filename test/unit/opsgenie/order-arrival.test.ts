import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetProcessGlobals } from "../../../src/core/registry";
import { createOpsgenieEmulator, type EmuTeam, type OpsgenieEmulator } from "../../../src/opsgenie/emulator";
import type { TeamRoutingRuleOutputs } from "../../../src/opsgenie/team-routing-rule.diff";
import { teamRoutingRule as def } from "../../../src/opsgenie/team-routing-rule.provider";

// The engine diffs each resource right before its step and, on a loaded machine, runs
// the steps further apart than the settle's quiet period: every batch runs alone, with
// nothing announced after it. Whatever order the steps come in, every rule ends at its
// declared order and is written (change-order) at most once. With each step waiting
// for the one before (no step in flight) that cannot hold (see NOTES): there, no worse
// than before.
const KEY = "genie-arrival-key-3c9f";
let emu: OpsgenieEmulator;
let team: EmuTeam;

beforeAll(async () => {
  emu = createOpsgenieEmulator({ apiKey: KEY, rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  await emu.server.start();
});
afterAll(() => emu.server.stop());
beforeEach(() => {
  process.env.OPSGENIE_API_KEY = KEY;
  process.env.OPSGENIE_API_URL = emu.server.url;
  process.env.OPSGENIE_ORDER_SETTLE_MS = "2";
  process.env.OPSGENIE_RATE_LIMITS = "1000/1s";
});

const N = 4;
const args = (name: string, order: number) => ({ teamId: team.id, name, order, notify: { type: "schedule", name: "Primary" } }) as never;
const orderRe = /\/routing-rules\/([^/]+)\/change-order$/;

function perms<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

/** A team of N rules at orders 0..N-1, made by an earlier `up` (another provider process). */
async function seed(): Promise<TeamRoutingRuleOutputs[]> {
  resetProcessGlobals();
  emu.teams.clear();
  team = emu.seedTeam("Ops");
  emu.seedSchedule("Primary", "5b1d7a3c-2e4f-4b6a-9c8d-1e2f3a4b5c6d");
  const made = await Promise.all(Array.from({ length: N }, (_, o) => def.create(args(`rule-${o}`, o))));
  resetProcessGlobals();
  emu.server.resetLog();
  return made.map((m) => m.outs);
}

/**
 * One `up`: rule i gets order target[i] (and a new name when PATCHed). Each step is
 * diffed right before its update; `gapMs` apart (longer than the quiet period: each batch
 * runs alone, nothing announced after it), or each after the last one's end (undefined).
 */
async function up(target: readonly number[], patched: ReadonlySet<number>, arrival: readonly number[], gapMs?: number) {
  const olds = await seed();
  const steps: Promise<unknown>[] = [];
  for (const [k, i] of arrival.entries()) {
    const o = olds[i];
    const news = args(patched.has(i) ? `${o.name}-new` : o.name, target[i]);
    if (!def.diff(o, news).changes) continue;
    const step = def.update(`${team.id}/${o.ruleId}`, o, news);
    steps.push(step);
    if (gapMs === undefined) await step;
    else if (k < arrival.length - 1) await new Promise((r) => setTimeout(r, gapMs + ((k * 17) % 40)));
  }
  await Promise.all(steps);
  const byRule = new Map<string, number>();
  for (const c of emu.server.calls({ method: "POST", path: orderRe })) {
    const id = orderRe.exec(c.path)![1];
    byRule.set(id, (byRule.get(id) ?? 0) + 1);
  }
  const names = team.rules.filter((r) => !r.isDefault).map((r) => r.name.replace(/-new$/, ""));
  const want = olds.map((_, i) => i).sort((a, b) => target[a] - target[b]).map((i) => `rule-${i}`);
  return { names, want, moves: [...byRule.values()].reduce((a, b) => a + b, 0), most: Math.max(0, ...byRule.values()), lists: emu.server.calls({ method: "GET" }).length };
}

/** n - LIS of the permutation: the fewest change-orders. */
function fewest(target: readonly number[]): number {
  const tails: number[] = [];
  for (const v of target) {
    const i = tails.findIndex((t) => t >= v);
    if (i < 0) tails.push(v);
    else tails[i] = v;
  }
  return target.length - tails.length;
}

const TARGETS: Record<string, number[]> = {
  reverse: [3, 2, 1, 0],
  "rotate left": [3, 0, 1, 2],
  "rotate right": [1, 2, 3, 0],
  "swap ends": [3, 1, 2, 0],
  "swap middle": [0, 2, 1, 3],
};
const PATCHED: number[][] = [[0], [2], [1, 3], [3]];

// Before the last check waited for more steps (same sweeps): change-orders, lists, runs with a rule moved twice.
const BEFORE_APART: Record<string, { moves: number; lists: number }> = {
  reverse: { moves: 84, lists: 96 },
  "rotate left": { moves: 70, lists: 96 },
  "rotate right": { moves: 70, lists: 96 },
  "swap ends": { moves: 60, lists: 48 },
  "swap middle": { moves: 24, lists: 48 },
};
const BEFORE_ONE_AT_A_TIME: Record<string, { moves: number; doubles: number }> = {
  reverse: { moves: 84, doubles: 6 },
  "rotate left": { moves: 70, doubles: 16 },
  "rotate right": { moves: 70, doubles: 6 },
  "swap ends": { moves: 60, doubles: 5 },
  "swap middle": { moves: 24, doubles: 0 },
};

describe("opsgenie order: steps far apart, nothing announced ahead, any arrival order", () => {
  beforeEach(() => {
    // Steps 60-100 ms apart, each batch alone (quiet period 30 ms); a last check's hold is 300 ms,
    // so a step delayed by up to 200 ms on a loaded machine still comes within it.
    process.env.OPSGENIE_ORDER_SETTLE_MS = "30";
  });
  for (const [what, target] of Object.entries(TARGETS)) {
    it(`${what} of ${N} (n - LIS = ${fewest(target)}) with PATCHed rules: in order, each rule moved at most once, fewer requests`, async () => {
      let moves = 0;
      let lists = 0;
      const bad: string[] = [];
      for (const [k, arrival] of perms([0, 1, 2, 3]).entries()) {
        const patched = PATCHED[k % PATCHED.length];
        const r = await up(target, new Set(patched), arrival, 60);
        moves += r.moves;
        lists += r.lists;
        const label = `PATCH ${patched.join("+")}, arrival ${arrival.join(",")}`;
        if (r.names.join() !== r.want.join()) bad.push(`${label}: ended ${r.names.join(",")}`);
        if (r.most > 1) bad.push(`${label}: ${r.moves} change-orders, a rule moved ${r.most} times`);
      }
      console.log(`opsgenie order, ${what}, steps apart: 24 runs, ${moves} change-orders (n - LIS = ${fewest(target)} each; before ${BEFORE_APART[what].moves}), ${lists} lists (before ${BEFORE_APART[what].lists})`);
      expect(bad).toEqual([]);
      expect(moves).toBeLessThanOrEqual(BEFORE_APART[what].moves);
      expect(moves + lists).toBeLessThanOrEqual(BEFORE_APART[what].moves + BEFORE_APART[what].lists);
    }, 120_000);
  }
});

describe("opsgenie order: each step after the last one's end (no step in flight), any arrival order", () => {
  it("every target: in order, no more change-orders and no more double moves than before", async () => {
    process.env.OPSGENIE_ORDER_SETTLE_MS = "2";
    const bad: string[] = [];
    for (const [what, target] of Object.entries(TARGETS)) {
      let moves = 0;
      let doubles = 0;
      for (const [k, arrival] of perms([0, 1, 2, 3]).entries()) {
        const r = await up(target, new Set(PATCHED[k % PATCHED.length]), arrival);
        moves += r.moves;
        if (r.most > 1) doubles++;
        if (r.names.join() !== r.want.join()) bad.push(`${what}, arrival ${arrival.join(",")}: ended ${r.names.join(",")}`);
      }
      console.log(`opsgenie order, ${what}, one step at a time: 24 runs, ${moves} change-orders (before ${BEFORE_ONE_AT_A_TIME[what].moves}), ${doubles} runs with a rule moved twice (before ${BEFORE_ONE_AT_A_TIME[what].doubles})`);
      if (moves > BEFORE_ONE_AT_A_TIME[what].moves || doubles > BEFORE_ONE_AT_A_TIME[what].doubles) bad.push(`${what}: ${moves} change-orders, ${doubles} doubles`);
    }
    expect(bad).toEqual([]);
  }, 120_000);
});
