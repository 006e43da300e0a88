// The analysed time line: 15-minute slots over a year (DST changes included), and the slots
// where a finding holds turned back into windows of the week in a time zone.
import type { LintWindow } from "./lint";

const SLOT_MS = 15 * 60_000;
const WEEK_MS = 7 * 24 * 3600_000;
/** Weeks reported (a year), plus one week of padding each side so a window crossing an edge is whole. */
const WEEKS = 52;

export const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

export interface Timeline {
  /** Slot start instants (ms). */
  slots: number[];
  /** Index of the first and one past the last slot of the reported year. */
  from: number;
  to: number;
}

export function timeline(at: Date): Timeline {
  const start = Math.floor(at.getTime() / SLOT_MS) * SLOT_MS - WEEK_MS;
  const n = ((WEEKS + 2) * WEEK_MS) / SLOT_MS;
  const slots = Array.from({ length: n }, (_, i) => start + i * SLOT_MS);
  return { slots, from: WEEK_MS / SLOT_MS, to: ((WEEKS + 1) * WEEK_MS) / SLOT_MS };
}

interface Wall {
  /** `monday 08:30` */
  week: string;
  /** `2027-03-28 sunday 02:00` */
  dated: string;
  /** weekday*1440 + minutes: orders windows in the week. */
  order: number;
}

const fmts = new Map<string, Intl.DateTimeFormat>();
function offsetAt(ms: number, timeZone: string): number {
  let f = fmts.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
    fmts.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(ms))) if (x.type !== "literal") p[x.type] = Number(x.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(ms / 60_000) * 60_000;
}

// Intl is slow for a year of slots: ask it once a day, and slot by slot only on a day whose offset changes.
const DAY_MS = 24 * 3600_000;
const offsets = new Map<string, Map<number, number>>();
function offset(ms: number, timeZone: string): number {
  let byDay = offsets.get(timeZone);
  if (!byDay) {
    byDay = new Map();
    offsets.set(timeZone, byDay);
  }
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  const at = (t: number) => {
    let v = byDay.get(t);
    if (v === undefined) {
      v = offsetAt(t, timeZone);
      byDay.set(t, v);
    }
    return v;
  };
  const a = at(day);
  return a === at(day + DAY_MS) ? a : offsetAt(ms, timeZone);
}

const pad = (n: number) => String(n).padStart(2, "0");
export function wall(ms: number, timeZone: string): Wall {
  const d = new Date(ms + offset(ms, timeZone));
  const day = DAYS[(d.getUTCDay() + 6) % 7];
  const hm = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return { week: `${day} ${hm}`, dated: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${day} ${hm}`, order: DAYS.indexOf(day) * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes() };
}

/** True when the zone is a valid IANA name. */
export function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The windows of `held` (slot flags) in the reported year, in wall time of `timeZone`.
 * A window that recurs in most weeks is given as weekday times (`monday 18:00`); one that
 * occurs only in some weeks (a DST change, two zones' changes on different dates) is given
 * with its date, each time it occurs.
 */
export function windows(tl: Timeline, held: boolean[], timeZone: string): LintWindow[] {
  const runs: { a: number; b: number }[] = [];
  let i = 0;
  while (i < tl.slots.length) {
    if (!held[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < tl.slots.length && held[j]) j++;
    if (i >= tl.from && i < tl.to) runs.push({ a: tl.slots[i], b: tl.slots[j - 1] + SLOT_MS });
    else if (i < tl.from && j > tl.from) runs.push({ a: tl.slots[i], b: tl.slots[j - 1] + SLOT_MS });
    i = j;
  }
  const byKey = new Map<string, { from: Wall; to: Wall; n: number; runs: { a: number; b: number }[] }>();
  for (const r of runs) {
    const from = wall(r.a, timeZone);
    const to = wall(r.b, timeZone);
    const long = r.b - r.a >= WEEK_MS;
    const k = long ? `${r.a}` : `${from.week}|${to.week}`;
    const e = byKey.get(k) ?? { from, to, n: 0, runs: [] };
    e.n++;
    e.runs.push(r);
    byKey.set(k, e);
  }
  const weekly: (LintWindow & { order: number })[] = [];
  const dated: (LintWindow & { order: number })[] = [];
  for (const e of byKey.values()) {
    if (e.n > WEEKS / 2) weekly.push({ from: e.from.week, to: e.to.week, timezone: timeZone, order: e.from.order });
    else for (const r of e.runs) dated.push({ from: wall(r.a, timeZone).dated, to: wall(r.b, timeZone).dated, timezone: timeZone, order: r.a });
  }
  weekly.sort((x, y) => x.order - y.order);
  dated.sort((x, y) => x.order - y.order);
  return [...weekly, ...dated].map(({ from, to, timezone }) => ({ from, to, timezone }));
}

/** "monday 08:00 - friday 18:00, ..." for a why line (at most 3 shown). */
export function windowsText(ws: LintWindow[]): string {
  const shown = ws.slice(0, 3).map((w) => `${w.from} - ${w.to}`);
  return `${shown.join(", ")}${ws.length > 3 ? ` and ${ws.length - 3} more` : ""} (${ws[0]?.timezone ?? "UTC"})`;
}
