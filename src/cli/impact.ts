import { existsSync, readFileSync, statSync } from "node:fs";
import { recentAlerts } from "../analysis/recent";
import { impact, impactMarkdown, impactText, type CorpusAlert } from "../analysis/impact";
import { addRegistered, emptyRouting } from "../simulator/routing";
import { VENDORS, type Routing, type Vendor } from "../simulator/types";
import { commandArgs } from "./args";
import type { Command } from "./main";
import { exportRouting, PROGRAM_HELP, PROGRAM_OPTIONS, programRouting, vendorsOf } from "./program-args";

const HELP = `usage: alert-routing impact --base <stack|export.json> --program <dir> (--alerts <file.jsonl> | --recent <N>) [options]

Replays a corpus of alerts through the routing before (a stack's state, or an
\`alert-routing export --format json\` document) and after (the program), offline,
and reports which alerts change destination.

  --base <stack|file>    before: a .json export document, or the name of a stack of --cwd whose state is read
  --cwd <dir>            the Pulumi project of a --base stack; default: --program

after, the program:
${PROGRAM_HELP}
  --alerts <file.jsonl>  the corpus: one alert a line, in the shape \`simulate --alert\` reads
                         (an optional "at" ISO time per line: when it fired)
  --recent <N>           instead: the last N alerts of each vendor's alert API (Opsgenie, Rootly,
                         Flashduty; credentials from the provider's env vars), paced, progress on stderr
  --vendor <name>        opsgenie, rootly or flashduty (repeatable): only these; with one, a line may
                         hold that vendor's alert alone
  --at <ISO time>        when alerts without "at" fired; default now
  --account-timezone <tz>  Opsgenie account timezone for rules without one; default UTC
  --format <f>           text (default), json or markdown (a PR comment)
  --allow-unrouted       exit 0 even when an alert would now reach nobody (otherwise exit 2)
`;

/** The routing recorded in a stack's state (its resources' inputs), read through the Automation API. */
export async function stackRouting(stackName: string, workDir: string): Promise<Routing> {
  const { automation } = await import("@pulumi/pulumi");
  const stack = await automation.LocalWorkspace.selectStack({ stackName, workDir });
  const state = (await stack.exportStack()) as { deployment?: { resources?: { urn: string; type: string; inputs?: Record<string, unknown> }[] } };
  const routing = emptyRouting();
  for (const r of state.deployment?.resources ?? []) addRegistered(routing, r.type, r.urn.split("::").pop() ?? r.urn, r.inputs ?? {});
  return routing;
}

export function readCorpus(file: string, vendors: Vendor[] | undefined): CorpusAlert[] {
  const out: CorpusAlert[] = [];
  for (const [i, line] of readFileSync(file, "utf8").split("\n").entries()) {
    if (!line.trim()) continue;
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${i + 1}: not JSON (${(e as Error).message})`);
    }
    if (VENDORS.some((v) => v in raw)) out.push(raw as CorpusAlert);
    else if (vendors?.length === 1) out.push({ [vendors[0]]: raw });
    else throw new Error(`${file}:${i + 1}: put the alert under "opsgenie", "rootly" or "flashduty" keys, or pass one --vendor`);
  }
  return out;
}

export const impactCommand: Command = {
  summary: "which alerts would a routing change send elsewhere (or to nobody)?",
  async run(argv) {
    const { values, helped, usage } = commandArgs("impact", HELP, argv, {
      base: { type: "string" },
      cwd: { type: "string" },
      ...PROGRAM_OPTIONS,
      alerts: { type: "string" },
      recent: { type: "string" },
      vendor: { type: "string", multiple: true },
      at: { type: "string" },
      "account-timezone": { type: "string" },
      format: { type: "string", default: "text" },
      "allow-unrouted": { type: "boolean", default: false },
    });
    if (helped) return 0;
    if (!values.base) return usage("--base is required");
    if (!values.alerts === !values.recent) return usage("give --alerts <file.jsonl> or --recent <N> (one of them)");
    const format = values.format;
    if (format !== "text" && format !== "json" && format !== "markdown") return usage(`--format must be text, json or markdown, got "${format}"`);
    const vendors = vendorsOf(values.vendor);
    let alerts: CorpusAlert[];
    if (values.alerts) alerts = readCorpus(values.alerts, vendors);
    else {
      const n = Number(values.recent);
      if (!Number.isInteger(n) || n < 1) return usage(`--recent wants a positive whole number, got "${values.recent}"`);
      alerts = await recentAlerts(n, { vendors: vendors ?? [...VENDORS], strict: !!vendors, progress: (line) => process.stderr.write(`${line}\n`) });
      process.stderr.write(`alert-routing impact: ${alerts.length} recent alert${alerts.length === 1 ? "" : "s"} read\n`);
    }
    // A file is an export document; anything else names a stack.
    const base = existsSync(values.base) && statSync(values.base).isFile() ? exportRouting(values.base) : await stackRouting(values.base, values.cwd ?? values.program);
    const after = await programRouting(values);
    const report = impact(base, after, alerts, { ...(values.at ? { at: values.at } : {}), ...(vendors ? { vendors } : {}), ...(values["account-timezone"] ? { accountTimezone: values["account-timezone"] } : {}) });
    process.stdout.write(format === "json" ? `${JSON.stringify(report, null, 2)}\n` : format === "markdown" ? impactMarkdown(report) : impactText(report));
    if (report.nowUnrouted > 0 && !values["allow-unrouted"]) {
      process.stderr.write(`alert-routing impact: ${report.nowUnrouted} alert${report.nowUnrouted === 1 ? "" : "s"} would now reach nobody (--allow-unrouted to accept)\n`);
      return 2;
    }
    return 0;
  },
};
