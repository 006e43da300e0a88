// Readable, unique Pulumi resource names and TypeScript identifiers from object names.

/** `Platform / DB alerts!` -> `platform-db-alerts`; empty -> `unnamed`. */
export function slug(s: string): string {
  const out = s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return out || "unnamed";
}

/** Joins name parts as a slug: `["Platform", "DB alerts"]` -> `platform-db-alerts`. */
export function resourceName(...parts: string[]): string {
  return parts.map(slug).join("-");
}

/** Gives each base name a unique form: the second `a` becomes `a-2`. */
export function uniqueNames(bases: readonly string[]): string[] {
  const used = new Set<string>();
  return bases.map((b) => {
    let n = b;
    for (let i = 2; used.has(n); i++) n = `${b}-${i}`;
    used.add(n);
    return n;
  });
}
