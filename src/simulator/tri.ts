// Three-valued logic: a condition whose pattern cannot be evaluated exactly is
// unknown (undefined), and so is every rule whose result depends on it.
export type Tri = boolean | undefined;

export const not3 = (t: Tri): Tri => (t === undefined ? undefined : !t);

/** false if any is false, else unknown if any is unknown, else true. */
export function and3(ts: Tri[]): Tri {
  let unknown = false;
  for (const t of ts) {
    if (t === false) return false;
    if (t === undefined) unknown = true;
  }
  return unknown ? undefined : true;
}

/** true if any is true, else unknown if any is unknown, else false. */
export function or3(ts: Tri[]): Tri {
  let unknown = false;
  for (const t of ts) {
    if (t === true) return true;
    if (t === undefined) unknown = true;
  }
  return unknown ? undefined : false;
}

export const triText = (t: Tri) => (t === undefined ? "CANNOT EVALUATE" : t ? "holds" : "fails");
