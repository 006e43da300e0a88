import { readFileSync } from "node:fs";
import { explain } from "../simulator/explain";
import { hasRealMatch, simulate } from "../simulator/simulate";
import { VENDORS, type SimAlert, type Vendor } from "../simulator/types";
import { commandArgs } from "./args";
import type { Command } from "./main";
import { exportRouting, PROGRAM_HELP, PROGRAM_OPTIONS, programRouting, vendorsOf } from "./program-args";

const HELP = `usage: alert-routing simulate --program <dir> --alert <alert.json> [options]

Runs the Pulumi program in-process under Pulumi's mocks (no engine, no vendor
calls), reads the routing it declares, and prints where the alert would go.

${PROGRAM_HELP}  --routing <file>       instead of --program: an \`alert-routing export --format json\` document
  --alert <file>         the alert: {"opsgenie": {...}, "rootly": {...}, "flashduty": {...}}; with one --vendor,
                         the file may hold that vendor's alert alone
  --at <ISO time>        when the alert fires (Opsgenie time restrictions); default now
  --vendor <name>        opsgenie, rootly or flashduty (repeatable); default every vendor in the alert
  --opsgenie-case-sensitive  compare Opsgenie string operations case-sensitively (taken as case-insensitive:
                         Opsgenie's docs are silent)
  --account-timezone <tz>  Opsgenie account timezone for rules without one; default UTC
  --expect-match         exit 1 when no declared rule matched (only defaults/fallbacks, or nothing)
  --json                 print the result as JSON instead of the explanation
`;

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
      ...PROGRAM_OPTIONS,
      routing: { type: "string" },
      alert: { type: "string" },
      at: { type: "string" },
      vendor: { type: "string", multiple: true },
      "opsgenie-case-sensitive": { type: "boolean", default: false },
      "account-timezone": { type: "string" },
      "expect-match": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    });
    if (helped) return 0;
    if (!values.alert) return usage("--alert is required");
    const vendors = vendorsOf(values.vendor);
    const alert = readAlert(values.alert, vendors);
    const routing = values.routing ? exportRouting(values.routing) : await programRouting(values);
    const result = simulate(routing, alert, { at: values.at, vendors, accountTimezone: values["account-timezone"], opsgenieCaseSensitive: values["opsgenie-case-sensitive"] || undefined });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : `${explain(result)}\n`);
    if (values["expect-match"] && !hasRealMatch(result)) {
      process.stderr.write("alert-routing simulate: --expect-match: no declared rule matched this alert (only defaults/fallbacks, or nothing)\n");
      return 1;
    }
    return 0;
  },
};
