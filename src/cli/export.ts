import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setStackConfig } from "../core/config";
import { redactSecrets, registerSecret } from "../core/errors";
import { exportRouting, printProgram, type ExportSelection } from "../export";
import { commandArgs } from "./args";
import type { Command } from "./main";

const HELP = `usage: alert-routing export [what to read] [options]

Reads routing that already exists in a vendor account and writes a Pulumi program
that adopts it unchanged (every resource has adoptExisting: true). Credentials and
endpoints come from the provider's env vars: OPSGENIE_API_KEY / OPSGENIE_API_URL,
ROOTLY_API_TOKEN / ROOTLY_API_URL, FLASHDUTY_APP_KEY / FLASHDUTY_BASE_URL (and the
<VENDOR>_RATE_LIMITS overrides). Nothing is ever written to a vendor.

What to read:
  --opsgenie-team <name|id>      an Opsgenie team's routing rules (repeatable; the default rule is left out)
  --opsgenie-all-teams           every Opsgenie team's routing rules
  --opsgenie-account <name>      read those teams from a named account of opsgenie:accounts (or
                                 OPSGENIE_ACCOUNTS): JSM Operations, Compass Operations or another
                                 Opsgenie account; the rules written carry \`account: "<name>"\`
  --rootly-routes <name,...>     Rootly alert routes by exact name (comma-separated, repeatable)
  --rootly-all                   every Rootly alert route
  --flashduty-integration <id>   a Flashduty integration's routing rule (repeatable)
  --flashduty-schema <id>        a Flashduty mapping schema's rows (repeatable)

Options:
  --stack <name>        read credentials, endpoints and rate limits from this stack's config instead
                        (secrets included, through the Automation API and the pulumi CLI); env vars
                        still fill in what the stack does not set
  --cwd <dir>           the Pulumi project of --stack; default .
  --out <dir>           write index.ts (or export.json) there; default stdout
  --format ts|json      a TypeScript program (default) or the resources' args as JSON
  --skip-unsupported    leave out objects the resources cannot represent and exit 0
                        (they are listed on stderr either way; without it the command exits 1)
`;

function envLabel(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, "Z");
}

/** The stack's config (`pulumi config --show-secrets`), where `resolveEndpoint` looks first, as in the provider. */
async function loadStackConfig(stackName: string, workDir: string): Promise<void> {
  // Loaded only for --stack: the Automation API is large.
  const { automation } = await import("@pulumi/pulumi");
  const stack = await automation.LocalWorkspace.selectStack({ stackName, workDir });
  const all = await stack.getAllConfig();
  const entries: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) {
    if (v.secret) registerSecret(v.value);
    entries[k] = v.value;
  }
  setStackConfig(entries);
}

export const exportCommand: Command = {
  summary: "write a Pulumi program that adopts the routing that exists in a vendor account",
  async run(argv) {
    const { values, helped, usage } = commandArgs("export", HELP, argv, {
      "opsgenie-team": { type: "string", multiple: true },
      "opsgenie-all-teams": { type: "boolean", default: false },
      "opsgenie-account": { type: "string" },
      "rootly-routes": { type: "string", multiple: true },
      "rootly-all": { type: "boolean", default: false },
      "flashduty-integration": { type: "string", multiple: true },
      "flashduty-schema": { type: "string", multiple: true },
      stack: { type: "string" },
      cwd: { type: "string", default: "." },
      out: { type: "string" },
      format: { type: "string", default: "ts" },
      "skip-unsupported": { type: "boolean", default: false },
    });
    if (helped) return 0;
    if (values.format !== "ts" && values.format !== "json") return usage(`--format must be ts or json, got "${values.format}"`);
    const teams = values["opsgenie-team"] ?? [];
    const routes = (values["rootly-routes"] ?? []).flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean);
    if (teams.length && values["opsgenie-all-teams"]) return usage("give --opsgenie-team or --opsgenie-all-teams, not both");
    if (routes.length && values["rootly-all"]) return usage("give --rootly-routes or --rootly-all, not both");
    if (values["opsgenie-account"] !== undefined && !teams.length && !values["opsgenie-all-teams"]) return usage("--opsgenie-account needs --opsgenie-team or --opsgenie-all-teams");
    const sel: ExportSelection = {
      opsgenie: { teams, allTeams: values["opsgenie-all-teams"], ...(values["opsgenie-account"] !== undefined ? { account: values["opsgenie-account"] } : {}) },
      rootly: { names: routes, all: values["rootly-all"] },
      flashduty: { integrations: values["flashduty-integration"] ?? [], schemas: values["flashduty-schema"] ?? [] },
    };
    const nothing = !teams.length && !sel.opsgenie!.allTeams && !routes.length && !sel.rootly!.all && !sel.flashduty!.integrations.length && !sel.flashduty!.schemas.length;
    if (nothing) return usage("say what to read (--opsgenie-team, --opsgenie-all-teams, --rootly-routes, --rootly-all, --flashduty-integration, --flashduty-schema)");

    if (values.stack) await loadStackConfig(values.stack, values.cwd);
    const doc = await exportRouting(sel, (line) => process.stderr.write(`${redactSecrets(line)}\n`));
    for (const u of doc.unsupported) {
      process.stderr.write(`unsupported: ${u.vendor} ${u.object}:\n`);
      for (const r of u.reasons) process.stderr.write(`  - ${redactSecrets(r)}\n`);
    }
    if (doc.unsupported.length && !values["skip-unsupported"]) {
      process.stderr.write(
        `alert-routing export: ${doc.unsupported.length} object${doc.unsupported.length === 1 ? "" : "s"} cannot be represented (above); nothing was written. ` +
          "Rerun with --skip-unsupported to export the rest.\n",
      );
      return 1;
    }
    const text = values.format === "json" ? `${JSON.stringify(doc, null, 2)}\n` : printProgram(doc, { generatedAt: envLabel(), command: `alert-routing export ${argv.join(" ")}` });
    if (values.out) {
      mkdirSync(values.out, { recursive: true });
      const file = join(values.out, values.format === "json" ? "export.json" : "index.ts");
      writeFileSync(file, text);
      process.stderr.write(`alert-routing export: ${doc.resources.length} resource${doc.resources.length === 1 ? "" : "s"} written to ${file}\n`);
    } else process.stdout.write(text);
    return 0;
  },
};
