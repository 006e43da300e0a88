// The export's one data format: what `--format json` prints and what the TS printer reads.

/** The resource classes an export can emit (the package root's exports). */
export type ExportedType = "OpsgenieTeamRoutingRule" | "RootlyAlertRoute" | "FlashdutyRoute" | "FlashdutyMappingData";

export interface ExportedResource {
  type: ExportedType;
  /** The Pulumi resource name, derived from the object's name, unique within the export. */
  name: string;
  /** What the object is, for a comment above the resource (`team "Platform", rule "DB alerts" (id …)`). */
  describes: string;
  /** The constructor's args, in the resource's own shape; `adoptExisting: true` always. */
  args: Record<string, unknown>;
  /** Comments on values by property path (`notify.id`, `criteria.conditions.0.field`): names of ids where the API gave them. */
  comments: Record<string, string>;
}

/** An object the resources cannot represent, and why. */
export interface UnsupportedObject {
  vendor: "opsgenie" | "rootly" | "flashduty";
  object: string;
  reasons: string[];
}

export interface ExportDocument {
  formatVersion: 1;
  resources: ExportedResource[];
  unsupported: UnsupportedObject[];
}

/** What a vendor reader returns: resources without final names (the names are made across all vendors). */
export interface ReadResult {
  resources: (Omit<ExportedResource, "name"> & { baseName: string })[];
  unsupported: UnsupportedObject[];
}

/** Progress lines on stderr (the reader's caller decides where they go). */
export type Progress = (line: string) => void;

/** Schema issues as `path: message` lines. */
export function issueLines(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string[] {
  return issues.map((i) => `${i.path.map(String).join(".") || "(object)"}: ${i.message}`);
}

/** Keys of `obj` outside `known` whose value is set: fields the resource does not know, which an export would drop. */
export function unknownKeys(obj: unknown, known: readonly string[], at: string): string[] {
  if (!obj || typeof obj !== "object" || Array.isArray(obj)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (known.includes(k)) continue;
    if (v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0)) continue;
    out.push(`${at}${at ? "." : ""}${k}: a field the resource does not manage (value ${JSON.stringify(v).slice(0, 80)}); adopting would leave it out of the program`);
  }
  return out;
}
