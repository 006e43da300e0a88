// Wall-clock time of an instant in an IANA zone, through Intl (no dependency).
// Restrictions are written in wall-clock time, so DST is handled by asking Intl
// what the clock showed at that instant, never by adding fixed offsets.

export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface WallTime {
  /** 0 = monday .. 6 = sunday. */
  weekday: number;
  hour: number;
  minute: number;
  /** e.g. `2026-03-29 09:30 sunday (Europe/Berlin, GMT+2)`. */
  text: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "long",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      timeZoneName: "shortOffset",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

let wallTimes = new Map<string, WallTime>();
const lastByZone = new Map<string, { minute: number; wt: WallTime }>();

/** The wall-clock time at `at` in `timeZone` (remembered per zone and minute: Intl is slow); throws a readable error for an unknown zone. */
export function wallTime(at: Date, timeZone: string): WallTime {
  const minute = Math.floor(at.getTime() / 60_000);
  // Most calls repeat the zone's previous minute (a replay of many alerts): no key to build.
  const last = lastByZone.get(timeZone);
  if (last && last.minute === minute) return last.wt;
  const key = `${timeZone}|${minute}`;
  let wt = wallTimes.get(key);
  if (!wt) {
    wt = computeWallTime(at, timeZone);
    if (wallTimes.size >= 10_000) wallTimes = new Map();
    wallTimes.set(key, wt);
  }
  lastByZone.set(timeZone, { minute, wt });
  return wt;
}

function computeWallTime(at: Date, timeZone: string): WallTime {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatter(timeZone).formatToParts(at);
  } catch {
    throw new Error(`unknown time zone "${timeZone}" (use an IANA name such as Europe/Berlin)`);
  }
  const get = (t: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === t)?.value ?? "";
  const day = get("weekday").toLowerCase() as Weekday;
  const hour = Number(get("hour"));
  const minute = Number(get("minute"));
  const text = `${get("year")}-${get("month")}-${get("day")} ${get("hour")}:${get("minute")} ${day} (${timeZone}, ${get("timeZoneName")})`;
  return { weekday: WEEKDAYS.indexOf(day), hour, minute, text };
}
