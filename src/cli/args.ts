// What every subcommand does with its arguments: strict parsing, `--help`, and a usage error
// that names the command and ends with its help (exit 2).
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";

const HELP_OPTION = { help: { type: "boolean", short: "h", default: false } } as const;

export interface CommandArgs<V> {
  values: V;
  /** `--help` was given: the help is printed, the command returns 0. */
  helped: boolean;
  /** Prints `alert-routing <name>: <msg>` and the help to stderr; returns the exit code 2. */
  usage(msg: string): number;
}

/** The values `parseArgs` gives for these options (strict, no positionals). */
type Values<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>["values"];

/**
 * A mistake in the command line (an unknown option, a bad value): the command exits 2 with its
 * help, never 1, which lint, simulate --expect-match and CI gates read as a finding.
 */
export class UsageError extends Error {}

export function commandArgs<const O extends ParseArgsOptionsConfig>(name: string, help: string, argv: string[], options: O): CommandArgs<Values<O & typeof HELP_OPTION>> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: argv, options: { ...options, ...HELP_OPTION }, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new UsageError(`alert-routing ${name}: ${e instanceof Error ? e.message : String(e)}\n\n${help}`);
  }
  const helped = (values as { help?: boolean }).help === true;
  if (helped) process.stdout.write(help);
  return {
    values: values as Values<O & typeof HELP_OPTION>,
    helped,
    usage(msg: string): number {
      process.stderr.write(`alert-routing ${name}: ${msg}\n\n${help}`);
      return 2;
    },
  };
}
