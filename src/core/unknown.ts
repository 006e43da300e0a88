/** What the engine passes for values that are not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(v: unknown): boolean {
  return v === UNKNOWN;
}

/** True when `v` or anything inside it is an unknown value. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v !== null && typeof v === "object") return Object.values(v as Record<string, unknown>).some(containsUnknown);
  return false;
}

/** Paths (as property-path strings' segments) of every unknown value inside `v`. */
export function unknownPaths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (v === UNKNOWN) return [at];
  const out: (string | number)[][] = [];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...unknownPaths(x, [...at, i])));
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) out.push(...unknownPaths(x, [...at, k]));
  return out;
}
