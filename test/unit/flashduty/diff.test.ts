import { describe, expect, it } from "vitest";
import { diffMappingData, planRows, type MappingDataOutputs } from "../../../src/flashduty/mapping.diff";
import { diffRoute, type RouteOutputs } from "../../../src/flashduty/route.diff";

const cond = [{ key: "severity", oper: "IN" as const, vals: ["Critical"] }];
const olds: RouteOutputs = {
  integrationId: 7,
  cases: [{ if: cond, channelIds: [1], fallthrough: false, routingMode: "standard" }],
  sections: [],
  version: 4,
  status: "enabled",
  updatedAt: 1,
  updatedBy: 2,
};

describe("FlashdutyRoute diff (pure)", () => {
  it("normalizes: empty routing mode == standard, omitted fallthrough == false, absent sections == []", () => {
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }] })).toEqual({ changes: false, replaces: [] });
    expect(diffRoute(olds, { integrationId: "7", cases: [{ if: cond, channelIds: [1], routingMode: "", fallthrough: false }], sections: [] })).toEqual({
      changes: false,
      replaces: [],
    });
  });
  it("never diffs on version or other server fields", () => {
    expect(diffRoute({ ...olds, version: 99, updatedAt: 5 }, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }], version: 1 })).toMatchObject({ changes: false });
  });
  it("sees content changes, and replaces on integrationId", () => {
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1], fallthrough: true }] }).changes).toBe(true);
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }], default: { channelIds: [2] } }).changes).toBe(true);
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }], sections: [{ name: "s", position: 0 }] }).changes).toBe(true);
    expect(diffRoute(olds, { integrationId: 8, cases: [{ if: cond, channelIds: [1] }] })).toEqual({ changes: true, replaces: ["integrationId"] });
  });
  it("resetOnDelete is stored state (a change); adoptExisting is not", () => {
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }], adoptExisting: true }).changes).toBe(false);
    expect(diffRoute(olds, { integrationId: 7, cases: [{ if: cond, channelIds: [1] }], resetOnDelete: { channelIds: [1] } }).changes).toBe(true);
  });
});

const SID = "665f1a2b3c4d5e6f7a8b9c01";
const rows = (n: number, owner = "o") => Array.from({ length: n }, (_, i) => ({ host: `h${i}`, owner }));
const mOlds = (n: number): MappingDataOutputs => ({
  schemaId: SID,
  rows: rows(n).map((r) => ({ host: r.host, owner: r.owner })),
  exclusive: false,
  sourceLabels: ["host"],
  resultLabels: ["owner"],
  keys: rows(n).map((r) => `k-${r.host}`),
  rowCount: n,
});

describe("FlashdutyMappingData diff (pure, row level)", () => {
  it("no change for the same rows in another order or label order", () => {
    const news = rows(50).reverse().map((r) => ({ owner: r.owner, host: r.host }));
    expect(diffMappingData(mOlds(50), { schemaId: SID, rows: news })).toEqual({ changes: false, replaces: [] });
  });
  it("replace on schemaId, update on exclusive or a row", () => {
    expect(diffMappingData(mOlds(3), { schemaId: "665f1a2b3c4d5e6f7a8b9c02", rows: rows(3) }).replaces).toEqual(["schemaId"]);
    expect(diffMappingData(mOlds(3), { schemaId: SID, rows: rows(3), exclusive: true }).changes).toBe(true);
    const changed = rows(3);
    changed[1].owner = "new";
    expect(diffMappingData(mOlds(3), { schemaId: SID, rows: changed }).changes).toBe(true);
  });
  it("plans only added/changed upserts and removed deletes, with the server's keys", () => {
    const news = rows(10).slice(2); // h0, h1 removed
    news[0].owner = "changed"; // h2
    news.push({ host: "new", owner: "o" });
    const p = planRows(mOlds(10), news);
    expect(p.upserts.map((r) => r.host)).toEqual(["h2", "new"]);
    expect(p.deletes).toEqual(["k-h0", "k-h1"]);
    expect(p.keys[1]).toBe("k-h3");
    expect(p.keys[0]).toBeUndefined();
  });
  it("is O(rows): 10,000 rows diff in well under a second", () => {
    const t0 = performance.now();
    expect(diffMappingData(mOlds(10_000), { schemaId: SID, rows: rows(10_000) }).changes).toBe(false);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});
