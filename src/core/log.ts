import { redactSecrets } from "./errors";

/** Debug lines on stderr (the engine keeps plugin stderr in its logs) when ALERT_ROUTING_DEBUG is set. */
export function debug(message: string): void {
  if (process.env.ALERT_ROUTING_DEBUG) process.stderr.write(`[alert-routing] ${redactSecrets(message)}\n`);
}
