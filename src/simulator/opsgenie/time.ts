import type { OpsgenieTeamRoutingRuleArgs as TeamRoutingRuleArgs } from "../../opsgenie/team-routing-rule.types";
import type { Check } from "../types";
import { WEEKDAYS, type WallTime } from "../zoned";

type TimeRestriction = NonNullable<TeamRoutingRuleArgs["timeRestriction"]>;

const MINUTES_PER_DAY = 24 * 60;
const pad = (n: number) => String(n).padStart(2, "0");
const hm = (h: number, m: number) => `${pad(h)}:${pad(m)}`;

/**
 * Whether `now` lies in [start, end) on a cycle (a day or a week, in minutes). An end
 * before the start spans the cycle's wrap (midnight, or sunday->monday); an
 * end equal to the start is taken as the whole cycle (NOTES.md: docs silent).
 */
function inSpan(now: number, start: number, end: number): boolean {
  if (start === end) return true;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * Evaluates a rule's time restriction at a wall-clock time (already in the
 * rule's zone). Opsgenie's minutes are rounded to 0/30 by the API; the
 * provider rejects or normalizes them, so the declared values are used as is.
 */
export function checkTimeRestriction(tr: TimeRestriction, now: WallTime): Check {
  const nowDay = now.hour * 60 + now.minute;
  if (tr.type === "time-of-day") {
    const r = tr.restriction;
    if (!r) return { held: true, text: "time-of-day restriction without a window: no restriction" };
    const start = r.startHour * 60 + r.startMin;
    const end = r.endHour * 60 + r.endMin;
    const held = inSpan(nowDay, start, end);
    const wraps = end < start ? " (spans midnight)" : start === end ? " (start = end: all day)" : "";
    return { held, text: `time-of-day ${hm(r.startHour, r.startMin)}-${hm(r.endHour, r.endMin)}${wraps} at ${hm(now.hour, now.minute)} -> ${held ? "inside" : "outside"}` };
  }
  const nowWeek = now.weekday * MINUTES_PER_DAY + nowDay;
  const spans = (tr.restrictions ?? []).map((r) => {
    const start = WEEKDAYS.indexOf(r.startDay) * MINUTES_PER_DAY + r.startHour * 60 + r.startMin;
    const end = WEEKDAYS.indexOf(r.endDay) * MINUTES_PER_DAY + r.endHour * 60 + r.endMin;
    const held = inSpan(nowWeek, start, end);
    return { held, text: `${r.startDay} ${hm(r.startHour, r.startMin)} - ${r.endDay} ${hm(r.endHour, r.endMin)}${end < start ? " (spans the week's end)" : ""}` };
  });
  const hit = spans.find((s) => s.held);
  const at = `${WEEKDAYS[now.weekday]} ${hm(now.hour, now.minute)}`;
  if (hit) return { held: true, text: `weekday-and-time-of-day: ${at} is inside ${hit.text}` };
  return { held: false, text: `weekday-and-time-of-day: ${at} is outside every window (${spans.map((s) => s.text).join("; ") || "none"})` };
}

/** The same decision as checkTimeRestriction, compiled once, without its text (the many-alerts path). */
export function compileTimeRestriction(tr: TimeRestriction): (now: WallTime) => boolean {
  if (tr.type === "time-of-day") {
    const r = tr.restriction;
    if (!r) return () => true;
    const start = r.startHour * 60 + r.startMin;
    const end = r.endHour * 60 + r.endMin;
    return (now) => inSpan(now.hour * 60 + now.minute, start, end);
  }
  const spans = (tr.restrictions ?? []).map((r) => [WEEKDAYS.indexOf(r.startDay) * MINUTES_PER_DAY + r.startHour * 60 + r.startMin, WEEKDAYS.indexOf(r.endDay) * MINUTES_PER_DAY + r.endHour * 60 + r.endMin] as const);
  return (now) => {
    const nowWeek = now.weekday * MINUTES_PER_DAY + now.hour * 60 + now.minute;
    return spans.some(([start, end]) => inSpan(nowWeek, start, end));
  };
}
