/**
 * Plain JSON with object keys sorted and undefined members dropped. State comes
 * back from the engine with sorted keys and without undefined members, so diffs
 * compare this form, never raw objects.
 */
export function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => [k, canonical(o[k])]),
    );
  }
  return v;
}

/** Structural equality of plain JSON values: key order and undefined members ignored, array order kept. */
export function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
