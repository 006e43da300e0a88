// Platform tooling with the Automation API: one stack per team, each an inline
// program built from a routing definition file. Every team is previewed, then
// updated; progress streams with a [team] prefix, and one team's failure does
// not hide the others' results.
//
//   node examples/teams/deploy-teams.mts examples/teams/routing.json [--preview-only] [--parallel=2]
//
// Credentials come from the environment (OPSGENIE_API_KEY, OPSGENIE_API_URL...)
// or from each stack's config; the state backend from PULUMI_BACKEND_URL
// (default: a file backend in examples/teams/.state).
import * as pulumi from "@pulumi/pulumi";
import { OpsgenieTeamRoutingRule, type OpsgenieTeamRoutingRuleArgs } from "pulumi-alert-routing";
import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

type RuleDefinition = Omit<OpsgenieTeamRoutingRuleArgs, "teamId" | "teamName">;

export interface TeamDefinition {
  team: string;
  rules: RuleDefinition[];
}

export interface TeamResult {
  team: string;
  stack: string;
  ok: boolean;
  /** Resource operations the preview planned, e.g. { create: 2, same: 1 }. */
  planned?: Record<string, number>;
  applied?: Record<string, number>;
  outputs?: Record<string, unknown>;
  error?: string;
  seconds: number;
}

export interface DeployOptions {
  /** Folder with Pulumi.yaml where stack settings are kept; the provider resolves this package from here. */
  workDir?: string;
  previewOnly?: boolean;
  parallel?: number;
  /** Env for the CLI and the provider (credentials, URLs, PULUMI_* settings). */
  env?: Record<string, string>;
  /** One line of progress. */
  log?: (team: string, line: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));

export function readDefinition(file: string): TeamDefinition[] {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as { teams?: TeamDefinition[] };
  if (!Array.isArray(parsed.teams)) throw new Error(`${file}: expected {"teams": [...]}`);
  return parsed.teams;
}

/** Stack names allow letters, digits, '-', '_' and '.'. */
export const stackName = (team: string): string => team.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-");

function program(def: TeamDefinition): pulumi.automation.PulumiFn {
  return async () => {
    const rules = def.rules.map((r) => new OpsgenieTeamRoutingRule(`${stackName(def.team)}-${stackName(r.name)}`, { ...r, teamName: def.team }));
    return { ruleIds: rules.map((r) => r.ruleId) };
  };
}

async function deployTeam(def: TeamDefinition, o: Required<Omit<DeployOptions, "parallel">>): Promise<TeamResult> {
  const started = Date.now();
  const stack = stackName(def.team);
  const say = (line: string) => o.log(def.team, line);
  try {
    const s = await pulumi.automation.LocalWorkspace.createOrSelectStack(
      { stackName: stack, projectName: "team-routing", program: program(def) },
      { workDir: o.workDir, envVars: o.env },
    );
    const onOutput = (out: string) => out.split("\n").filter((l) => l.trim()).forEach(say);
    const pre = await s.preview({ onOutput });
    const planned = pre.changeSummary as Record<string, number>;
    if (o.previewOnly) return { team: def.team, stack, ok: true, planned, seconds: (Date.now() - started) / 1000 };
    const up = await s.up({ onOutput });
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    return { team: def.team, stack, ok: true, planned, applied: up.summary.resourceChanges as Record<string, number>, outputs, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    // The CLI's stderr holds the diagnostics; keep the lines that say what went wrong.
    const text = e instanceof Error ? e.message : String(e);
    const lines = text.split("\n").filter((l) => /error:/i.test(l));
    const error = (lines.length ? [...new Set(lines.map((l) => l.trim()))].slice(0, 3).join("\n") : text.split("\n")[0]).slice(0, 2000);
    say(`failed: ${error}`);
    return { team: def.team, stack, ok: false, error, seconds: (Date.now() - started) / 1000 };
  }
}

/** Previews and updates every team's stack; never throws for one team's failure. */
export async function deployTeams(teams: TeamDefinition[], opts: DeployOptions = {}): Promise<TeamResult[]> {
  const workDir = opts.workDir ?? here;
  const env = { ...opts.env };
  if (!env.PULUMI_BACKEND_URL && !process.env.PULUMI_BACKEND_URL) {
    mkdirSync(join(workDir, ".state"), { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${join(workDir, ".state")}`;
  }
  const o = { workDir, previewOnly: opts.previewOnly ?? false, env, log: opts.log ?? ((team: string, line: string) => console.log(`[${team}] ${line}`)) };
  const results: TeamResult[] = new Array(teams.length);
  let next = 0;
  const worker = async () => {
    while (next < teams.length) {
      const i = next++;
      results[i] = await deployTeam(teams[i], o);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.parallel ?? 2, teams.length)) }, worker));
  return results;
}

export function report(results: TeamResult[]): string {
  const fmt = (m?: Record<string, number>) => (m ? Object.entries(m).map(([k, v]) => `${k} ${v}`).join(", ") : "-");
  return [
    "team".padEnd(16) + "result".padEnd(8) + "planned".padEnd(28) + "applied".padEnd(28) + "seconds",
    ...results.map((r) => r.team.padEnd(16) + (r.ok ? "ok" : "FAILED").padEnd(8) + fmt(r.planned).padEnd(28) + fmt(r.applied).padEnd(28) + r.seconds.toFixed(1) + (r.error ? `\n    ${r.error.replace(/\n/g, "\n    ")}` : "")),
  ].join("\n");
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const file = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? join(here, "routing.json");
  const parallel = Number(process.argv.find((a) => a.startsWith("--parallel="))?.split("=")[1] ?? 2);
  const results = await deployTeams(readDefinition(file), { previewOnly: process.argv.includes("--preview-only"), parallel });
  console.log(`\n${report(results)}`);
  process.exitCode = results.every((r) => r.ok) ? 0 : 1;
}
