// Routing rules as Pulumi policy as code: stack policies over the declared routing,
// run by `pulumi preview|up --policy-pack <dir>` and `pulumi policy analyze`.
//
//   // index.js of a policy pack (beside PulumiPolicy.yaml and a package.json with a version)
//   const { routingPolicyPack } = require("pulumi-alert-routing/policy");
//   routingPolicyPack("my-routing-rules", { corpus: { file: "routing/p1-alerts.yaml" } });
import {
  PolicyPack,
  UnknownValueError,
  type EnforcementLevel,
  type PolicyConfigSchema,
  type PolicyResource,
  type ReportViolation,
  type StackValidationArgs,
  type StackValidationPolicy,
} from "@pulumi/policy";
import type { FindingKind, Severity } from "../analysis/lint";
import { checkCorpus, checkExpectations, checkLint, type CheckResult, type SimulationSettings } from "./checks";
import { parseCorpus, parseExpectations, readDataFile, resolveFile, type CorpusAlert, type ExpectationCase } from "./files";
import { readStackRouting, type StackRouting } from "./stack";

export type { CorpusAlert, ExpectationCase } from "./files";
export type { SimulationSettings } from "./checks";

/** The policies' names: the keys of the policy pack config file. */
export const POLICY_NAMES = {
  lint: "alert-routing-lint",
  expectations: "alert-routing-expectations",
  corpus: "alert-routing-corpus",
} as const;

/** Settings of the `alert-routing-lint` policy (also its keys in the policy pack config file). */
export interface LintPolicyConfig {
  /** The least severity reported. Default "warning". */
  minSeverity?: Severity;
  /** The least severity reported at the policy's enforcement level; less severe findings are advisory. Default "error". */
  failOn?: Severity;
  /** Finding kinds not reported, e.g. ["coverage-gap"]. */
  ignoreKinds?: FindingKind[];
  /** Opsgenie account timezone for rules without one (default UTC). */
  accountTimezone?: string;
  enforcementLevel?: EnforcementLevel;
}

/** Settings of the `alert-routing-expectations` policy (also its keys in the policy pack config file). */
export interface ExpectationsPolicyConfig extends SimulationSettings {
  /** A JSON or YAML file of expectations (absolute, or found as `resolveFile` says). */
  file?: string;
  /** Expectations given inline, checked besides the file's. */
  expectations?: ExpectationCase[];
  /** Where a relative `file` is looked for first. */
  baseDir?: string;
  enforcementLevel?: EnforcementLevel;
}

/** Settings of the `alert-routing-corpus` policy (also its keys in the policy pack config file). */
export interface CorpusPolicyConfig extends SimulationSettings {
  /** A JSON or YAML file of alerts of which none may reach nobody. */
  file?: string;
  /** Alerts given inline, checked besides the file's. */
  alerts?: CorpusAlert[];
  /** When the alerts fire (ISO 8601), for alerts without their own `at`. Default: now. */
  at?: string[];
  baseDir?: string;
  enforcementLevel?: EnforcementLevel;
}

/** Defaults for each policy; the policy pack config file overrides them key by key. */
export interface RoutingPoliciesOptions {
  lint?: LintPolicyConfig;
  expectations?: ExpectationsPolicyConfig;
  corpus?: CorpusPolicyConfig;
}

const settingsSchema = {
  accountTimezone: { type: "string", description: "Opsgenie account timezone for rules without one (default UTC)" },
  channelNames: { type: "object", additionalProperties: { type: "number" }, description: "Flashduty channel ids by name (name_mapping cases)" },
  baseDir: { type: "string", description: "Directory where a relative file is looked for first" },
} as const satisfies PolicyConfigSchema["properties"];

const isUnknownError = (e: unknown) => e instanceof UnknownValueError;

/** The stack's routing from the resources the engine hands a stack policy. */
export function stackRouting(resources: readonly PolicyResource[]): StackRouting {
  return readStackRouting(resources, isUnknownError);
}

/** Config file keys win over the factory's defaults, key by key. */
function merged<T extends object>(defaults: T | undefined, args: StackValidationArgs): T {
  const fromFile = args.getConfig<Partial<T>>() ?? {};
  const out = { ...(defaults ?? {}) } as T;
  for (const [k, v] of Object.entries(fromFile)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

/** Violations at the policy's level; notes that a check could not run always as advisory. */
function report(result: CheckResult, s: StackRouting, reportViolation: ReportViolation): void {
  const urn = (names: string[]) => names.map((n) => s.urns.get(n)).find((u) => u !== undefined);
  // @pulumi/policy takes a violation object with its own level (as it does for values unknown at preview).
  const advisory = reportViolation as unknown as (v: { message: string; urn?: string; enforcementLevel: EnforcementLevel }) => void;
  for (const v of result.violations) {
    if (v.advisory) advisory({ message: v.message, urn: urn(v.resources), enforcementLevel: "advisory" });
    else reportViolation(v.message, urn(v.resources));
  }
  for (const n of result.notChecked) advisory({ message: n.message, urn: urn(n.resources), enforcementLevel: "advisory" });
}

function simulation(c: SimulationSettings): SimulationSettings {
  return { accountTimezone: c.accountTimezone, channelNames: c.channelNames };
}

const SEVERITIES = ["info", "warning", "error"];
const KINDS: FindingKind[] = ["shadowed", "may-be-shadowed", "unreachable-time", "coverage-gap", "after-catch-all", "no-target"];

/** `alert-routing-lint`: the findings of `alert-routing lint` (shadowed rules, coverage gaps, ...) on the resources concerned. */
export function lintPolicy(defaults?: LintPolicyConfig): StackValidationPolicy {
  return {
    name: POLICY_NAMES.lint,
    description: "Routing must have no lint findings: shadowed rules, rules after a catch-all, coverage gaps, rules without a target.",
    enforcementLevel: defaults?.enforcementLevel ?? "mandatory",
    configSchema: {
      properties: {
        minSeverity: { type: "string", enum: SEVERITIES, description: "The least severity reported (default warning)" },
        failOn: { type: "string", enum: SEVERITIES, description: "The least severity reported at the policy's level; others are advisory (default error)" },
        ignoreKinds: { type: "array", items: { type: "string", enum: KINDS }, description: "Finding kinds not reported" },
        accountTimezone: settingsSchema.accountTimezone,
      },
    },
    validateStack: (args, reportViolation) => {
      const c = merged(defaults, args);
      const s = stackRouting(args.resources);
      report(checkLint(s, c), s, reportViolation);
    },
  };
}

/** `alert-routing-expectations`: alerts and where each must go, checked against the declared routing. */
export function expectationsPolicy(defaults?: ExpectationsPolicyConfig): StackValidationPolicy {
  return {
    name: POLICY_NAMES.expectations,
    description: "Alerts must be routed where the expectations file says.",
    enforcementLevel: defaults?.enforcementLevel ?? "mandatory",
    configSchema: {
      properties: {
        file: { type: "string", description: "JSON or YAML file of { name, alert, at, routesTo } entries" },
        expectations: { type: "array", items: { type: "object" }, description: "Expectations given inline" },
        ...settingsSchema,
      },
    },
    validateStack: (args, reportViolation) => {
      const c = merged(defaults, args);
      const cases = [
        ...(c.file ? parseExpectations(readDataFile(resolveFile(c.file, c.baseDir)), c.file) : []),
        ...(c.expectations ? parseExpectations(c.expectations, "expectations (policy config)") : []),
      ];
      if (cases.length === 0) args.notApplicable("no expectations configured (set `file` in the policy pack config)");
      const s = stackRouting(args.resources);
      report(checkExpectations(s, cases, simulation(c)), s, reportViolation);
    },
  };
}

/** `alert-routing-corpus`: a set of alerts of which none may reach nobody. */
export function corpusPolicy(defaults?: CorpusPolicyConfig): StackValidationPolicy {
  return {
    name: POLICY_NAMES.corpus,
    description: "No alert of the corpus may reach nobody.",
    enforcementLevel: defaults?.enforcementLevel ?? "mandatory",
    configSchema: {
      properties: {
        file: { type: "string", description: "JSON or YAML file of { name, alert, at } entries (or bare alerts)" },
        alerts: { type: "array", items: { type: "object" }, description: "Alerts given inline" },
        at: { type: "array", items: { type: "string" }, description: "When the alerts fire (ISO 8601), for alerts without their own" },
        ...settingsSchema,
      },
    },
    validateStack: (args, reportViolation) => {
      const c = merged(defaults, args);
      const alerts = [
        ...(c.file ? parseCorpus(readDataFile(resolveFile(c.file, c.baseDir)), c.file) : []),
        ...(c.alerts ? parseCorpus(c.alerts, "alerts (policy config)") : []),
      ];
      if (alerts.length === 0) args.notApplicable("no corpus configured (set `file` in the policy pack config)");
      const s = stackRouting(args.resources);
      report(checkCorpus(s, alerts, { ...simulation(c), at: c.at }), s, reportViolation);
    },
  };
}

/** Every routing policy, to put in a policy pack of your own beside other policies. */
export function routingPolicies(opts: RoutingPoliciesOptions = {}): StackValidationPolicy[] {
  return [lintPolicy(opts.lint), expectationsPolicy(opts.expectations), corpusPolicy(opts.corpus)];
}

/**
 * Starts a policy pack of the routing policies: call it once from the `index.js` of a
 * policy pack directory (PulumiPolicy.yaml, and a package.json whose version the pack reports).
 */
export function routingPolicyPack(name = "alert-routing", opts: RoutingPoliciesOptions & { description?: string } = {}): PolicyPack {
  return new PolicyPack(name, {
    description: opts.description ?? "Alert routing checked before it is applied: lint findings, expectations, and alerts that must reach someone.",
    policies: routingPolicies(opts),
  });
}
