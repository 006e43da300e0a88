import { describe, expect, it } from "vitest";
import { arrange, InsertPlan, planMoves, TeamCoordinator } from "../../../src/opsgenie/placement";

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
          flush: async (_team, declared) => {
            const present = new Map([...declared].filter(([id]) => live.includes(id)));
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

  it("InsertPlan: creates POSTed ascending at their planned index land in the arrangement, with no move", () => {
    // Existing rules (some declared), new rules with any declared orders (clamped too), any arrival order.
    const declared = new Map([["a", 0], ["c", 2]]);
    for (const existing of perms(["a", "b", "c", "d"]))
    for (const orders of [[0, 1, 2], [5, 3, 1], [5, 4, 3], [2, 2, 0], [9, 8, 7], [1, 4, 3]]) {
      for (const arrival of perms([0, 1, 2])) {
        const news = arrival.map((i) => ({ key: `k${i}`, order: orders[i] }));
        const plan = new InsertPlan(existing, declared, news);
        // The API: insert at min(index, n).
        const live = [...existing];
        for (const key of plan.sequence(news.map((x) => x.key))) {
          const at = plan.indexFor(key);
          const id = `id-${key}`;
          live.splice(Math.min(at, live.length), 0, id);
          plan.inserted(key, id, at);
        }
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
