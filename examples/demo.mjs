// `npm run demo`: starts the bundled Flashduty, Rootly and Opsgenie emulators,
// runs the top-level Pulumi.yaml program (examples/program) with the real
// `pulumi` CLI on a throwaway file backend, shows what happened, previews a
// change, and cleans up. Exits non-zero if any step fails.
//   --keep   leave the stack and the emulators running (Ctrl-C to stop) to try commands yourself
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const { startAll, envFor } = require(join(root, "dist", "emulator", "index.js"));
const keep = process.argv.includes("--keep");
const STACK = "demo";

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (s) => console.log(`\n${bold(`== ${s}`)}`);

const bin = execFileSync(process.execPath, [join(root, "scripts", "ensure-pulumi.mjs"), "--print-bin"], { encoding: "utf8" }).trim().split("\n").pop();
const home = mkdtempSync(join(tmpdir(), "alert-routing-demo-"));
const backend = join(home, "backend");
// The stack's config file lands beside Pulumi.yaml (gitignored) and is removed at the end.
const configFile = join(root, `Pulumi.${STACK}.yaml`);
rmSync(configFile, { force: true });

/** Runs the CLI in the repo root; resolves with its output, rejects on a non-zero exit. */
function pulumi(args, { env = {}, quiet = false, allowFail = false } = {}) {
  return new Promise((resolveRun, reject) => {
    const p = spawn("pulumi", [...args, "--non-interactive"], { cwd: root, env: { ...baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    p.stdout.on("data", (d) => {
      out += d;
      if (!quiet) process.stdout.write(d);
    });
    p.stderr.on("data", (d) => {
      out += d;
      if (!quiet) process.stderr.write(d);
    });
    p.on("close", (code) => (code === 0 || allowFail ? resolveRun({ code, out }) : reject(new Error(`pulumi ${args.join(" ")} failed (exit ${code})${quiet ? `:\n${out}` : ""}`))));
  });
}

let baseEnv = {};
let emulators;

async function main() {
  step("Starting the emulators");
  // Rootly's documented 3 writes/min is kept; the demo makes only a few writes.
  emulators = await startAll({ seed: true });
  const vendorEnv = envFor(emulators);
  for (const [name, e] of Object.entries({ Flashduty: emulators.flashduty, Rootly: emulators.rootly, Opsgenie: emulators.opsgenie })) console.log(`  ${name.padEnd(9)} ${e.server.url}`);

  baseEnv = {
    ...process.env,
    ...vendorEnv,
    PATH: [bin, join(root, "node_modules", ".bin"), dirname(process.execPath), process.env.PATH].join(":"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "alert-routing-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_HOME: join(home, "pulumi-home"),
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  execFileSync("mkdir", ["-p", backend]);

  step(`Creating stack "${STACK}" on a local file backend (${backend})`);
  await pulumi(["stack", "init", STACK], { quiet: true });
  const r = emulators.rootly.demoIds;
  const settings = {
    "demo:integrationId": "6113996590131",
    "demo:sreChannelId": "2533748993131",
    "demo:defaultChannelId": "3521074710131",
    "demo:paymentsChannelId": "3521074710132",
    "demo:mappingSchemaId": "665f1a2b3c4d5e6f7a8b9c01",
    "demo:mappingHosts": "300",
    "demo:rootlyAlertSourceId": r["alertSource:Datadog"],
    "demo:rootlyPaymentsEscalationId": r["escalationPolicy:Payments escalation"],
    "demo:rootlyFallbackEscalationId": r["escalationPolicy:Primary escalation"],
    "demo:opsgenieTeam": "Platform",
  };
  await pulumi(["config", "set-all", ...Object.entries(settings).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`])], { quiet: true });
  console.log(`  config: ${Object.keys(settings).join(", ")}`);

  step("pulumi up");
  await pulumi(["up", "--yes"]);

  step("Stack outputs");
  const outputs = JSON.parse((await pulumi(["stack", "output", "--json"], { quiet: true })).out);
  console.log(JSON.stringify(outputs, null, 2));

  step("What the emulators now hold");
  const fdRoute = emulators.flashduty.routes.get(6113996590131);
  console.log(`  Flashduty route of integration 6113996590131: version ${fdRoute?.version}, ${fdRoute?.cases.length} cases, default -> channel ${fdRoute?.default?.channel_ids.join(", ")}`);
  const rows = emulators.flashduty.data.get("665f1a2b3c4d5e6f7a8b9c01");
  console.log(`  Flashduty mapping schema "CMDB Lookup": ${rows?.size} rows (2 were there before; the program manages 300)`);
  for (const route of emulators.rootly.routes.values()) {
    const rules = [...(route.rules ?? [])].sort((a, b) => a.position - b.position);
    console.log(`  Rootly route "${route.name}": ${rules.map((x) => `${x.position}. ${x.name}${x.fallback_rule ? " (fallback)" : ""}`).join(", ")}`);
  }
  for (const team of emulators.opsgenie.teams.values()) {
    console.log(`  Opsgenie team ${team.name}: ${team.rules.map((x, i) => `${i}. ${x.name}${x.isDefault ? " (default)" : ""}`).join(", ")}`);
  }
  if (rows?.size !== 302) throw new Error(`expected 302 mapping rows, found ${rows?.size}`);

  step("A second preview: no changes, and no API calls");
  const logged = () => emulators.flashduty.server.log.length + emulators.rootly.server.log.length + emulators.opsgenie.server.log.length;
  const before = logged();
  await pulumi(["preview", "--expect-no-changes"]);
  console.log(`  API calls during the preview: ${logged() - before}`);
  if (logged() !== before) throw new Error("the steady-state preview called a vendor API");

  step("Changing a rule: business hours end at 19:00 instead of 18:00");
  console.log(`  $ pulumi config set demo:businessHoursEnd 19 && pulumi preview --diff`);
  await pulumi(["config", "set", "demo:businessHoursEnd", "19"], { quiet: true });
  const diff = await pulumi(["preview", "--diff"]);
  if (!/endHour\s*:\s*18\s*=>\s*19|18\s*=>\s*19/.test(diff.out)) throw new Error("the preview did not show the business-hours change");
  await pulumi(["config", "rm", "demo:businessHoursEnd"], { quiet: true });

  if (keep) {
    step("Left running (Ctrl-C stops the emulators; the stack's backend is temporary)");
    console.log(`In another terminal, from ${root}:`);
    for (const [k, v] of Object.entries({ ...vendorEnv, PATH: `${bin}:${join(root, "node_modules", ".bin")}:$PATH`, PULUMI_BACKEND_URL: `file://${backend}`, PULUMI_CONFIG_PASSPHRASE: "alert-routing-demo", PULUMI_HOME: join(home, "pulumi-home") }))
      console.log(`  export ${k}=${v}`);
    console.log(`  pulumi config set demo:businessHoursEnd 20`);
    console.log(`  pulumi preview --diff`);
    console.log(`  pulumi up`);
    console.log(`  pulumi destroy`);
    await new Promise((r) => process.on("SIGINT", r));
  } else {
    console.log(`\n  To try changes yourself: npm run demo -- --keep`);
  }

  step("Cleaning up: pulumi destroy");
  await pulumi(["destroy", "--yes"]);
  const left = [...emulators.opsgenie.teams.values()].flatMap((t) => t.rules.filter((x) => !x.isDefault));
  if (left.length || emulators.rootly.routes.size) throw new Error("destroy left objects behind");
  await pulumi(["stack", "rm", "--yes", "--force", STACK], { quiet: true, allowFail: true });
}

main()
  .then(async () => {
    await emulators?.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(configFile, { force: true });
    console.log(`\n${bold("Demo finished.")} Everything ran against local emulators and was destroyed; the temporary backend is removed.`);
  })
  .catch(async (e) => {
    console.error(`\ndemo failed: ${e.message}`);
    await emulators?.stop();
    console.error(`The demo's temporary backend is kept for inspection: ${home}`);
    process.exit(1);
  });
