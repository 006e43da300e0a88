#!/usr/bin/env node
import { UsageError } from "./args";
import { exportCommand } from "./export";
import { impactCommand } from "./impact";
import { lintCommand } from "./lint";
import { simulateCommand } from "./simulate";

/** A subcommand: gets its arguments, returns the exit code. */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** Every subcommand, one line each (an `export` command goes here). */
export const COMMANDS: Record<string, Command> = {
  simulate: simulateCommand,
  export: exportCommand,
  lint: lintCommand,
  impact: impactCommand,
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ["usage: alert-routing <command> [options]", "", "commands:", ...lines, "", "alert-routing <command> --help for its options"].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h") {
    process.stdout.write(`${usage()}\n`);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    process.stderr.write(`alert-routing: unknown command "${name}"\n${usage()}\n`);
    return 2;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const text = e.message.startsWith("alert-routing") ? e.message : `alert-routing ${name}: ${e.message}`;
    process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
    return 2;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`alert-routing: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
