// Platform tooling with the Automation API: one stack per team, each an inline
// program built from a routing definition file. Every team is previewed, then
// updated; progress comes from the engine's events with a [team] prefix, and one
// team's failure does not hide the others' results.
//
//   node examples/teams/deploy-teams.mts [routing.json] [--preview-only] [--parallel 3] [--prune] [--results out.json]
//   node examples/teams/deploy-teams.mts --print-schema     (the routing file's JSON Schema)
//
// Credentials come from the environment (OPSGENIE_API_KEY, OPSGENIE_API_URL...)
// or from each stack's config; the state backend from PULUMI_BACKEND_URL
// (default: a file backend in examples/teams/.state).
import * as pulumi from "@pulumi/pulumi";
import { OpsgenieTeamRoutingRule, type OpsgenieTeamRoutingRuleArgs } from "pulumi-alert-routing";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";

type RuleDefinition = Omit<OpsgenieTeamRoutingRuleArgs, "teamId" | "teamName">;

/**
 * The routing file. Rules are checked field by field by the resource itself (with
 * property paths) at preview; here only the shape that this tool relies on.
 */
export const routingFileSchema = z.strictObject({
  $schema: z.string().optional(),
  teams: z
    .array(
      z.strictObject({
        team: z.string().trim().min(1).describe("The Opsgenie team name"),
        rules: z.array(z.looseObject({ name: z.string().trim().min(1).describe("The routing rule's name, unique in the team") })).describe("The team's routing rules, as OpsgenieTeamRoutingRule arguments without teamId/teamName"),
      }),
    )
    .describe("One stack per team"),
});

export interface TeamDefinition {
  team: string;
  rules: RuleDefinition[];
}

export interface TeamResult {
  team: string;
  stack: string;
  ok: boolean;
  /** What was done: "deployed", "previewed", or "destroyed" (pruned). */
  action: "deployed" | "previewed" | "destroyed";
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
  /** Destroy and remove the stacks of teams that are no longer in the definition. */
  prune?: boolean;
  /** Env for the CLI and the provider (credentials, URLs, PULUMI_* settings). */
  env?: Record<string, string>;
  /** One line of progress. */
  log?: (team: string, line: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const PROJECT = "team-routing";

export function readDefinition(file: string): TeamDefinition[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const r = routingFileSchema.safeParse(raw);
  if (!r.success) throw new Error(`${file}: ${r.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ")}`);
  const teams = r.data.teams as TeamDefinition[];
  const stacks = teams.map((t) => stackName(t.team));
  const dup = stacks.find((s, i) => stacks.indexOf(s) !== i);
  if (dup) throw new Error(`${file}: two teams map to the stack name "${dup}"`);
  return teams;
}

/** Stack names allow letters, digits, '-', '_' and '.'. */
export const stackName = (team: string): string => team.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-");

function program(def: TeamDefinition): pulumi.automation.PulumiFn {
  return async () => {
    const rules = def.rules.map((r) => new OpsgenieTeamRoutingRule(`${stackName(def.team)}-${stackName(r.name)}`, { ...r, teamName: def.team }));
    return { ruleIds: rules.map((r) => r.ruleId) };
  };
}

/** Progress lines and error diagnostics from the engine's events (not the CLI's text). */
function eventSink(say: (line: string) => void, phase: "plan" | "apply") {
  const errors: string[] = [];
  const ours = (type: string) => type !== "pulumi:pulumi:Stack" && !type.startsWith("pulumi:providers:");
  const onEvent = (e: pulumi.automation.EngineEvent) => {
    const out = e.resOutputsEvent?.metadata;
    if (out && ours(out.type) && out.op !== "same") say(`${phase === "plan" ? "plan: " : ""}${out.op} ${out.type.replace("pulumi-nodejs:dynamic/", "")} ${out.urn.split("::").pop()}`);
    const failed = e.resOpFailedEvent?.metadata;
    if (failed) say(`${failed.op} of ${failed.urn.split("::").pop()} did not succeed`);
    const d = e.diagnosticEvent;
    if (!d) return;
    const text = d.message.replace(/\u001b\[[0-9;]*m/g, "").trim();
    if (d.severity === "error") {
      if (text && !errors.includes(text)) errors.push(text);
    } else if (d.severity === "warning" || d.severity === "info#err") {
      for (const line of text.split("\n").filter((l) => l.trim())) say(line);
    }
  };
  return { onEvent, errors };
}

function errorText(e: unknown, diagnostics: string[]): string {
  // The engine's own error diagnostics say what went wrong; the exception repeats them inside the CLI's output.
  const useful = diagnostics.filter((d) => !/^update failed$|^preview failed$/i.test(d));
  if (useful.length) return useful.join("\n").slice(0, 2000);
  const text = e instanceof Error ? e.message : String(e);
  const lines = [...new Set(text.split("\n").filter((l) => /error:/i.test(l)).map((l) => l.trim()))];
  return (lines.length ? lines.slice(0, 3).join("\n") : text.split("\n")[0]).slice(0, 2000);
}

async function deployTeam(def: TeamDefinition, o: Resolved): Promise<TeamResult> {
  const started = Date.now();
  const stack = stackName(def.team);
  const say = (line: string) => o.log(def.team, line);
  const plan = eventSink(say, "plan");
  const apply = eventSink(say, "apply");
  const seconds = () => (Date.now() - started) / 1000;
  try {
    const s = await pulumi.automation.LocalWorkspace.createOrSelectStack({ stackName: stack, projectName: PROJECT, program: program(def) }, { workDir: o.workDir, envVars: o.env });
    const pre = await s.preview({ onEvent: plan.onEvent });
    const planned = pre.changeSummary as Record<string, number>;
    if (o.previewOnly) return { team: def.team, stack, ok: true, action: "previewed", planned, seconds: seconds() };
    const up = await s.up({ onEvent: apply.onEvent });
    const outputs = Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value]));
    return { team: def.team, stack, ok: true, action: "deployed", planned, applied: up.summary.resourceChanges as Record<string, number>, outputs, seconds: seconds() };
  } catch (e) {
    const error = errorText(e, [...new Set([...plan.errors, ...apply.errors])]);
    say(`failed: ${error.split("\n")[0]}`);
    return { team: def.team, stack, ok: false, action: o.previewOnly ? "previewed" : "deployed", error, seconds: seconds() };
  }
}

async function pruneStack(stack: string, o: Resolved): Promise<TeamResult> {
  const started = Date.now();
  const sink = eventSink((line) => o.log(stack, line), "apply");
  try {
    const s = await pulumi.automation.LocalWorkspace.selectStack({ stackName: stack, projectName: PROJECT, program: async () => undefined }, { workDir: o.workDir, envVars: o.env });
    if (o.previewOnly) {
      const pre = await s.preview({ onEvent: sink.onEvent });
      return { team: stack, stack, ok: true, action: "previewed", planned: pre.changeSummary as Record<string, number>, seconds: (Date.now() - started) / 1000 };
    }
    const down = await s.destroy({ onEvent: sink.onEvent });
    await s.workspace.removeStack(stack);
    return { team: stack, stack, ok: true, action: "destroyed", applied: down.summary.resourceChanges as Record<string, number>, seconds: (Date.now() - started) / 1000 };
  } catch (e) {
    return { team: stack, stack, ok: false, action: "destroyed", error: errorText(e, sink.errors), seconds: (Date.now() - started) / 1000 };
  }
}

type Resolved = Required<Omit<DeployOptions, "parallel" | "prune">>;

async function pool<T>(items: T[], parallel: number, fn: (t: T) => Promise<TeamResult>): Promise<TeamResult[]> {
  const results: TeamResult[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(parallel, items.length)) }, worker));
  return results;
}

/** Previews and updates every team's stack (and prunes removed teams); never throws for one team's failure. */
export async function deployTeams(teams: TeamDefinition[], opts: DeployOptions = {}): Promise<TeamResult[]> {
  const workDir = opts.workDir ?? here;
  const env = { ...opts.env };
  if (!env.PULUMI_BACKEND_URL && !process.env.PULUMI_BACKEND_URL) {
    mkdirSync(join(workDir, ".state"), { recursive: true });
    env.PULUMI_BACKEND_URL = `file://${join(workDir, ".state")}`;
  }
  const o: Resolved = { workDir, previewOnly: opts.previewOnly ?? false, env, log: opts.log ?? ((team, line) => console.log(`[${team}] ${line}`)) };
  const parallel = opts.parallel ?? 2;
  const results = await pool(teams, parallel, (t) => deployTeam(t, o));
  if (!opts.prune) return results;
  const ws = await pulumi.automation.LocalWorkspace.create({ workDir, envVars: env, projectSettings: { name: PROJECT, runtime: "nodejs" } });
  const wanted = new Set(teams.map((t) => stackName(t.team)));
  const stale = (await ws.listStacks()).map((s) => s.name.split("/").pop()!).filter((n) => !wanted.has(n));
  return [...results, ...(await pool(stale, parallel, (s) => pruneStack(s, o)))];
}

export function report(results: TeamResult[]): string {
  const fmt = (m?: Record<string, number>) => (m ? Object.entries(m).map(([k, v]) => `${k} ${v}`).join(", ") : "-");
  return [
    "team".padEnd(16) + "result".padEnd(11) + "planned".padEnd(28) + "applied".padEnd(28) + "seconds",
    ...results.map(
      (r) =>
        r.team.padEnd(16) +
        (r.ok ? r.action : "FAILED").padEnd(11) +
        fmt(r.planned).padEnd(28) +
        fmt(r.applied).padEnd(28) +
        r.seconds.toFixed(1) +
        (r.error ? `\n    ${r.error.replace(/\n/g, "\n    ")}` : ""),
    ),
  ].join("\n");
}

const USAGE = "usage: deploy-teams.mts [routing.json] [--preview-only] [--parallel N] [--prune] [--results FILE] | --print-schema";

/** Parses the command line; a bad value is a usage error (exit 2), not a crash. */
export function parseCommandLine(argv: string[]): { file: string; previewOnly: boolean; parallel: number; prune: boolean; results?: string; printSchema: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "preview-only": { type: "boolean", default: false },
      parallel: { type: "string", default: "2" },
      prune: { type: "boolean", default: false },
      results: { type: "string" },
      "print-schema": { type: "boolean", default: false },
    },
  });
  if (positionals.length > 1) throw new Error(`expected one routing file, got ${positionals.length}`);
  const parallel = Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 32) throw new Error(`--parallel must be a whole number from 1 to 32, got "${values.parallel}"`);
  return { file: positionals[0] ?? join(here, "routing.json"), previewOnly: values["preview-only"], parallel, prune: values.prune, results: values.results, printSchema: values["print-schema"] };
}

export const routingJsonSchema = () => ({ $id: "routing.schema.json", ...z.toJSONSchema(routingFileSchema) });

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  let cli: ReturnType<typeof parseCommandLine>;
  let teams: TeamDefinition[] = [];
  try {
    cli = parseCommandLine(process.argv.slice(2));
    if (!cli.printSchema) teams = readDefinition(cli.file);
  } catch (e) {
    console.error(`deploy-teams: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (cli.printSchema) {
    console.log(JSON.stringify(routingJsonSchema(), null, 2));
  } else {
    const results = await deployTeams(teams, { previewOnly: cli.previewOnly, parallel: cli.parallel, prune: cli.prune });
    console.log(`\n${report(results)}`);
    if (cli.results) writeFileSync(cli.results, `${JSON.stringify(results, null, 2)}\n`);
    process.exitCode = results.every((r) => r.ok) ? 0 : 1;
  }
}
