#!/usr/bin/env node
// Starts the Flashduty, Rootly and Opsgenie emulators and prints where they are.
//   alert-routing-emulators [--no-seed] [--json] [--rootly-time-scale=0.05]
// With --json, one line {"env": {...}, "urls": {...}} goes to stdout for scripts.
import { envFor, startAll } from "./all";
import "../vendors";
import { registeredVendors } from "../core/vendor";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const scaleArg = args.find((a) => a.startsWith("--rootly-time-scale="));
  const running = await startAll({ seed: !args.includes("--no-seed"), rootlyTimeScale: scaleArg ? Number(scaleArg.split("=")[1]) : 1 });
  const env = envFor(running);
  if (args.includes("--json")) {
    process.stdout.write(JSON.stringify({ env, urls: Object.fromEntries(registeredVendors().map((v) => [v.name, running[v.name].server.url])) }) + "\n");
  } else {
    process.stdout.write(
      [
        "Emulators running (Ctrl-C stops them):",
        ...registeredVendors().map((v) => `  ${v.name.padEnd(10)} ${running[v.name].server.url}`),
        "",
        "Point the resources at them (these credentials work only here):",
        ...Object.entries(env).map(([k, v]) => `  export ${k}=${v}`),
        "",
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
