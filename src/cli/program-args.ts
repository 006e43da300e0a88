// The options by which simulate, lint and impact read a program's declared routing, and the
// `--vendor` list they share: one definition, so each command takes the same flags with the
// same meaning (a StackReference program works with `--stack-outputs` in all three).
import { readFileSync } from "node:fs";
import type { ExportDocument } from "../export/format";
import { loadProgramRouting } from "../simulator/program";
import { routingFromExport } from "../simulator/routing";
import { UsageError } from "./args";
import { VENDORS, type Routing, type Vendor } from "../simulator/types";

export const PROGRAM_OPTIONS = {
  program: { type: "string", default: "." },
  stack: { type: "string" },
  config: { type: "string", multiple: true },
  "stack-outputs": { type: "string", multiple: true },
} as const;

export const PROGRAM_HELP = `  --program <dir>        the Pulumi project (Pulumi.yaml main, package.json main, or index.ts/index.js); default .
  --stack <name>         a stack of the program: its config (secrets included) is read from the program's
                         backend with the pulumi CLI, and the program runs as that stack; default: no stack
  --config <key=val>     config the program reads, over the stack's (repeatable; ns:key, or key for the
                         project named in Pulumi.yaml); also from PULUMI_CONFIG (JSON)
  --stack-outputs <org/proj/stack=outputs.json>
                         outputs of a stack the program references with a StackReference (repeatable), as
                         \`pulumi stack output --json --show-secrets\` prints them; a stack not given is read
                         from the backend
`;

export interface ProgramValues {
  program: string;
  stack?: string;
  config?: string[];
  "stack-outputs"?: string[];
}

export function parseConfig(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const env = process.env.PULUMI_CONFIG;
  if (env) Object.assign(out, JSON.parse(env) as Record<string, string>);
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(`--config wants key=value or ns:key=value, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

function parseStackOutputs(pairs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0 || i === p.length - 1) throw new UsageError(`--stack-outputs wants org/project/stack=outputs.json, got "${p}"`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** The routing the program declares, run as `--stack` with `--config` and `--stack-outputs`. */
export function programRouting(values: ProgramValues): Promise<Routing> {
  return loadProgramRouting(values.program, {
    config: parseConfig(values.config ?? []),
    ...(values.stack ? { stack: values.stack } : {}),
    stackOutputs: parseStackOutputs(values["stack-outputs"] ?? []),
  });
}

/** An `alert-routing export --format json` document's routing. */
export function exportRouting(file: string): Routing {
  return routingFromExport(JSON.parse(readFileSync(file, "utf8")) as ExportDocument);
}

/** `--vendor` values, checked. */
export function vendorsOf(given: string[] | undefined): Vendor[] | undefined {
  return given?.map((v) => {
    if (!(VENDORS as readonly string[]).includes(v)) throw new UsageError(`--vendor must be one of ${VENDORS.join(", ")}, got "${v}"`);
    return v as Vendor;
  });
}
