#!/usr/bin/env node
// Starts the Flashduty, Rootly and Opsgenie (+ JSM/Compass Operations) emulators and prints where they
// are, what they were seeded with (ids to put in a program, the labels mapping rows need) and a config
// snippet pointing a stack at them. `--help` prints the usage below.
import { configFor, emulatorNames, envFor, schemasFor, seededFor, startAll, type SchemaLabels, type StartAllOptions } from "./all";
import "../vendors";

const USAGE = `Usage: alert-routing-emulators [options]

Starts a local emulator of each vendor API (Flashduty, Rootly, Opsgenie, JSM/Compass Operations) on
127.0.0.1, seeded with demo data, and prints their URLs, the env vars and \`pulumi config set\` lines that
point the resources at them, the seeded ids and the Flashduty mapping schemas' labels. Ctrl-C stops them.
Nothing reaches a real vendor; the credentials printed work only on these emulators.

Options:
  --port <n>               Listen on fixed ports: the first emulator on <n>, the others on the next
                           ones, in the order printed (default: free ports, new on every run)
  --seed <text>            Stable seeded ids: the same <text> gives the same ids (and Flashduty key and
                           Atlassian cloud id) on every run (default: fresh ids where a vendor makes them up)
  --no-seed                Start empty: no demo teams, schedules, sources, channels or schemas
  --json                   Print one JSON line for scripts: {"env", "urls", "seeded", "schemas", "config"}
  --rootly-time-scale <x>  Multiply Rootly's rate-limit windows (e.g. 0.05 for 20x faster; default 1)
  -h, --help               Print this help and exit

Each emulator's request log: GET <url>/__emulator/log
`;

class UsageError extends Error {}

interface CliOptions extends StartAllOptions {
  json: boolean;
  help: boolean;
}

/** Parses argv (`--flag value` or `--flag=value`); unknown flags are a usage error, never ignored. */
export function parseArgs(argv: string[]): CliOptions {
  const out: CliOptions = { json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "-h":
      case "--help":
        out.help = true;
        break;
      case "--json":
        out.json = true;
        break;
      case "--no-seed":
        out.seed = false;
        break;
      case "--seed":
        out.seed = value();
        break;
      case "--port": {
        const v = value();
        const n = Number(v);
        const last = n + emulatorNames().length - 1;
        if (!/^\d+$/.test(v) || n < 1 || last > 65535) throw new UsageError(`--port: ${v} is not a port from 1 to ${65536 - emulatorNames().length}`);
        out.port = n;
        break;
      }
      case "--rootly-time-scale": {
        const v = value();
        const x = Number(v);
        if (!(x > 0)) throw new UsageError(`--rootly-time-scale: ${v} is not a positive number`);
        out.rootlyTimeScale = x;
        break;
      }
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  return out;
}

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

/** What a `FlashdutyMappingData` row must hold for each schema, with an example row. */
function schemaLines(schemas: Record<string, SchemaLabels>): string[] {
  const entries = Object.entries(schemas);
  if (!entries.length) return [];
  const lines = ["Flashduty mapping schemas (each row of FlashdutyMappingData needs every source and result label, and no other):"];
  for (const [name, s] of entries) {
    const example = Object.fromEntries([...s.sourceLabels, ...s.resultLabels].map((l) => [l, "..."]));
    lines.push(`  ${name} = ${s.id}`, `    source labels: ${s.sourceLabels.join(", ")}`, `    result labels: ${s.resultLabels.join(", ")}`, `    a row: ${JSON.stringify(example)}`);
  }
  return [...lines, ""];
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const running = await startAll({ seed: args.seed, port: args.port, rootlyTimeScale: args.rootlyTimeScale });
  const env = envFor(running);
  const seeded = seededFor(running);
  const schemas = schemasFor(running);
  const config = configFor(running);
  if (args.json) {
    process.stdout.write(JSON.stringify({ env, urls: Object.fromEntries(emulatorNames().map((name) => [name, running[name].server.url])), seeded, schemas, config }) + "\n");
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
        ...schemaLines(schemas),
        "Each emulator logs requests at GET <url>/__emulator/log.",
        "",
      ].join("\n"),
    );
  }
  const stop = () => void running.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module)
  main().catch((e: unknown) => {
    process.stderr.write(`alert-routing-emulators: ${e instanceof Error ? e.message : String(e)}\n`);
    if (e instanceof UsageError) process.stderr.write("Run alert-routing-emulators --help for the options.\n");
    process.exit(e instanceof UsageError ? 2 : 1);
  });
