// The expectation and corpus files the policies check a stack against (JSON or YAML),
// and where a relative path is looked for.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { RoutingExpectation } from "../simulator/expect";
import { VENDORS, type SimAlert } from "../simulator/types";

/** One expectation: an alert, when it fires, and where each vendor must route it (the test helper's `routesTo`). */
export interface ExpectationCase {
  /** Shown in violations; default `#<index>`. */
  name?: string;
  /** The alert, per vendor (`{ opsgenie: {...}, rootly: {...}, flashduty: {...} }`). */
  alert: SimAlert;
  /** When it fires (ISO 8601); matters for Opsgenie time restrictions. Default: now. */
  at?: string;
  /** Where it must go, per vendor: a rule name, "default" / "fallback" / "none", or `{ unit, rule, cases, targets }`. */
  routesTo: RoutingExpectation;
}

/** One alert of a corpus: it must reach someone in every vendor whose part it has. */
export interface CorpusAlert {
  name?: string;
  alert: SimAlert;
  /** When it fires (ISO 8601), one time or several. Default: the policy's `at`, else now. */
  at?: string | string[];
}

const objectRecord = z.record(z.string(), z.unknown());
const alertSchema = z
  .strictObject({ opsgenie: objectRecord.optional(), rootly: objectRecord.optional(), flashduty: objectRecord.optional() })
  .refine((a) => VENDORS.some((v) => a[v] !== undefined), { message: `give the alert under "opsgenie", "rootly" or "flashduty"` });
const isoTime = z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), { message: "not a time (use ISO 8601, e.g. 2026-11-25T10:00:00+01:00)" });
const vendorExpectation = z.union([
  z.string().min(1),
  z.strictObject({
    unit: z.union([z.string(), z.number()]).optional(),
    rule: z.string().optional(),
    cases: z.array(z.number().int().nonnegative()).optional(),
    targets: z.array(z.union([z.string(), z.number()])).optional(),
  }),
]);
const expectationSchema = z.strictObject({
  name: z.string().optional(),
  alert: alertSchema,
  at: isoTime.optional(),
  routesTo: z
    .strictObject({ opsgenie: vendorExpectation.optional(), rootly: vendorExpectation.optional(), flashduty: vendorExpectation.optional() })
    .refine((e) => VENDORS.some((v) => e[v] !== undefined), { message: "say where at least one vendor must route the alert" }),
});
const corpusSchema = z.strictObject({ name: z.string().optional(), alert: alertSchema, at: z.union([isoTime, z.array(isoTime).min(1)]).optional() });

function parseList<T>(what: string, source: string, raw: unknown, key: string, item: z.ZodType<T>): T[] {
  // A bare list, or `{ <key>: [...] }` (room for a `$schema` or comments beside it in JSON).
  const list = raw !== null && typeof raw === "object" && !Array.isArray(raw) && key in raw ? (raw as Record<string, unknown>)[key] : raw;
  const parsed = z.array(item).safeParse(list);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new Error(`${source}: not a valid ${what} list at ${issue.path.length ? issue.path.join(".") : "the top"}: ${issue.message}`);
}

/** Validates expectations (from a file or inline config). */
export function parseExpectations(raw: unknown, source: string): ExpectationCase[] {
  return parseList("expectation", source, raw, "expectations", expectationSchema) as ExpectationCase[];
}

/**
 * Validates corpus alerts; an entry without `alert` is the alert itself beside an optional `name`
 * and `at` (the line shape of `alert-routing impact --alerts`, so one corpus serves both).
 */
export function parseCorpus(raw: unknown, source: string): CorpusAlert[] {
  const list = raw !== null && typeof raw === "object" && !Array.isArray(raw) && "alerts" in raw ? (raw as { alerts: unknown }).alerts : raw;
  const bare = (e: Record<string, unknown>) => {
    const { name, at, ...alert } = e;
    return { ...(name !== undefined ? { name } : {}), ...(at !== undefined ? { at } : {}), alert };
  };
  const wrapped = Array.isArray(list) ? list.map((e: unknown) => (e !== null && typeof e === "object" && !Array.isArray(e) && !("alert" in e) ? bare(e as Record<string, unknown>) : e)) : list;
  return parseList("corpus alert", source, wrapped, "alerts", corpusSchema) as CorpusAlert[];
}

/**
 * Where a relative file is looked for, first match wins: `baseDir`, then
 * ALERT_ROUTING_POLICY_DIR, then PWD (the directory `pulumi` was started from in a
 * shell), then the current directory (the policy pack's own, when the engine runs it).
 */
export function resolveFile(file: string, baseDir?: string): string {
  if (isAbsolute(file)) return file;
  const bases = [baseDir, process.env.ALERT_ROUTING_POLICY_DIR, process.env.PWD, process.cwd()].filter((b): b is string => !!b);
  const tried = [...new Set(bases.map((b) => resolve(b, file)))];
  const found = tried.find((p) => existsSync(p));
  if (!found) throw new Error(`${file} not found (looked in ${tried.join(", ")}); give an absolute path or set ALERT_ROUTING_POLICY_DIR`);
  return found;
}

/**
 * Reads a JSON, JSON Lines (`.jsonl`, `.ndjson`: a list, one entry a line) or YAML file (YAML
 * is a superset of JSON; `.json` files are parsed as JSON for exact errors).
 */
export function readDataFile(path: string): unknown {
  const text = readFileSync(path, "utf8");
  if (/\.(jsonl|ndjson)$/.test(path)) {
    return text.split("\n").flatMap((line, i) => {
      if (!line.trim()) return [];
      try {
        return [JSON.parse(line) as unknown];
      } catch (e) {
        throw new Error(`${path}:${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
      }
    });
  }
  try {
    return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new Error(`${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
