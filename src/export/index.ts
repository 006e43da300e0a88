// `alert-routing export`: read what exists, validate it with the resources' own schemas, name it.
import type { ExportDocument, Progress, ReadResult } from "./format";
import { readFlashduty, type FlashdutySelection } from "./flashduty";
import { uniqueNames } from "./names";
import { readOpsgenie, type OpsgenieSelection } from "./opsgenie";
import { readRootly, type RootlySelection } from "./rootly";

export type { ExportDocument, ExportedResource, UnsupportedObject } from "./format";
export { printProgram } from "./program";

export interface ExportSelection {
  opsgenie?: OpsgenieSelection;
  rootly?: RootlySelection;
  flashduty?: FlashdutySelection;
}

/** Reads every selected object (vendor by vendor, through the package's own clients) into one document. */
export async function exportRouting(sel: ExportSelection, progress: Progress = () => {}): Promise<ExportDocument> {
  const parts: ReadResult[] = [];
  if (sel.opsgenie && (sel.opsgenie.allTeams || sel.opsgenie.teams.length)) parts.push(await readOpsgenie(sel.opsgenie, progress));
  if (sel.rootly && (sel.rootly.all || sel.rootly.names.length)) parts.push(await readRootly(sel.rootly, progress));
  if (sel.flashduty && (sel.flashduty.integrations.length || sel.flashduty.schemas.length)) parts.push(await readFlashduty(sel.flashduty, progress));
  const found = parts.flatMap((p) => p.resources);
  const names = uniqueNames(found.map((r) => r.baseName));
  return {
    formatVersion: 1,
    resources: found.map(({ baseName: _b, ...r }, i) => ({ type: r.type, name: names[i], describes: r.describes, args: r.args, comments: r.comments })),
    unsupported: parts.flatMap((p) => p.unsupported),
  };
}
