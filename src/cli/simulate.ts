import { readFileSync } from "node:fs";
import { explain } from "../simulator/explain";
import { loadProgramRouting } from "../simulator/program";
import { hasRealMatch, simulate } from "../simulator/simulate";
import { VENDORS, type SimAlert, type Vendor } from "../simulator/types";
import { commandArgs } from "./args";
import type { Command } from "./main";
import type { ExportDocument } from "../export/format";
import { routingFromExport } from "../simulator/routing";

const HELP = `usage: alert-routing simulate --program <dir> --alert <alert.json> [options]

Runs the Pulumi program in-process under Pulumi's mocks (no engine, no vendor
calls), reads the routing it declares, and prints where the alert would go.

  --program <dir>        the Pulumi project (Pulumi.yaml main, package.json main, or index.ts/index.js); default .
  --routing <file>       instead of --program: an \`alert-routing export --format json\` document
  --alert <file>         the alert: {"opsgenie": {...}, "rootly": {...}, "flashduty": {...}}; with one --vendor,
                         the file may hold that vendor's alert alone
  --at <ISO time>        when the alert fires (Opsgenie time restrictions); default now
  --vendor <name>        opsgenie, rootly or flashduty (repeatable); default every vendor in the alert
  --stack <name>         a stack of the program: its config (secrets included) is read from the program's
                         backend with the pulumi CLI, and the program runs as that stack; default: no stack
  --config <key=val>     config the program reads, over the stack's (repeatable; ns:key, or key for the
                         project named in Pulumi.yaml); also from PULUMI_CONFIG (JSON)
  --stack-outputs <org/proj/stack=outputs.json>
                         outputs of a stack the program references with a StackReference (repeatable), as
                         \`pulumi stack output --json --show-secrets\` prints them; a stack not given is read
                         from the backend
  --opsgenie-case-sensitive  compare Opsgenie string operations case-sensitively (taken as case-insensitive:
                         Opsgenie's docs are silent)
  --account-timezone <tz>  Opsgenie account timezone for rules without one; default UTC
  --expect-match         exit 1 when no declared rule matched (only defaults/fallbacks, or nothing)
  --json                 print the result as JSON instead of the explanation
`;

export function parseConfig(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const env = process.env.PULUMI_CONFIG;
  if (env) Object.assign(out, JSON.parse(env) as Record<string, string>);
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new Error(`--config wants key=value or ns:key=value, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function parseStackOutputs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0 || i === p.length - 1) throw new Error(`--stack-outputs wants org/project/stack=outputs.json, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

export function readAlert(file: string, vendors: Vendor[] | undefined): SimAlert {
  const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const hasVendorKeys = VENDORS.some((v) => v in raw);
  if (hasVendorKeys) return raw as SimAlert;
  if (vendors?.length === 1) return { [vendors[0]]: raw } as SimAlert;
  throw new Error(`${file}: put the alert under "opsgenie", "rootly" or "flashduty" keys, or pass one --vendor`);
}

export const simulateCommand: Command = {
  summary: "where would this alert go? (from a program's declared routing, offline)",
  async run(argv) {
    const { values, helped, usage } = commandArgs("simulate", HELP, argv, {
      program: { type: "string", default: "." },
      routing: { type: "string" },
      alert: { type: "string" },
      at: { type: "string" },
      vendor: { type: "string", multiple: true },
      config: { type: "string", multiple: true },
      stack: { type: "string" },
      "stack-outputs": { type: "string", multiple: true },
      "opsgenie-case-sensitive": { type: "boolean", default: false },
      "account-timezone": { type: "string" },
      "expect-match": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (helped) return 0;
    if (!values.alert) return usage("--alert is required");
    const vendors = values.vendor?.map((v) => {
      if (!(VENDORS as readonly string[]).includes(v)) throw new Error(`--vendor must be one of ${VENDORS.join(", ")}, got "${v}"`);
      return v as Vendor;
    });
    const alert = readAlert(values.alert, vendors);
    const routing = values.routing
      ? routingFromExport(JSON.parse(readFileSync(values.routing, "utf8")) as ExportDocument)
      : await loadProgramRouting(values.program, { config: parseConfig(values.config ?? []), stack: values.stack, stackOutputs: parseStackOutputs(values["stack-outputs"] ?? []) });
    const result = simulate(routing, alert, { at: values.at, vendors, accountTimezone: values["account-timezone"], opsgenieCaseSensitive: values["opsgenie-case-sensitive"] || undefined });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${explain(result)}\n`);
    if (values["expect-match"] && !hasRealMatch(result)) {
      process.stderr.write("alert-routing simulate: --expect-match: no declared rule matched this alert (only defaults/fallbacks, or nothing)\n");
      return 1;
    }
    return 0;
  },
};
