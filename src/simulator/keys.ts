// Run-time key checks for the test helpers: vitest and jest do not type-check
// tests, so a misspelled key (`{ opsgenie: { rul: "X" } }`) would otherwise be
// ignored and the expectation could never fail.

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
  return d[a.length][b.length];
}

/** The closest allowed key, when it is close enough to be a typo. */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = distance(key, a);
    if (d < bestD) {
      best = a;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Throws a TypeError naming each unknown key of `obj`, the allowed ones, and the likely intended one. */
export function assertKnownKeys(obj: unknown, allowed: readonly string[], where: string): void {
  if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new TypeError(`${where} must be an object, got ${Array.isArray(obj) ? "an array" : JSON.stringify(obj)}`);
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k) && (obj as Record<string, unknown>)[k] !== undefined);
  if (unknown.length === 0) return;
  const parts = unknown.map((k) => {
    const hint = didYouMean(k, allowed);
    return `"${k}"${hint ? ` (did you mean "${hint}"?)` : ""}`;
  });
  throw new TypeError(`${where}: unknown key${unknown.length > 1 ? "s" : ""} ${parts.join(", ")}; allowed: ${allowed.join(", ")}`);
}

export const ALERT_KEYS = {
  opsgenie: ["message", "alias", "description", "source", "entity", "tags", "actions", "details", "extraProperties", "priority", "recipients", "teams", "routeTo", "responders"],
  rootly: ["alertsSourceId", "payload", "attributes", "urgencyId", "alertFields"],
  flashduty: ["integrationId", "severity", "title", "description", "data_source_id", "labels"],
} as const;

export const EXPECTATION_KEYS = ["unit", "rule", "cases", "targets"] as const;

export const OPTION_KEYS = ["at", "vendors", "accountTimezone", "opsgenieCaseSensitive", "channelNames"] as const;

/** Checks an alert's vendor sections and their fields. */
export function assertAlertKeys(alert: unknown, where = "alert"): void {
  assertKnownKeys(alert, Object.keys(ALERT_KEYS), where);
  for (const [v, keys] of Object.entries(ALERT_KEYS)) {
    const part = (alert as Record<string, unknown>)[v];
    if (part !== undefined) assertKnownKeys(part, keys, `${where}.${v}`);
  }
}
