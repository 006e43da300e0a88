import { describe, expect, it } from "vitest";
import { arrange, lisIndices, newKey, planMoves, TeamPlan } from "../../../src/opsgenie/placement";
import { TeamCoordinator, type Work } from "../../../src/opsgenie/team/batching";

function perms<T>(a: T[]): T[][] {
  if (a.length <= 1) return [a];
  return a.flatMap((x, i) => perms([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
}
function apply(current: string[], moves: [string, number][]): string[] {
  const m = [...current];
  for (const [id, at] of moves) {
    m.splice(m.indexOf(id), 1);
    m.splice(Math.min(at, m.length), 0, id);
  }
  return m;
}

describe("opsgenie placement", () => {
  it("planMoves reaches every target permutation with n - LIS moves", () => {
    for (let n = 1; n <= 6; n++) {
      const cur = Array.from({ length: n }, (_, i) => `r${i}`);
      for (const target of perms(cur)) expect(apply(cur, planMoves(cur, target))).toEqual(target);
    }
    expect(planMoves(["a", "b"], ["b", "a"])).toHaveLength(1);
    expect(planMoves(["a", "b", "c", "d"], ["b", "c", "d", "a"])).toEqual([["a", 3]]);
    expect(planMoves(["a", "b", "c"], ["a", "b", "c"])).toEqual([]);
  });

  it("arrange: declared rules at their indices, others keep relative order, clamped", () => {
    expect(arrange(["a", "b", "c", "d"], new Map([["a", 2], ["c", 0]]))).toEqual(["c", "b", "a", "d"]);
    // Created out of order: 4 and 3 clamped but still ascending.
    expect(arrange(["r4", "r3"], new Map([["r4", 4], ["r3", 3]]))).toEqual(["r3", "r4"]);
    expect(arrange(["x", "r0", "r4"], new Map([["r0", 0], ["r4", 4]]))).toEqual(["r0", "x", "r4"]);
  });

  it("any arrival order of creates ends in declared order", () => {
    const ids = ["r0", "r1", "r2", "r3", "r4"];
    for (const arrival of perms(ids)) {
      // Each POST inserts at min(order, n) as the API does; one settle places all.
      const list: string[] = [];
      for (const id of arrival) list.splice(Math.min(Number(id.slice(1)), list.length), 0, id);
      const target = arrange(list, new Map(ids.map((id) => [id, Number(id.slice(1))])));
      expect(apply(list, planMoves(list, target))).toEqual(ids);
    }
  });

  it("creates that settle in separate batches still end in declared order", async () => {
    process.env.OPSGENIE_ORDER_SETTLE_MS = "0";
    try {
      for (const arrival of [["r4", "r3", "r2", "r1", "r0"], ["r2", "r0", "r4", "r1", "r3"], ["r1", "r3", "r0", "r4", "r2"]]) {
        let live: string[] = [];
        const co = new TeamCoordinator<string[]>({
          flush: async (_team, work) => {
            const present = new Map([...work.declared].filter(([id]) => live.includes(id)));
            live = apply(live, planMoves(live, arrange(live, present)));
            return live;
          },
        });
        for (const id of arrival) {
          // Each create lands on its own (e.g. it waited on another resource), then settles.
          co.begin("t");
          live.splice(Math.min(Number(id.slice(1)), live.length), 0, id);
          const settled = co.settle("t", { ruleId: id, order: Number(id.slice(1)) });
          co.end("t");
          await settled;
        }
        expect(live).toEqual(["r0", "r1", "r2", "r3", "r4"]);
      }
    } finally {
      delete process.env.OPSGENIE_ORDER_SETTLE_MS;
    }
  });

  it("TeamPlan: creates POSTed ascending at their planned index land in the arrangement, with no move", () => {
    // Existing rules (some declared), new rules with any declared orders (clamped too), any arrival order.
    const declared = new Map([["a", 0], ["c", 2]]);
    for (const existing of perms(["a", "b", "c", "d"]))
    for (const orders of [[0, 1, 2], [5, 3, 1], [5, 4, 3], [2, 2, 0], [9, 8, 7], [1, 4, 3]]) {
      for (const arrival of perms([0, 1, 2])) {
        const news = arrival.map((i) => ({ key: newKey(`k${i}`), order: orders[i] }));
        const plan = new TeamPlan(existing, new Map([...declared, ...news.map((x) => [x.key, x.order] as [string, number])]));
        // The API: insert at min(index, n).
        const live = [...existing];
        for (const key of plan.sequence(news.map((x) => x.key))) {
          const at = plan.indexFor(key);
          const id = `id-${key}`;
          live.splice(Math.min(at, live.length), 0, id);
          plan.inserted(key, id, at);
        }
        expect(plan.order).toEqual(live);
        const all = new Map([...declared, ...news.map((x) => [`id-${x.key}`, x.order] as [string, number])]);
        // The new rules cost no move: only as many as the existing rules need among themselves
        // (where colliding or clamped orders shift their slots).
        const target = arrange(live, all);
        const moves = planMoves(live, target);
        expect(moves.length).toBeLessThanOrEqual(planMoves(existing, target.filter((id) => existing.includes(id))).length);
        expect(apply(live, moves)).toEqual(target);
        // Orders that fit between the existing ones (a 0, c 2, new at 3, 4, 5 after d): nothing moves at all.
        if (orders.join() === "5,4,3" && existing.join() === "a,b,c,d") expect(moves).toEqual([]);
      }
    }
  });
});

/** A seeded shuffle: the same arrival orders every run. */
function shuffled<T>(a: readonly T[], seed: number): T[] {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out = [...a];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
const batches = <T>(a: readonly T[], size: number): T[][] => Array.from({ length: Math.ceil(a.length / size) }, (_, i) => a.slice(i * size, (i + 1) * size));
const lisLength = (current: readonly string[], target: readonly string[]) => lisIndices(current.map((id) => target.indexOf(id))).length;

/** The API's change-order: out of the list, then in at min(at, n - 1). */
function changeOrder(live: string[], id: string, at: number): void {
  live.splice(live.indexOf(id), 1);
  live.splice(Math.min(at, live.length), 0, id);
}

/** What a settle does for the rules whose steps have arrived: each unsettled one moved into place. Returns the moves. */
function moveArrived(plan: TeamPlan, live: string[], pending: ReadonlySet<string>): number {
  let moves = 0;
  for (const id of plan.unsettled()) {
    if (pending.has(id)) continue;
    const at = plan.moveFor(id);
    if (at === undefined) continue;
    changeOrder(live, id, at);
    plan.moved(id, at);
    moves++;
  }
  return moves;
}

describe("opsgenie TeamPlan over the whole team (issue 12)", () => {
  it("lisIndices: a longest strictly increasing subsequence", () => {
    for (let seed = 1; seed <= 200; seed++) {
      const seq = shuffled(Array.from({ length: 1 + (seed % 17) }, (_, i) => i), seed);
      const idx = lisIndices(seq);
      for (let i = 1; i < idx.length; i++) {
        expect(idx[i]).toBeGreaterThan(idx[i - 1]);
        expect(seq[idx[i]]).toBeGreaterThan(seq[idx[i - 1]]);
      }
      // Quadratic reference length.
      const len = seq.map(() => 1);
      for (let i = 0; i < seq.length; i++) for (let j = 0; j < i; j++) if (seq[j] < seq[i]) len[i] = Math.max(len[i], len[j] + 1);
      expect(idx.length).toBe(Math.max(...len));
    }
    expect(lisIndices([])).toEqual([]);
  });

  it("100 creates known up front, arriving shuffled 8 at a time: every POST lands in place, 0 moves", () => {
    const n = 100;
    const declared = new Map(Array.from({ length: n }, (_, i) => [newKey(`r${i}`), i] as [string, number]));
    for (const seed of [1, 2, 3, 42, 1234]) {
      const plan = new TeamPlan([], declared);
      const live: string[] = [];
      for (const batch of batches(shuffled([...declared.keys()], seed), 8)) {
        for (const key of plan.sequence(batch)) {
          const at = plan.indexFor(key);
          live.splice(Math.min(at, live.length), 0, `id-${key}`);
          plan.inserted(key, `id-${key}`, at);
        }
        // Every prefix is in declared order: nothing ever needs a move.
        expect(live).toEqual([...live].sort((a, b) => declared.get(a.slice(3))! - declared.get(b.slice(3))!));
      }
      expect(live).toEqual([...declared.keys()].map((k) => `id-${k}`));
      expect(plan.unsettled()).toEqual([]);
    }
  });

  it("any reorder, rules arriving shuffled in batches, each moved once: n - LIS change-orders over the whole team", () => {
    const n = 100;
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const targets: [string, string[]][] = [
      ["reverse", [...ids].reverse()],
      ["swap", ids.map((id, i) => (i === 2 ? "r7" : i === 7 ? "r2" : id))],
      ["rotate", [...ids.slice(1), ids[0]]],
      ...[5, 6, 7].map((seed): [string, string[]] => [`random ${seed}`, shuffled(ids, seed)]),
    ];
    for (const [what, target] of targets) {
      const declared = new Map(target.map((id, i) => [id, i] as [string, number]));
      const moving = ids.filter((id) => declared.get(id) !== ids.indexOf(id));
      for (const seed of [11, 12]) {
        const live = [...ids];
        const plan = new TeamPlan(live, declared);
        let moves = 0;
        // Only the rules whose order changed have a step (the engine's update); they arrive shuffled.
        const pending = new Set(moving);
        for (const batch of batches(shuffled(moving, seed), 8)) {
          for (const id of batch) pending.delete(id);
          moves += moveArrived(plan, live, pending);
          expect(plan.order, what).toEqual(live);
        }
        expect(live, what).toEqual(target);
        expect(moves, what).toBe(n - lisLength(ids, target));
        // The team's last check finds nothing left to do.
        expect(planMoves(live, arrange(live, declared)), what).toEqual([]);
      }
    }
    expect(n - lisLength(ids, [...ids].reverse())).toBe(99);
  });

  it("orders announced a few steps ahead of their step (the engine's parallelism): every rule moved at most once, reverse of 100 in 99", () => {
    const n = 100;
    const ids = Array.from({ length: n }, (_, i) => `r${i}`);
    const targets: [string, string[]][] = [["reverse", [...ids].reverse()], ...[21, 22, 23].map((seed): [string, string[]] => [`random ${seed}`, shuffled(ids, seed)])];
    for (const [what, target] of targets) {
      const order = new Map(target.map((id, i) => [id, i] as [string, number]));
      for (const seed of what === "reverse" ? Array.from({ length: 40 }, (_, i) => 31 + i) : [31, 32, 33]) {
        // The engine checks/diffs resources roughly in program order, one step ahead of its 8 workers.
        const arrival = shuffled(ids, seed);
        const live = [...ids];
        const declared = new Map<string, number>();
        let plan: TeamPlan | undefined;
        const writes = new Map<string, number>();
        for (const [b, batch] of batches(arrival, 8).entries()) {
          for (const id of [...batch, ...(arrival[(b + 1) * 8] ? [arrival[(b + 1) * 8]] : [])]) declared.set(id, order.get(id)!);
          if (plan) plan.redeclare(declared);
          else plan = new TeamPlan(live, declared);
          const arrived = new Set(arrival.slice(0, (b + 1) * 8));
          for (const id of plan.unsettled()) {
            if (!arrived.has(id)) continue;
            const at = plan.moveFor(id);
            if (at === undefined) continue;
            changeOrder(live, id, at);
            plan.moved(id, at);
            writes.set(id, (writes.get(id) ?? 0) + 1);
          }
          expect(plan.order, what).toEqual(live);
        }
        // Every order is known now: what the team's last check would still move.
        const rest = planMoves(live, arrange(live, order));
        for (const [id, at] of rest) {
          changeOrder(live, id, at);
          writes.set(id, (writes.get(id) ?? 0) + 1);
        }
        expect(live, what).toEqual(target);
        expect(Math.max(...writes.values()), `${what}: a rule moved twice`).toBe(1);
        if (what === "reverse") expect(writes.size, what).toBeLessThanOrEqual(99);
      }
    }
  });

  it("a mixed run (creates, moves, unmanaged rules, any arrival) ends in the arrangement with at most n - LIS moves and no move of a new rule", () => {
    for (let seed = 1; seed <= 60; seed++) {
      const existing = shuffled(["a", "b", "c", "d", "e", "f", "x", "y"], seed);
      // x and y are not managed (no declared order); the rest get new orders, with 4 new rules among them.
      const managed = ["a", "b", "c", "d", "e", "f", newKey("n1"), newKey("n2"), newKey("n3"), newKey("n4")];
      const declared = new Map(shuffled(managed, seed + 100).map((k, i) => [k, i] as [string, number]));
      const plan = new TeamPlan(existing, declared);
      const live = [...existing];
      const work = shuffled(managed, seed + 200);
      const pending = new Set(work);
      let moves = 0;
      for (const batch of batches(work, 3)) {
        for (const k of batch) pending.delete(k);
        for (const key of plan.sequence(batch.filter((k) => k.startsWith("\u0000")))) {
          const at = plan.indexFor(key);
          live.splice(Math.min(at, live.length), 0, key.slice(5));
          plan.inserted(key, key.slice(5), at);
        }
        moves += moveArrived(plan, live, pending);
        expect(plan.order).toEqual(live);
      }
      const ids = new Map([...declared].map(([k, o]) => [k.startsWith("\u0000") ? k.slice(5) : k, o]));
      const target = arrange(live, ids);
      // The team's last check: only rules with no declared order can still be out of place.
      const rest = planMoves(live, target);
      for (const [id, at] of rest) changeOrder(live, id, at);
      expect(rest.map(([id]) => id).filter((id) => ids.has(id))).toEqual([]);
      moves += rest.length;
      expect(live).toEqual(target);
      const before = arrange([...existing, "n1", "n2", "n3", "n4"], ids).filter((id) => existing.includes(id));
      expect(moves).toBeLessThanOrEqual(existing.length - lisLength(existing, before));
    }
  });

  it("coordinator: check/diff announce the work; a batch is the team's last when nothing announced is left", async () => {
    process.env.OPSGENIE_ORDER_SETTLE_MS = "0";
    try {
      const seen: { creates: string[]; last: boolean; declared: number; arrived: string[] }[] = [];
      const co = new TeamCoordinator<string[], string>({
        flush: async (_team, work: Work<string>) => {
          seen.push({ creates: work.creates, last: work.last, declared: work.declared.size, arrived: [...work.arrived] });
          return [];
        },
      });
      // Announced by name (check): joins the team once the name resolves.
      co.announce("name:Ops", newKey("a"), 0, true);
      co.announce("name:Ops", newKey("b"), 1, true);
      co.announce("t", "r9", 2, true);
      co.announce("t", "r8", 3, false);
      co.alias("name:Ops", "t");
      co.begin("t");
      const first = co.settleCreate("t", "a", newKey("a"), 0);
      co.end("t");
      await first;
      co.begin("t");
      const second = Promise.all([co.settleCreate("t", "b", newKey("b"), 1), co.settle("t", { ruleId: "r9", order: 2 })]);
      co.end("t");
      await second;
      expect(seen).toEqual([
        { creates: ["a"], last: false, declared: 4, arrived: [] },
        { creates: ["b"], last: true, declared: 4, arrived: ["r9"] },
      ]);
    } finally {
      delete process.env.OPSGENIE_ORDER_SETTLE_MS;
    }
  });
});
