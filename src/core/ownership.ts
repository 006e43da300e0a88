import { processGlobal } from "./registry";
import { notice, warn } from "./log";

// Objects this provider process created or adopted during the current run, by
// vendor and object id. A rename (new resource name, same object) runs as a create
// that adopts the object and a delete of the old resource in the same process:
// the delete must let go of the object instead of removing it.
function claims(): Map<string, string> {
  return processGlobal("ownership-claims.v1", () => new Map<string, string>());
}

const keyOf = (vendor: string, objectId: string) => `${vendor}\u0000${objectId}`;

/** Records that a resource of this run now owns `objectId` (`what` names it in warnings). */
export function claim(vendor: string, objectId: string, what: string): void {
  claims().set(keyOf(vendor, objectId), what);
}

/** What claimed `objectId` in this run, if anything did. */
export function claimedBy(vendor: string, objectId: string): string | undefined {
  return claims().get(keyOf(vendor, objectId));
}

/**
 * For a delete: true when another resource of this run has taken the object over, in
 * which case the delete must leave it alone (a warning says so).
 */
export function letGoIfClaimed(vendor: string, objectId: string, what: string): boolean {
  const by = claimedBy(vendor, objectId);
  if (by === undefined) return false;
  warn(`${vendor}: not deleting ${what}: ${by} took it over in this update (a rename); the old resource lets go of it`);
  return true;
}

/**
 * The message for a create that finds its natural key taken. Inside a stack this is
 * usually a rename, whose tool is `aliases`; for objects made elsewhere, `adoptExisting`.
 */
/**
 * The line the user sees when `adoptExisting` takes an object over: what was adopted,
 * and which of its fields this update changes (none when it already matched).
 */
export function adoptedNotice(vendor: string, what: string, changed: readonly string[]): void {
  notice(`${vendor}: adopted ${what}; ${changed.length ? `this update changes ${changed.join(", ")}` : "it already matched the program, nothing changed"}`);
}

export function adoptConflictMessage(what: string, existing: string): string {
  return (
    `${what} already exists (${existing}). ` +
    `If a resource of this stack manages it under another name (you renamed the resource), keep it by adding ` +
    `\`aliases: [{ name: "<previous resource name>" }]\` to this resource's options. ` +
    `If it was made outside this stack, set \`adoptExisting: true\` to take it over. Otherwise choose another name`
  );
}
