import { redactSecrets } from "./errors";

/** Debug lines on stderr (the engine keeps plugin stderr in its logs) when ALERT_ROUTING_DEBUG is set. */
export function debug(message: string): void {
  if (process.env.ALERT_ROUTING_DEBUG) process.stderr.write(`[alert-routing] ${redactSecrets(message)}\n`);
}

/** Warnings reach the CLI through the provider's stderr (a dynamic provider has no engine log stream). */
export function warn(message: string): void {
  process.stderr.write(`warning: ${redactSecrets(message)}\n`);
}
