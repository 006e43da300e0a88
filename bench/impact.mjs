// The impact report's throughput: a corpus of alerts replayed through a routing before and after
// a change (the simulator bench's 1,000 rules per vendor; after: every fifth team's rules reordered,
// one rule per team retargeted, one team's rules removed). Deterministic corpus.
//   npm run build && node bench/impact.mjs [--alerts=100000] [--rules=1000] [--runs=3]
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildAlerts, buildRouting } from "./simulator.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;

export function changed(routing) {
  const opsgenie = routing.opsgenie
    .filter((r) => r.args.teamName !== "Team-3")
    .map((r) => (r.args.name === "rule 2" ? { ...r, args: { ...r.args, notify: { type: "escalation", name: `${r.args.teamName}_moved` } } } : Number(r.args.teamName.slice(5)) % 5 === 0 ? { ...r, args: { ...r.args, order: 100 - r.args.order } } : r));
  const rootly = routing.rootly.map((r, t) => (t % 5 === 0 ? { ...r, args: { ...r.args, rules: [...r.args.rules.slice(0, -1).reverse(), r.args.rules.at(-1)] } } : t === 3 ? { ...r, args: { ...r.args, rules: r.args.rules.slice(0, -1) } } : r));
  const flashduty = routing.flashduty.map((r, t) => (t % 5 === 0 ? { ...r, args: { ...r.args, cases: [...r.args.cases].reverse() } } : t === 3 ? { ...r, args: { ...r.args, default: undefined } } : r));
  return { opsgenie, rootly, flashduty };
}

export function corpus(n) {
  return buildAlerts(n).map((a, i) => ({ ...a, at: `2026-11-25T${String(6 + (i % 16)).padStart(2, "0")}:00:00Z` }));
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const alerts = Number(arg("alerts", "100000"));
  const rules = Number(arg("rules", "1000"));
  const runs = Number(arg("runs", "3"));
  const { impact } = require(join(root, "dist", "analysis"));
  const before = buildRouting(rules);
  const after = changed(before);
  const alertsIn = corpus(alerts);
  const times = [];
  let report;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    report = impact(before, after, alertsIn);
    times.push((performance.now() - t0) / 1000);
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`impact: ${alerts} alerts x ${rules} rules per vendor, before and after: ${times.map((t) => t.toFixed(2)).join(" / ")} s (min ${sorted[0].toFixed(2)}, median ${sorted[Math.floor(sorted.length / 2)].toFixed(2)})`);
  console.log(`  total ${report.total}, unchanged ${report.unchanged}, changed ${report.changed}, now unrouted ${report.nowUnrouted}, now routed ${report.nowRouted}, ${report.groups.length} groups`);
  if (process.argv.includes("--dump")) console.log(JSON.stringify(report).length, require("node:crypto").createHash("sha256").update(JSON.stringify(report)).digest("hex"));
}
