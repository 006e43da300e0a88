import { lintRouting, SEVERITY_RANK, type Finding, type Severity } from "../analysis/lint";
import { parseAt } from "../simulator/simulate";
import { commandArgs } from "./args";
import type { Command } from "./main";
import { exportRouting, PROGRAM_HELP, PROGRAM_OPTIONS, programRouting } from "./program-args";

const HELP = `usage: alert-routing lint --program <dir> [options]

Static findings over the routing a Pulumi program declares (run in-process under
Pulumi's mocks: no engine, no vendor calls): rules that can never match, time
restrictions that never hold, hours when an alert reaches no one, rules after a
catch-all, rules without a target.

${PROGRAM_HELP}  --routing <file>       instead of --program: an \`alert-routing export --format json\` document (what is live)
  --format <f>           text (default), json ({ "findings": [...] }) or markdown
  --fail-on <severity>   exit 1 when a finding at or above it is found: error (default), warning, info, or never
  --at <ISO time>        the year analysed for time restrictions starts here; default now
  --account-timezone <tz>  Opsgenie account timezone for rules without one; default UTC
`;

const FAIL_ON = ["error", "warning", "info", "never"] as const;

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
const MAX_WINDOWS = 6;

function windowsLine(f: Finding): string | undefined {
  if (!f.windows?.length) return undefined;
  const shown = f.windows.slice(0, MAX_WINDOWS).map((w) => `${w.from} - ${w.to}`);
  return `${shown.join("; ")}${f.windows.length > MAX_WINDOWS ? `; and ${f.windows.length - MAX_WINDOWS} more` : ""} (${f.windows[0].timezone})`;
}

export function formatText(findings: Finding[]): string {
  if (!findings.length) return "no findings\n";
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.severity.padEnd(7)} ${f.kind.padEnd(15)} ${f.vendor} ${f.unit}: ${f.rules.length ? `${JSON.stringify(f.rules[0])}: ` : ""}${f.why}`);
    if (f.resources.length) lines.push(`        resources: ${f.resources.join(", ")}`);
    const w = windowsLine(f);
    if (w) lines.push(`        when: ${w}`);
  }
  lines.push("", summary(findings));
  return `${lines.join("\n")}\n`;
}

function summary(findings: Finding[]): string {
  const by = (s: Severity) => findings.filter((f) => f.severity === s).length;
  return `${plural(findings.length, "finding")}: ${by("error")} error, ${by("warning")} warning, ${by("info")} info`;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function formatMarkdown(findings: Finding[]): string {
  if (!findings.length) return "### Routing lint\n\nNo findings.\n";
  const rows = [...findings].sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity]);
  const lines = ["### Routing lint", "", summary(findings), "", "| severity | kind | vendor | unit | rules | why |", "|---|---|---|---|---|---|"];
  for (const f of rows) {
    const w = windowsLine(f);
    lines.push(`| ${f.severity} | ${f.kind} | ${f.vendor} | ${cell(f.unit)} | ${cell(f.rules.join(", "))} | ${cell(f.why)}${w ? ` (when: ${cell(w)})` : ""} |`);
  }
  return `${lines.join("\n")}\n`;
}

export const lintCommand: Command = {
  summary: "static findings over a program's declared routing (dead rules, coverage gaps, ...)",
  async run(argv) {
    const { values, helped, usage } = commandArgs("lint", HELP, argv, {
      ...PROGRAM_OPTIONS,
      routing: { type: "string" },
      format: { type: "string", default: "text" },
      "fail-on": { type: "string", default: "error" },
      at: { type: "string" },
      "account-timezone": { type: "string" },
    });
    if (helped) return 0;
    const format = values.format;
    if (format !== "text" && format !== "json" && format !== "markdown") return usage(`--format must be text, json or markdown, got "${format}"`);
    const failOn = values["fail-on"] as (typeof FAIL_ON)[number];
    if (!FAIL_ON.includes(failOn)) return usage(`--fail-on must be one of ${FAIL_ON.join(", ")}, got "${values["fail-on"]}"`);
    const routing = values.routing ? exportRouting(values.routing) : await programRouting(values);
    const findings = lintRouting(routing, { at: parseAt(values.at), ...(values["account-timezone"] ? { accountTimezone: values["account-timezone"] } : {}) });
    const text = format === "json" ? `${JSON.stringify({ findings }, null, 2)}\n` : format === "markdown" ? formatMarkdown(findings) : formatText(findings);
    process.stdout.write(text);
    if (failOn === "never") return 0;
    return findings.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK[failOn]) ? 1 : 0;
  },
};
