import { claim, claimedBy } from "../core/ownership";
import { warn } from "../core/log";
import { processGlobal } from "../core/registry";
import { sourceKey, type Row } from "./mapping.schema";
import { VENDOR } from "./protocol";

// Ownership of rows within one run of the provider process.
// A row is claimed by the resource that creates, adopts or updates it, and declared by
// every resource whose check sees it (check runs for each resource of the program before
// any delete of a removed one, and needs no labels, so no API call). Deletes in the same
// run (the old name in a rename, a row moved between resources) leave such rows alone.
const rowId = (schemaId: string, sk: string) => `row:${schemaId}:${sk}`;
const OWNER = (schemaId: string) => `a FlashdutyMappingData of this stack on schema ${schemaId}`;

export function claimRows(schemaId: string, rows: readonly Row[], sourceLabels: readonly string[]): void {
  for (const r of rows) claim(VENDOR, rowId(schemaId, sourceKey(r, sourceLabels)), OWNER(schemaId));
}

function declaredRows(): Map<string, (readonly Row[])[]> {
  return processGlobal("flashduty-declared-rows.v1", () => new Map<string, (readonly Row[])[]>());
}

export function declareRows(schemaId: string, rows: readonly Row[]): void {
  const m = declaredRows();
  m.set(schemaId, [...(m.get(schemaId) ?? []), rows]);
}

/** Drops the deletions of rows another resource of this run claimed or declared, with one warning for all of them. */
export function unclaimed(schemaId: string, rows: readonly { key: string; row: Row }[], sourceLabels: readonly string[], why: string): string[] {
  if (!rows.length) return [];
  const declared = new Set((declaredRows().get(schemaId) ?? []).flatMap((list) => list.map((r) => sourceKey(r, sourceLabels))));
  const keep: string[] = [];
  let claimed = 0;
  for (const r of rows) {
    const sk = sourceKey(r.row, sourceLabels);
    if (declared.has(sk) || claimedBy(VENDOR, rowId(schemaId, sk)) !== undefined) claimed++;
    else keep.push(r.key);
  }
  if (claimed)
    warn(
      `flashduty: not deleting ${claimed} row(s) of mapping schema ${schemaId} (${why}): another FlashdutyMappingData of this stack declares them in this update ` +
        `(a rename or a move); this resource lets go of them`,
    );
  return keep;
}
