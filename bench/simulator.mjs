// The route simulator's throughput: 100,000 alerts against 1,000 declared rules
// per vendor (50 teams / routes / integrations of 20 rules each), through
// compileRouting (compiled once, no explanation text). Deterministic corpus.
//   node bench/run.mjs --only=simulator [--alerts=100000] [--rules=1000]
import { createRequire } from "node:module";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);

/** A small deterministic PRNG (mulberry32), so every run sees the same corpus. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SERVICES = Array.from({ length: 40 }, (_, i) => `svc-${i}`);
// The distinct corpus: one service per rule, so no two rules share a value (real programs, or an
// outside check, may hold 1,000 different criteria: nothing to share between teams).
const DISTINCT_SERVICES = (rules) => Array.from({ length: rules }, (_, i) => `svc-${i}`);
const REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"];
const PRIORITIES = ["P1", "P2", "P3", "P4", "P5"];
const SEVERITIES = ["Critical", "Warning", "Info"];

/** `distinct`: every rule's values differ (its own service); otherwise rule shapes repeat every two teams (40 services). */
export function buildRouting(rules, teams = 50, { distinct = false } = {}) {
  const per = Math.ceil(rules / teams);
  const services = distinct ? DISTINCT_SERVICES(rules) : SERVICES;
  const opsgenie = [];
  const rootly = [];
  const flashduty = [];
  for (let t = 0; t < teams; t++) {
    const ruleDefs = [];
    const rootlyRules = [];
    const cases = [];
    for (let i = 0; i < per && t * per + i < rules; i++) {
      const svc = services[(t * per + i) % services.length];
      const region = REGIONS[i % REGIONS.length];
      const k = i % 5;
      // Opsgenie: a mix of every operation kind, some time-restricted, some regexes (Java dialect).
      const og =
        k === 0
          ? { type: "match-all-conditions", conditions: [{ field: "priority", operation: "equals", expectedValue: PRIORITIES[i % 5] }, { field: "tags", operation: "contains", expectedValue: svc }] }
          : k === 1
            ? { type: "match-any-condition", conditions: [{ field: "message", operation: "contains", expectedValue: `${svc} down` }, { field: "source", operation: "starts-with", expectedValue: `${region}/${svc}` }] }
            : k === 2
              ? { type: "match-all-conditions", conditions: [{ field: "extra-properties", key: "service", operation: "equals", expectedValue: svc }, { field: "priority", operation: "less-than", expectedValue: "P3" }] }
              : k === 3
                ? { type: "match-all-conditions", conditions: [{ field: "message", operation: "matches", expectedValue: `(?i).*\\b${svc}\\b.*(timeout|error).*` }] }
                : { type: "match-all-conditions", conditions: [{ field: "entity", operation: "ends-with", expectedValue: distinct ? `${svc}.${region}` : `.${region}`, not: false }, { field: "tags", operation: "contains", expectedValue: "database" }] };
      ruleDefs.push({
        resource: `og-${t}-${i}`,
        args: {
          teamName: `Team-${t}`,
          name: `rule ${i}`,
          order: i,
          criteria: og,
          ...(i % 7 === 0 ? { timezone: i % 2 ? "Europe/Berlin" : "America/New_York", timeRestriction: { type: "time-of-day", restriction: { startHour: 8, startMin: 0, endHour: 20, endMin: 0 } } } : {}),
          notify: { type: "escalation", name: `Team-${t}_esc_${i}` },
        },
      });
      // Rootly: payload paths, one-of lists, Ruby regexes.
      const rc =
        k === 0
          ? [{ propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: [svc, `${svc}-canary`] }]
          : k === 1
            ? [distinct ? { propertyFieldConditionType: "contains", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValues: [`${svc}]`] } : { propertyFieldConditionType: "contains", propertyFieldType: "payload", propertyFieldName: "labels.region", propertyFieldValues: [region] }, { propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "severity", propertyFieldValues: ["critical"] }]
            : k === 2
              ? [{ propertyFieldConditionType: "starts_with", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValues: [`[${svc}]`] }]
              : k === 3
                ? [{ propertyFieldConditionType: "matches_regex", propertyFieldType: "payload", propertyFieldName: "summary", propertyFieldValues: [`\\A\\[${svc}\\].*(?i:timeout)`] }]
                : [{ propertyFieldConditionType: "is_not_one_of", propertyFieldType: "payload", propertyFieldName: "env", propertyFieldValues: ["staging", "dev"] }, { propertyFieldConditionType: "is_one_of", propertyFieldType: "payload", propertyFieldName: "service", propertyFieldValues: [svc] }];
      // Rootly reads one value (propertyFieldValue) for contains, starts_with and matches_regex, as check requires.
      const rcv = rc.map((c) => (["contains", "starts_with", "matches_regex"].includes(c.propertyFieldConditionType) ? { ...c, propertyFieldValues: undefined, propertyFieldValue: c.propertyFieldValues[0] } : c));
      rootlyRules.push({ name: `rule ${i}`, conditionGroups: [{ conditions: rcv }], destinations: [{ targetType: "EscalationPolicy", targetId: `esc-${t}-${i}` }] });
      // Flashduty: IN lists, wildcards, RE2 regexes, NOTIN, some fallthrough.
      const fc =
        k === 0
          ? [{ key: "severity", oper: "IN", vals: ["Critical"] }, { key: "labels.service", oper: "IN", vals: [svc] }]
          : k === 1
            ? [{ key: "labels.region", oper: "IN", vals: [region] }, { key: "labels.service", oper: "IN", vals: [`${svc}*`] }]
            : k === 2
              ? [{ key: "title", oper: "IN", vals: [`/^\\[${svc}\\].*(timeout|error)/`] }]
              : k === 3
                ? [{ key: "labels.env", oper: "NOTIN", vals: ["staging", "dev"] }, { key: "labels.service", oper: "IN", vals: [svc] }]
                : [{ key: "severity", oper: "IN", vals: ["Warning", "Info"] }, { key: "labels.team", oper: "IN", vals: [`team-${t}`] }, ...(distinct ? [{ key: "title", oper: "IN", vals: [`*${svc}]*`] }] : [])];
      cases.push({ if: fc, channelIds: [t * 1000 + i], ...(i % 6 === 0 ? { fallthrough: true } : {}) });
    }
    opsgenie.push(...ruleDefs);
    rootly.push({ resource: `route-${t}`, args: { name: `Route ${t}`, alertsSourceIds: [`source-${t % 10}`], rules: [...rootlyRules, { name: "fallback", fallbackRule: true, destinations: [{ targetType: "Service", targetId: `fallback-${t}` }] }] } });
    flashduty.push({ resource: `integration-${t}`, args: { integrationId: 10_000 + t, cases, default: { channelIds: [999_000 + t] } } });
  }
  return { opsgenie, rootly, flashduty };
}

/** `distinct`: services drawn from the distinct corpus's (`rules` of them), each owned by one team (its `team` label). */
export function buildAlerts(n, seed = 42, { distinct = false, rules = 1000, teams = 50 } = {}) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const services = distinct ? DISTINCT_SERVICES(rules) : SERVICES;
  const per = Math.ceil(rules / teams);
  const alerts = [];
  for (let i = 0; i < n; i++) {
    // Drawn in the same order as ever, so the shared corpus stays the one measured before.
    let s = -1;
    const svc = r() < 0.8 ? services[(s = Math.floor(r() * services.length))] : `other-${i % 13}`;
    const region = pick(REGIONS);
    const word = pick(["timeout", "error", "latency", "Timeout"]);
    alerts.push({
      opsgenie: { message: `${svc} ${word} on ${region}`, source: `${region}/${svc}`, entity: `${svc}.${region}`, priority: pick(PRIORITIES), tags: r() < 0.3 ? ["database", svc] : [svc], details: { service: svc } },
      rootly: { alertsSourceId: r() < 0.5 ? `source-${i % 10}` : undefined, payload: { service: svc, env: pick(["prod", "staging"]), severity: pick(["critical", "warning"]), summary: `[${svc}] ${word} on ${region}`, labels: { region } } },
      flashduty: { severity: pick(SEVERITIES), title: `[${svc}] ${word}`, labels: { service: svc, region, env: pick(["prod", "dev"]), team: distinct && s >= 0 ? `team-${Math.floor(s / per)}` : `team-${i % 50}` } },
    });
  }
  return alerts;
}

/** Seconds for `alerts` through the compiled routing of one vendor (or all three). */
export function runSimulatorBench({ alerts: nAlerts = 100_000, rules = 1000, sim = require(join(root, "dist", "simulator")) } = {}) {
  const sharedRouting = buildRouting(rules);
  const sharedAlerts = buildAlerts(nAlerts);
  const distinctRouting = buildRouting(rules, 50, { distinct: true });
  const distinctAlerts = buildAlerts(nAlerts, 42, { distinct: true, rules });
  const at = new Date("2026-11-25T10:00:00Z");
  const rows = [];
  // Each vendor on the shared corpus (rule shapes repeat every two teams), then on the distinct one.
  for (const vendor of ["opsgenie", "rootly", "flashduty"])
    for (const [corpus, routing, alerts] of [["shared", sharedRouting, sharedAlerts], ["distinct", distinctRouting, distinctAlerts]]) {
    const t0 = performance.now();
    const compiled = sim.compileRouting({ [vendor]: routing[vendor] }, { at, vendors: [vendor] });
    const compileMs = performance.now() - t0;
    const only = alerts.map((a) => ({ [vendor]: a[vendor] }));
    // A warm-up pass over the first 5,000 alerts (the JIT's tiers), then the timed pass over all of them.
    for (let i = 0; i < Math.min(WARMUP, only.length); i++) compiled.simulate(only[i]);
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    // Every result is read (its units' outcomes counted), so none of the work can be skipped.
    const counts = { rule: 0, default: 0, fallback: 0, none: 0, "cannot-evaluate": 0 };
    for (const a of only) for (const u of compiled.simulate(a).units) counts[u.outcome]++;
    const seconds = (performance.now() - t1) / 1000;
    // CPU time of this process: on a shared machine, wall time also counts the others' load.
    const cpu = process.cpuUsage(c1);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const outcomes = Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
    rows.push({ vendor, corpus, alerts: nAlerts, rules: vendor === "rootly" ? routing.rootly.reduce((n, r) => n + r.args.rules.length - 1, 0) : vendor === "flashduty" ? routing.flashduty.reduce((n, r) => n + r.args.cases.length, 0) : routing.opsgenie.length, units: routing[vendor].length === rules ? 50 : routing[vendor].length, compileMs, seconds, cpuSeconds, perAlertUs: (seconds * 1e6) / nAlerts, outcomes });
  }
  // The explanation is built only where it is shown: one alert, through explain().
  const compiled = sim.compileRouting(sharedRouting, { at });
  const t2 = performance.now();
  const explained = sim.explain(compiled.explain(sharedAlerts[0]));
  const explainMs = performance.now() - t2;
  return { rows, explainMs, explainChars: explained.length, load: loadavg(), cpus: availableParallelism() };
}

export function printSimulatorBench(r) {
  console.log("\nSimulator: alerts through compileRouting(...).simulate (no explanation text)");
  console.log(`  ${"vendor".padEnd(10)} ${"values".padEnd(9)} ${"alerts".padStart(8)} ${"rules".padStart(6)} ${"units".padStart(6)} ${"compile".padStart(9)} ${"wall".padStart(8)} ${"cpu".padStart(8)} ${"per alert".padStart(10)}  outcomes`);
  for (const x of r.rows)
    console.log(
      `  ${x.vendor.padEnd(10)} ${x.corpus.padEnd(9)} ${String(x.alerts).padStart(8)} ${String(x.rules).padStart(6)} ${String(x.units).padStart(6)} ${(x.compileMs.toFixed(0) + " ms").padStart(9)} ${(x.seconds.toFixed(2) + " s").padStart(8)} ${(x.cpuSeconds.toFixed(2) + " s").padStart(8)} ${(x.perAlertUs.toFixed(1) + " µs").padStart(10)}  ${Object.entries(x.outcomes).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    );
  console.log(`  load average ${r.load.map((l) => l.toFixed(1)).join(" ")} on ${r.cpus} cores; per alert = wall / alerts`);
  console.log(`  one explanation (all three vendors, ${r.explainChars} chars): ${r.explainMs.toFixed(1)} ms`);
}

const TARGET_SECONDS = 2;
const WARMUP = 5000;

/** The section as markdown (bench/results/simulator.md and the main table). */
export function simulatorMd(r) {
  return [
    `${r.rows[0].alerts} alerts per vendor against ${r.rows[0].rules} rules in 50 units (teams / routes / integrations of 20), compiled once, decisions only (no explanation text), after an untimed warm-up over the first ${WARMUP} alerts; target ${TARGET_SECONDS} s per vendor. Load average ${r.load.map((l) => l.toFixed(1)).join(" ")} on ${r.cpus} cores: on a shared machine wall time also counts the others' load, CPU time is this process's own.`,
    "",
    `Two corpora per vendor: the first row's rules repeat their shapes every two teams (40 services), so equal criteria are shared; the "distinct values" row gives every rule its own service (1,000 services, no two rules with equal values, nothing shared between teams), alerts drawn from those services (80 %) each with its owning team's label. Rootly's contains / starts_with / matches_regex read one value (\`propertyFieldValue\`), as \`check\` requires (before 2026-12-07 the shared row passed a list there, which left those conditions empty: they held for every alert).`,
    "",
    "| vendor | alerts | rules | compile ms | wall s | CPU s | µs/alert (wall) | outcomes |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.rows.map((x) => `| ${x.vendor}${x.corpus === "distinct" ? ", distinct values" : ""} | ${x.alerts} | ${x.rules} | ${x.compileMs.toFixed(0)} | ${x.seconds.toFixed(2)} | ${x.cpuSeconds.toFixed(2)} | ${x.perAlertUs.toFixed(1)} | ${Object.entries(x.outcomes).map(([k, v]) => `${k} ${v}`).join(", ")} |`),
    "",
    `One explanation of one alert against all three vendors' rules (built only where shown): ${r.explainMs.toFixed(1)} ms, ${r.explainChars} characters.`,
  ].join("\n");
}

export function targetNote(r) {
  const over = r.rows.filter((x) => x.seconds > TARGET_SECONDS);
  return over.length ? `over the ${TARGET_SECONDS} s target (wall): ${over.map((x) => `${x.vendor}${x.corpus === "distinct" ? " (distinct values)" : ""} ${x.seconds.toFixed(2)} s (CPU ${x.cpuSeconds.toFixed(2)} s)`).join(", ")}` : `every vendor within ${TARGET_SECONDS} s`;
}
