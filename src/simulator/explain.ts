import type { SimResult, UnitResult } from "./types";

const NAMES = { opsgenie: "Opsgenie team", rootly: "Rootly route", flashduty: "Flashduty" } as const;
const OUTCOME = {
  rule: "",
  default: "no declared rule matched -> default: ",
  fallback: "no earlier rule matched -> fallback rule: ",
  none: "no match: ",
  "cannot-evaluate": "CANNOT EVALUATE (every expectation fails): ",
} as const;

function unitText(u: UnitResult): string[] {
  const lines = [`${NAMES[u.vendor]} ${u.unit}${u.context ? ` at ${u.context}` : ""}:`];
  if (u.trace.length === 0 && u.outcome !== "default") lines.push("  (no rules evaluated)");
  for (const t of u.trace) {
    lines.push(`  ${t.matched ? "MATCH" : t.reason.startsWith("cannot evaluate") ? "?????" : "skip "} ${t.label}: ${t.reason}`);
    for (const c of t.checks) lines.push(`      ${c.unknown ? "[?]" : c.held ? "[x]" : "[ ]"} ${c.text}`);
  }
  if (u.outcome === "default" && u.vendor === "opsgenie") lines.push("  (default) Default Routing Rule: match-all");
  lines.push(`  -> ${OUTCOME[u.outcome]}${u.targets.join(", ")}`);
  return lines;
}

/** The human explanation: per vendor unit, each rule in order with its checks, then the target. */
export function explain(r: SimResult, opts: { assumptions?: boolean } = {}): string {
  const lines = [`Alert at ${r.at.toISOString()}`];
  if (r.units.length === 0) lines.push("No declared routing applies to this alert (check the vendor sections of the alert and its team/source/integration).");
  for (const v of r.notDeclared) lines.push(`${v}: the alert has a ${v} part but the program declares no ${v} routing.`);
  for (const u of r.units) lines.push("", ...unitText(u));
  if (opts.assumptions ?? true) {
    const seen = new Set<string>();
    for (const u of r.units) for (const a of u.assumptions) if (!seen.has(`${u.vendor}: ${a}`)) seen.add(`${u.vendor}: ${a}`);
    if (seen.size) lines.push("", "Assumed where the vendor docs are silent (src/simulator/NOTES.md):", ...[...seen].map((a) => `  - ${a}`));
  }
  return lines.join("\n");
}
