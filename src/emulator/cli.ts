#!/usr/bin/env node
// Starts the Flashduty, Rootly and Opsgenie emulators and prints where they are.
//   alert-routing-emulators [--no-seed] [--json] [--rootly-time-scale=0.05]
// Prints where they are, what they were seeded with (ids to put in a program) and a
// config snippet pointing a stack at them. With --json, one line
// {"env": {...}, "urls": {...}, "seeded": {vendor: {"<kind>:<name>": id}}, "config": [...]} goes to stdout for scripts.
import { configFor, emulatorNames, envFor, seededFor, startAll } from "./all";
import "../vendors";

/** The seeded objects per vendor, grouped by kind: `  team          Platform = 0e4a...`. */
function seededLines(seeded: Record<string, Record<string, string>>): string[] {
  const vendors = Object.entries(seeded).filter(([, ids]) => Object.keys(ids).length > 0);
  if (!vendors.length) return [];
  const lines = ["Seeded objects to route to (kind, name = id):"];
  for (const [vendor, ids] of vendors) {
    lines.push(`  ${vendor}`);
    for (const [key, id] of Object.entries(ids)) {
      const at = key.indexOf(":");
      lines.push(`    ${key.slice(0, at).padEnd(16)} ${key.slice(at + 1)} = ${id}`);
    }
  }
  return [...lines, ""];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scaleArg = args.find((a) => a.startsWith("--rootly-time-scale="));
  const running = await startAll({ seed: !args.includes("--no-seed"), rootlyTimeScale: scaleArg ? Number(scaleArg.split("=")[1]) : 1 });
  const env = envFor(running);
  const seeded = seededFor(running);
  const config = configFor(running);
  if (args.includes("--json")) {
    process.stdout.write(JSON.stringify({ env, urls: Object.fromEntries(emulatorNames().map((name) => [name, running[name].server.url])), seeded, config }) + "\n");
  } else {
    process.stdout.write(
      [
        "Emulators running (Ctrl-C stops them):",
        ...emulatorNames().map((name) => `  ${name.padEnd(10)} ${running[name].server.url}`),
        "",
        "Point the resources at them (these credentials work only here):",
        ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
        "",
        "Or in a stack (run in the project directory; stack config wins over the environment):",
        ...config.map((l) => `  ${l}`),
        "",
        ...seededLines(seeded),
        "Each emulator logs requests at GET <url>/__emulator/log.",
        "",
      ].join("\n"),
    );
  }
  const stop = () => void running.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`alert-routing-emulators: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
