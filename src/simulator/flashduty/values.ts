import { isIP } from "node:net";
import { vendorRegex } from "../regex";
import type { Tri } from "../tri";

// One matcher per documented value kind (flashduty-facts.md): `/regex/` (RE2),
// wildcard `*`/`?`, `cidr:`, `num:gt|ge|lt|le:N`, else an exact string.

export type ValueKind = "regex" | "wildcard" | "cidr" | "num" | "exact";

export function valueKind(v: string): ValueKind {
  if (v.length >= 2 && v.startsWith("/") && v.endsWith("/")) return "regex";
  if (v.startsWith("cidr:")) return "cidr";
  if (v.startsWith("num:")) return "num";
  if (v.includes("*") || v.includes("?")) return "wildcard";
  return "exact";
}

const wildcards = new Map<string, RegExp>();

/** `*` any run of characters, `?` one character, the whole value. */
export function wildcardMatch(pattern: string, value: string): boolean {
  let re = wildcards.get(pattern);
  if (!re) {
    const src = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    re = new RegExp(`^${src}$`, "s");
    wildcards.set(pattern, re);
  }
  return re.test(value);
}

function ipv4ToBigInt(ip: string): bigint {
  return ip.split(".").reduce((acc, p) => (acc << 8n) + BigInt(Number(p)), 0n);
}

function ipv6ToBigInt(ip: string): bigint {
  let s = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = ipv4ToBigInt(v4[1]);
    s = `${s.slice(0, -v4[1].length)}${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head, tail] = s.includes("::") ? s.split("::") : [s, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || "0", 16)), 0n);
}

export function cidrMatch(cidr: string, value: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return false;
  const fam = isIP(m[1]);
  const vfam = isIP(value.trim());
  if (fam === 0 || vfam !== fam) return false;
  const bits = fam === 4 ? 32 : 128;
  const prefix = Number(m[2]);
  if (prefix > bits) return false;
  const toInt = fam === 4 ? ipv4ToBigInt : ipv6ToBigInt;
  const shift = BigInt(bits - prefix);
  return toInt(m[1]) >> shift === toInt(value.trim()) >> shift;
}

export function numMatch(spec: string, value: string): boolean {
  const m = /^num:(gt|ge|lt|le):(.*)$/.exec(spec);
  if (!m || value.trim() === "") return false;
  const n = Number(value);
  const bound = Number(m[2]);
  if (!Number.isFinite(n) || !Number.isFinite(bound)) return false;
  switch (m[1]) {
    case "gt":
      return n > bound;
    case "ge":
      return n >= bound;
    case "lt":
      return n < bound;
    default:
      return n <= bound;
  }
}

/** Why a `/.../` value cannot be evaluated exactly, or undefined. */
export function valueUnevaluable(v: string): string | undefined {
  if (valueKind(v) !== "regex") return undefined;
  const re = vendorRegex("flashduty", v.slice(1, -1));
  return re.ok ? undefined : `${JSON.stringify(v)}: not a valid RE2 pattern (${re.message})`;
}

/** Whether one `vals` entry matches a present field value; undefined when its pattern cannot be evaluated. */
export function valueMatches(v: string, value: string): Tri {
  switch (valueKind(v)) {
    case "regex": {
      const re = vendorRegex("flashduty", v.slice(1, -1));
      return re.ok ? re.test(value) : undefined;
    }
    case "cidr":
      return cidrMatch(v.slice(5), value);
    case "num":
      return numMatch(v, value);
    case "wildcard":
      return wildcardMatch(v, value);
    case "exact":
      return v === value;
  }
}
