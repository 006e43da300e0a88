import { isIP } from "node:net";
import type { RE2JS } from "re2js";

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

const regexCache = new Map<string, RE2JS | null>();

/** RE2 search semantics (Go's MatchString: anywhere in the value unless anchored). */
function regexMatch(pattern: string, value: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    try {
      // Loaded on first use: programs import the package root, and most never simulate.
      const { RE2JS: Re2 } = require("re2js") as typeof import("re2js");
      re = Re2.compile(pattern);
    } catch {
      re = null;
    }
    regexCache.set(pattern, re);
  }
  return re !== null && re.matcher(value).find();
}

/** `*` any run of characters, `?` one character, the whole value. */
function wildcardMatch(pattern: string, value: string): boolean {
  const src = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${src}$`, "s").test(value);
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

/** Whether one `vals` entry matches a present field value. */
export function valueMatches(v: string, value: string): boolean {
  switch (valueKind(v)) {
    case "regex":
      return regexMatch(v.slice(1, -1), value);
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
