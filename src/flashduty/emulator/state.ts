// The emulator's memory: integrations, channels, routing rules, mapping schemas and rows.
import { createHash, randomBytes } from "node:crypto";

export interface EmuRouteCase {
  if: { key: string; oper: string; vals: string[] }[];
  channel_ids: number[] | null;
  fallthrough: boolean;
  routing_mode: string;
  name_mapping_label?: string;
}
export interface EmuRoute {
  integration_id: number;
  cases: EmuRouteCase[];
  sections: { name: string; position: number }[];
  default: { channel_ids: number[] } | null;
  status: "enabled" | "deleted";
  version: number;
  updated_by: number;
  creator_id: number;
  created_at: number;
  updated_at: number;
  deleted_at?: number;
}
export interface EmuSchema {
  schema_id: string;
  schema_name: string;
  description: string;
  source_labels: string[];
  result_labels: string[];
  status: string;
  team_id: number;
  creator_id: number;
  updated_by: number;
  created_at: number;
  updated_at: number;
}
export interface EmuRow {
  key: string;
  fields: Record<string, string>;
  created_at: number;
  updated_at: number;
  seq: number;
}
export interface EmuChannel {
  channel_id: number;
  channel_name: string;
}

/** What an upsert writes: the rule's content, validated. */
export type RouteContentWrite = Pick<EmuRoute, "cases" | "sections" | "default">;

/** The member the APP key belongs to (shows up as creator and updater). */
export const MEMBER_ID = 3790925372131;
/** Someone else, editing in the console. */
const CONSOLE_MEMBER_ID = 80011;
const nowSec = () => Math.floor(Date.now() / 1000);

export class FlashdutyState {
  readonly integrations = new Set<number>();
  readonly channels = new Map<number, EmuChannel>();
  readonly routes = new Map<number, EmuRoute>();
  readonly schemas = new Map<string, EmuSchema>();
  readonly data = new Map<string, Map<string, EmuRow>>();
  /** Schemas with an upsert in progress: the API takes one writer per schema. */
  readonly writing = new Set<string>();
  private rowSeq = 0;

  /** Writes the rule unconditionally: a new version, the creation fields kept. */
  writeRoute(id: number, content: RouteContentWrite): EmuRoute {
    const prev = this.routes.get(id);
    const t = nowSec();
    const r: EmuRoute = {
      integration_id: id,
      cases: content.cases,
      sections: content.sections.map((s) => ({ name: s.name, position: s.position ?? 0 })),
      default: content.default ? { channel_ids: [...(content.default.channel_ids ?? [])] } : null,
      status: "enabled",
      version: (prev?.version ?? 0) + 1,
      updated_by: MEMBER_ID,
      creator_id: prev?.creator_id ?? MEMBER_ID,
      created_at: prev?.created_at ?? t,
      updated_at: t,
    };
    this.routes.set(id, r);
    return r;
  }

  /** An edit made in the console: writes the rule unconditionally and bumps its version. */
  editRouteOutOfBand(integrationId: number, change: (r: EmuRoute) => void): EmuRoute {
    const prev = this.routes.get(integrationId);
    const draft: EmuRoute = prev
      ? (JSON.parse(JSON.stringify(prev)) as EmuRoute)
      : { integration_id: integrationId, cases: [], sections: [], default: null, status: "enabled", version: 0, updated_by: 0, creator_id: 0, created_at: 0, updated_at: 0 };
    change(draft);
    const r = this.writeRoute(integrationId, draft);
    r.updated_by = CONSOLE_MEMBER_ID;
    return r;
  }

  rowsOf(schemaId: string): Map<string, EmuRow> {
    let m = this.data.get(schemaId);
    if (!m) this.data.set(schemaId, (m = new Map()));
    return m;
  }

  /** How Flashduty composes multi-label keys is undocumented: ours are opaque so clients cannot rely on them. */
  keyFor(schema: EmuSchema, doc: Record<string, string>): string {
    const vals = schema.source_labels.map((l) => doc[l]);
    return vals.length === 1 ? vals[0] : createHash("sha1").update(JSON.stringify(vals)).digest("hex").slice(0, 24);
  }

  /** Rows an upsert would add (keys not there yet). */
  addedBy(schema: EmuSchema, docs: Record<string, string>[]): number {
    const rows = this.rowsOf(schema.schema_id);
    return new Set(docs.map((d) => this.keyFor(schema, d)).filter((k) => !rows.has(k))).size;
  }

  /** Upserts rows keyed on their source-label values; returns each doc's key. */
  putRows(schema: EmuSchema, docs: Record<string, string>[]): string[] {
    const rows = this.rowsOf(schema.schema_id);
    const t = nowSec();
    return docs.map((d) => {
      const key = this.keyFor(schema, d);
      const prev = rows.get(key);
      rows.set(key, { key, fields: d, created_at: prev?.created_at ?? t, updated_at: t, seq: prev?.seq ?? ++this.rowSeq });
      return key;
    });
  }

  seedChannel(id: number, name?: string): void {
    this.channels.set(id, { channel_id: id, channel_name: name ?? `channel-${id}` });
  }

  seedSchema({ sourceLabels, resultLabels, name, id }: { sourceLabels: string[]; resultLabels: string[]; name?: string; id?: string }): string {
    const schemaId = id ?? randomBytes(12).toString("hex");
    const t = nowSec();
    this.schemas.set(schemaId, {
      schema_id: schemaId,
      schema_name: name ?? `schema-${schemaId.slice(-4)}`,
      description: "",
      source_labels: [...sourceLabels],
      result_labels: [...resultLabels],
      status: "enabled",
      team_id: 0,
      creator_id: MEMBER_ID,
      updated_by: MEMBER_ID,
      created_at: t,
      updated_at: t,
    });
    return schemaId;
  }

  /** The demo account: two integrations, three channels, a CMDB schema with two rows (the docs' examples). */
  seedDemo(): void {
    for (const id of [6113996590131, 6113996590132]) this.integrations.add(id);
    this.seedChannel(2533748993131, "sre-oncall");
    this.seedChannel(3521074710131, "default-oncall");
    this.seedChannel(3521074710132, "payments");
    const sid = this.seedSchema({ id: "665f1a2b3c4d5e6f7a8b9c01", name: "CMDB Lookup", sourceLabels: ["host"], resultLabels: ["owner", "team", "service"] });
    const rows = this.rowsOf(sid);
    const t = nowSec();
    for (const [host, owner, team, service] of [
      ["server01", "alice", "sre", "api"],
      ["server02", "bob", "platform", "gateway"],
    ])
      rows.set(host, { key: host, fields: { host, owner, team, service }, created_at: t, updated_at: t, seq: ++this.rowSeq });
  }
}
