import { isIP } from "node:net";
import { z } from "zod";
import { re2Problem } from "./regex";

/** The resource's identity: `pulumi-nodejs:dynamic/flashduty:Route`, and the key its shim dispatches on. */
export const ROUTE_IDENTITY = { module: "flashduty", type: "Route" } as const;

/** Limits Flashduty does not publish: generous, so real rules fit, but bounded (see NOTES.md). */
export const LIMITS = {
  cases: 500,
  conditions: 100,
  values: 1000,
  valueChars: 4096,
  channels: 100,
  nameChars: 255,
} as const;

/** Flashduty ids are int64; every id seen so far fits a JS safe integer. A digit string is accepted too. */
const id = (what: string) =>
  z.preprocess(
    // A digit string past the safe range rounds to 2^53 or more, which `max` below refuses (never a neighbouring id).
    (v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v),
    z
      .number({ error: `${what} must be a positive integer` })
      .int(`${what} must be a positive integer`)
      .positive(`${what} must be a positive integer`)
      .max(Number.MAX_SAFE_INTEGER, `${what} is larger than a safe integer`),
  );

/** A name or key: not blank, no surrounding whitespace (the console trims; we would then differ), bounded. */
const name = (what: string, example: string) =>
  z
    .string()
    .min(1, `${what} must not be empty${example}`)
    .max(LIMITS.nameChars, `${what} is longer than ${LIMITS.nameChars} characters`)
    .refine((v) => v.trim() !== "", `${what} must not be blank`)
    .refine((v) => v.trim() === "" || v.trim() === v, `${what} must not start or end with whitespace`);

const NUM = /^num:(gt|ge|lt|le):(-?\d+(?:\.\d+)?)$/;

/** Why a match value is malformed, or undefined when it is fine. Mirrors the documented value kinds. */
export function valueProblem(v: string): string | undefined {
  if (v.length === 0) return "must not be empty";
  if (v.length > LIMITS.valueChars) return `is ${v.length} characters; at most ${LIMITS.valueChars} are accepted`;
  if (v.length >= 2 && v.startsWith("/") && v.endsWith("/")) {
    const p = re2Problem(v.slice(1, -1));
    return p ? `${p} (Flashduty matches /.../ values with Go's RE2)` : undefined;
  }
  if (v.startsWith("cidr:")) {
    const cidr = v.slice(5);
    const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
    const family = m ? isIP(m[1]) : 0;
    if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) return `"${cidr}" is not a CIDR such as cidr:10.0.0.0/8`;
    return undefined;
  }
  if (v.startsWith("num:")) {
    if (NUM.test(v)) return undefined;
    const m = /^num:([^:]*):(.*)$/.exec(v);
    if (!m || !/^(gt|ge|lt|le)$/.test(m[1])) return `must look like num:gt|ge|lt|le:<number>, e.g. num:lt:100`;
    return `"${m[2]}" is not a number (num:${m[1]}:<number>: an optional minus, digits, an optional decimal part; no spaces, hex or exponents)`;
  }
  return undefined;
}

export const conditionSchema = z
  .object({
    key: name("key", " (e.g. severity, title, labels.service)").refine((k) => k !== "labels.", "key labels. needs a label name, e.g. labels.service"),
    oper: z.enum(["IN", "NOTIN"], { error: 'oper must be "IN" or "NOTIN"' }),
    vals: z.array(z.string()).min(1, "vals needs at least one value").max(LIMITS.values, `at most ${LIMITS.values} values in one condition`),
  })
  .strict()
  .superRefine((c, ctx) => {
    c.vals.forEach((v, i) => {
      const p = valueProblem(v);
      if (p) ctx.addIssue({ code: "custom", path: ["vals", i], message: `value ${JSON.stringify(v)} ${p}` });
    });
  });

export const caseSchema = z
  .object({
    if: z.array(conditionSchema).min(1, "a case needs at least one condition in `if`").max(LIMITS.conditions, `at most ${LIMITS.conditions} conditions in one case`),
    channelIds: z.array(id("channel id")).max(LIMITS.channels, `at most ${LIMITS.channels} channels in one case`).optional(),
    fallthrough: z.boolean().optional(),
    /** Empty means standard, as the API treats it. */
    routingMode: z.enum(["standard", "name_mapping", ""], { error: 'routingMode must be "standard" or "name_mapping"' }).optional(),
    nameMappingLabel: name("nameMappingLabel", " (e.g. labels.service)").optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.routingMode === "name_mapping") {
      if (c.channelIds && c.channelIds.length > 0)
        ctx.addIssue({ code: "custom", path: ["channelIds"], message: "channelIds must be empty when routingMode is name_mapping (channels are found by name)" });
      if (!c.nameMappingLabel)
        ctx.addIssue({ code: "custom", path: ["nameMappingLabel"], message: "nameMappingLabel is required when routingMode is name_mapping (e.g. labels.service)" });
    } else {
      if (!c.channelIds || c.channelIds.length === 0)
        ctx.addIssue({ code: "custom", path: ["channelIds"], message: "channelIds needs at least one channel id for standard routing" });
      if (c.nameMappingLabel)
        ctx.addIssue({ code: "custom", path: ["nameMappingLabel"], message: "nameMappingLabel is only used with routingMode name_mapping" });
    }
  });

export const sectionSchema = z
  .object({
    name: name("section name", ""),
    position: z.number().int("position must be an integer").min(0, "position must be 0 or more"),
  })
  .strict();

export const routeSchema = z
  .object({
    integrationId: id("integrationId"),
    cases: z.array(caseSchema).max(LIMITS.cases, `at most ${LIMITS.cases} cases in one routing rule`).optional(),
    sections: z.array(sectionSchema).max(LIMITS.cases, `at most ${LIMITS.cases} sections in one routing rule`).optional(),
    default: z
      .object({ channelIds: z.array(id("channel id")).min(1, "default.channelIds needs at least one channel id").max(LIMITS.channels, `at most ${LIMITS.channels} default channels`) })
      .strict()
      .optional(),
    /** Take over a rule that already has content instead of failing. */
    adoptExisting: z.boolean().optional(),
    /**
     * There is no delete endpoint. Unset: destroy leaves the rule in place (with a warning).
     * Set: destroy resets the rule to no cases and this default.
     */
    resetOnDelete: z
      .object({
        channelIds: z.array(id("channel id")).min(1, "resetOnDelete.channelIds needs at least one channel id").max(LIMITS.channels, `at most ${LIMITS.channels} default channels`),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const nCases = r.cases?.length ?? 0;
    if (nCases === 0 && !r.default) ctx.addIssue({ code: "custom", path: ["cases"], message: "give at least one of cases or default" });
    const seen = new Map<string, number>();
    (r.sections ?? []).forEach((s, i) => {
      const prev = seen.get(s.name);
      if (prev !== undefined) ctx.addIssue({ code: "custom", path: ["sections", i, "name"], message: `section name "${s.name}" is already used by sections[${prev}]` });
      else seen.set(s.name, i);
      if (s.position > nCases) ctx.addIssue({ code: "custom", path: ["sections", i, "position"], message: `position ${s.position} is past the end: must be between 0 and ${nCases} (the number of cases)` });
    });
  });

export type RouteArgs = z.infer<typeof routeSchema>;
export type RouteCaseArgs = z.infer<typeof caseSchema>;
