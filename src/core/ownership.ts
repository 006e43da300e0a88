import { processGlobal } from "./registry";
import { notice, warn } from "./log";
import { VendorError } from "./errors";

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

/** One object found under a natural key the vendor does not keep unique. */
export interface Candidate {
  id: string;
  /** Its place where the vendor orders such objects (a team's rule index). */
  position?: number;
}

const listCandidates = (cs: readonly Candidate[]) => cs.map((c) => `${c.id}${c.position !== undefined ? ` at position ${c.position}` : ""}`).join(", ");

/**
 * Several live objects carry the name this resource declares: none is picked (adopting
 * one would change it to the other's criteria, and leave the other unmanaged). `choose`
 * says how to make the name unique.
 */
export function ambiguousNameError(vendor: string, what: string, candidates: readonly Candidate[], choose: string): VendorError {
  return new VendorError({
    vendor,
    kind: "conflict",
    message: `${candidates.length} ${what} (${listCandidates(candidates)}); nothing was changed, as taking one of them would be a guess. ${choose}`,
  });
}

/**
 * Claims an object this resource is about to adopt, before any write: refused when another
 * resource of this run already created or adopted it (two resources cannot manage one
 * object; the first keeps it).
 */
export function claimForAdoption(vendor: string, objectId: string, owner: string, what: string): void {
  refuseIfClaimed(vendor, objectId, owner, what);
  claim(vendor, objectId, owner);
}

/** The check of `claimForAdoption` alone, for a caller that claims once its own checks passed. */
export function refuseIfClaimed(vendor: string, objectId: string, owner: string, what: string): void {
  const by = claimedBy(vendor, objectId);
  if (by !== undefined)
    throw new VendorError({
      vendor,
      kind: "conflict",
      message:
        `${what} is already managed by ${by} in this update, so ${owner} cannot adopt it too: two resources cannot manage one object. ` +
        `Nothing was changed for this resource: remove one of the two resources, or point it at another object`,
    });
}

/**
 * After a create whose outcome is unknown (its answer could not be read, a reset, a 5xx),
 * what the vendor now holds under the create's natural key decides. `found` are the objects
 * under that key this run did not know before the write and no resource of it claims; the one
 * that carries what the write sent is the create's. Several that do: ambiguous, refused. Only
 * ones that carry something else: another writer's, refused. None: undefined, the caller may
 * send again, unless the vendor answered 2xx (it accepted the write: sending again could make
 * a second object), which fails, saying what the vendor answered.
 */
export function landedOne<T>(
  cause: VendorError,
  found: readonly T[],
  o: { vendor: string; what: string; carries: (x: T) => boolean; candidate: (x: T) => Candidate; committed: boolean },
): T | undefined {
  const ours = found.filter(o.carries);
  // What the vendor answered: status and excerpt are in the message; the content type is added where it is not.
  const said = cause.message.replace(new RegExp(`^${o.vendor}: `), "");
  const answered = cause.contentType && !said.includes("content type") ? `${said}, content type ${cause.contentType}` : said;
  if (ours.length === 1) {
    notice(`${o.vendor}: ${o.what}: the create's outcome was unknown (${answered}); found it by its name (${o.candidate(ours[0]).id}), carrying what was sent, and recorded it`);
    return ours[0];
  }
  const fail = (why: string) =>
    new VendorError({ vendor: o.vendor, kind: cause.kind, message: `${o.what}: the create's outcome is unknown: ${answered}. ${why}` });
  if (ours.length > 1)
    throw fail(`${ours.length} objects now carry its name and what was sent (${listCandidates(ours.map(o.candidate))}); none was recorded. Delete all but one by hand, then run \`pulumi up\` with \`adoptExisting: true\``);
  if (found.length)
    throw fail(
      `Objects with its name appeared that do not carry what was sent (${listCandidates(found.map(o.candidate))}): another writer's, left alone; nothing was recorded. ` +
        `Look at them in the vendor's UI, then run \`pulumi up\` again (with \`adoptExisting: true\` to take one over)`,
    );
  if (o.committed) throw fail(`No object with its name is there, so nothing was recorded and the create was not sent again (the vendor accepted it once). Run \`pulumi up\` again`);
  return undefined;
}
