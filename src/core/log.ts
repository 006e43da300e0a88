import { redactSecrets } from "./errors";

/** Debug lines on stderr (the engine keeps plugin stderr in its logs) when ALERT_ROUTING_DEBUG is set. */
export function debug(message: string): void {
  if (process.env.ALERT_ROUTING_DEBUG) process.stderr.write(`[alert-routing] ${redactSecrets(message)}\n`);
}

/** Warnings reach the CLI through the provider's stderr (a dynamic provider has no engine log stream). */
export function warn(message: string): void {
  process.stderr.write(`warning: ${redactSecrets(message)}\n`);
}

/** A line the user should see while something slow happens (long waits): provider stderr reaches the CLI. */
export function notice(message: string): void {
  process.stderr.write(`${redactSecrets(message)}\n`);
}

/** Waits at least this long are announced (rate-limit pacing, 429s, asynchronous processing). */
export const visibleWaitMs = () => Number(process.env.ALERT_ROUTING_VISIBLE_WAIT_MS ?? 5_000);
