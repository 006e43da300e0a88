import type * as pulumi from "@pulumi/pulumi";
import type { z } from "zod";
import { endpointUrl, setStackConfig, VENDOR_SETTINGS } from "./config";
import { redactSecrets, sanitizeError, VendorError } from "./errors";
import { containsUnknown, unknownPaths } from "./unknown";
import { sameJson } from "./json";
import { distance } from "./distance";
import { watchEngine } from "./engine-watch";
import { RUNTIME_MODULE } from "./runtime-module";

export interface CheckFailure {
  property: string;
  reason: string;
}

export interface DiffResult {
  changes: boolean;
  replaces?: string[];
  deleteBeforeReplace?: boolean;
}

/**
 * What a resource is: its input schema, a pure diff, and the calls that manage it.
 * `I` are the inputs as validated by `schema`; `O` the outputs stored in state
 * (normalized inputs plus server fields).
 */
export interface ResourceDefinition<I, O extends object> {
  /** `pulumi-nodejs:dynamic/<module>:<type>` */
  module: string;
  type: string;
  schema: z.ZodType<I>;
  /** Top-level inputs whose change replaces the object (used when a value is unknown at preview). */
  replaceKeys?: readonly string[];
  /** Extra checks that need the API (e.g. a schema's labels). Runs only on fully known, valid inputs. */
  checkRemote?(news: I, olds: Partial<O> | undefined): Promise<CheckFailure[]>;
  /**
   * That what the inputs refer to exists (core/preflight.ts). Runs after `checkRemote` on fully
   * known, valid inputs; it looks only at references that differ from `olds` (undefined on a
   * create), so a steady preview makes no call.
   */
  preflight?(news: I, olds: Partial<O> | undefined): Promise<CheckFailure[]>;
  /**
   * Told of each resource's valid, fully known inputs as `check` passes them (`isNew`:
   * no old inputs), ahead of its create or update. No I/O: the engine checks every
   * resource of a run, so a provider can plan work that spans resources.
   */
  checked?(news: I, isNew: boolean): void;
  diff(olds: O, news: I): DiffResult;
  /**
   * The inputs a user would have declared for these outputs: the declared keys only
   * (no server fields, no filled-in defaults; `teamName` stays `teamName`). Read hands
   * them to the engine as the new inputs, so a refresh leaves no phantom diff behind.
   * Must accept partial outputs (state of older versions). Without it, read keeps the
   * stored inputs.
   */
  toInputs?(outs: Partial<O>): Record<string, unknown>;
  /** Output keys that change with no change a user declares (versions, timestamps, server keys): ignored when read asks "did the object change?". */
  volatileOutputs?: readonly string[];
  /**
   * Inputs that check adds from config (valid inputs only; `news` may hold unknowns, `olds`
   * are the stored inputs). They are what makes a replace that config caused show its
   * reason in the step's diff: the engine shows input keys only. The schema must tolerate them.
   */
  derivedInputs?(news: Record<string, unknown>, olds: Record<string, unknown> | undefined): Record<string, unknown>;
  create(inputs: I): Promise<{ id: string; outs: O }>;
  /** Live state, or undefined when the object is gone. `props` may be inputs only (import). */
  read(id: string, props: Partial<O>): Promise<{ id: string; outs: O } | undefined>;
  update(id: string, olds: O, news: I): Promise<O>;
  delete(id: string, props: O): Promise<void>;
}

/**
 * A definition with its types erased, as the dispatcher holds it: the engine hands
 * over plain JSON, and `check` (the definition's own schema) is what vouches for it.
 */
export type AnyResourceDefinition = ResourceDefinition<unknown, object>;
type AnyDefinition = AnyResourceDefinition;

const PROVIDER_KEY = "__provider";
/**
 * An output holding the inputs exactly as declared, kept only where `toInputs` of
 * the outputs cannot give them back (an explicit default, a list in another order,
 * an undeclared `order`). `__` keys are the engine's own: it shows them in no diff.
 */
export const DECLARED_KEY = "__inputs";

function strip(props: Record<string, unknown> | undefined): Record<string, unknown> {
  const { [PROVIDER_KEY]: _p, [DECLARED_KEY]: _d, ...rest } = props ?? {};
  return rest;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Outputs plus, where `toInputs` cannot restore them, the inputs as declared. */
function withDeclared(def: AnyDefinition, outs: object, declared: Record<string, unknown>): Record<string, unknown> {
  const o = plain(outs) as Record<string, unknown>;
  if (def.toInputs && !sameJson(def.toInputs(o), declared)) o[DECLARED_KEY] = declared;
  return o;
}

/**
 * What read hands the engine as inputs: the live object in the declared shape; the
 * inputs as declared when nothing managed changed since they were stored.
 */
export function inputsAfterRead(def: AnyDefinition, old: Record<string, unknown>, declared: unknown, outs: Record<string, unknown>): Record<string, unknown> | undefined {
  if (!def.toInputs) return undefined;
  // Every managed output counts, also those toInputs leaves out (a server-filled default may be declared too).
  const managed = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !def.volatileOutputs?.includes(k)));
  if (isRecord(declared) && sameJson(managed(old), managed(outs))) {
    outs[DECLARED_KEY] = declared;
    return declared;
  }
  return def.toInputs(outs);
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

function related(a: readonly PropertyKey[], b: readonly PropertyKey[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}


/** Validates with the zod schema; issues that touch a value not known yet (preview) are let through. */
export function validate<I>(schema: z.ZodType<I>, news: unknown): CheckFailure[] {
  const r = schema.safeParse(news);
  if (r.success) return [];
  const unknowns = unknownPaths(news);
  return r.error.issues
    .filter((iss) => !unknowns.some((u) => related(u, iss.path)))
    .flatMap((iss) => {
      const property = formatPath(iss.path) || "(inputs)";
      // Name each unknown key itself: it is usually a typo or a vendor (snake_case) spelling.
      if (iss.code === "unrecognized_keys") {
        const known = keysAt(schema, iss.path);
        return iss.keys.map((k) => ({ property: formatPath([...iss.path, k]), reason: `unknown property${spellingHint(k, known)}` }));
      }
      // zod's own wording ("Invalid input: expected object, received undefined"); a schema's message stays.
      if (iss.code === "invalid_type" && iss.message.startsWith("Invalid input: expected")) {
        const value = valueAt(news, iss.path);
        if (value === undefined) return [{ property, reason: `\`${property}\` is required` }];
        return [{ property, reason: `must be ${article(iss.expected)}, not ${describe(value)}` }];
      }
      // An enum or literal: name the value that was given, and the nearest allowed one.
      if (iss.code === "invalid_value" && Array.isArray(iss.values) && iss.values.length) {
        const value = valueAt(news, iss.path);
        const allowed = iss.values.map((v) => JSON.stringify(v));
        const given = value === undefined ? "(nothing)" : typeof value === "object" && value !== null ? describe(value) : JSON.stringify(value);
        const near = typeof value === "string" ? nearestValue(value, iss.values.filter((v): v is string => typeof v === "string")) : undefined;
        return [{ property, reason: `${given} is not one of ${allowed.join(", ")}${near !== undefined ? `; did you mean ${JSON.stringify(near)}?` : ""}` }];
      }
      return [{ property, reason: iss.message.replace(/^Invalid (input|option): /, "") }];
    });
}

/**
 * The allowed value a slip most likely meant: another case or spacing ("Monday",
 * "starts_with"), a prefix ("mon", "escalat"), or one or two typos ("equal").
 */
export function nearestValue(value: string, allowed: readonly string[]): string | undefined {
  const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, "");
  const v = fold(value);
  if (!v) return undefined;
  const same = allowed.filter((a) => fold(a) === v);
  if (same.length === 1) return same[0];
  const prefixed = allowed.filter((a) => fold(a).startsWith(v));
  if (v.length >= 3 && prefixed.length === 1) return prefixed[0];
  const scored = allowed.map((a) => ({ a, d: distance(v, fold(a)) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  if (!best || (scored[1] && scored[1].d === best.d)) return undefined;
  return best.d <= Math.max(1, Math.min(2, Math.floor(v.length / 3))) ? best.a : undefined;
}

function valueAt(v: unknown, path: readonly PropertyKey[]): unknown {
  let cur = v;
  for (const seg of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

const article = (t: string) => (/^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`);
const describe = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : article(typeof v));

// zod's own tree, read only to name the keys an object accepts (for spelling hints).
interface ZodInternals {
  _zod: { def: { type: string; shape?: Record<string, ZodInternals>; innerType?: ZodInternals; in?: ZodInternals; element?: ZodInternals; valueType?: ZodInternals; options?: ZodInternals[]; left?: ZodInternals; right?: ZodInternals; getter?: () => ZodInternals } };
}

function unwrap(s: ZodInternals): ZodInternals[] {
  const d = s._zod?.def;
  if (!d) return [];
  if (d.innerType) return unwrap(d.innerType);
  if (d.type === "pipe" && d.in) return unwrap(d.in);
  if (d.type === "lazy" && d.getter) return unwrap(d.getter());
  if (d.options) return d.options.flatMap(unwrap);
  if (d.type === "intersection" && d.left && d.right) return [...unwrap(d.left), ...unwrap(d.right)];
  return [s];
}

function keysAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  let cur = unwrap(schema as ZodInternals);
  for (const seg of path) {
    cur = cur.flatMap((s) => {
      const d = s._zod.def;
      if (d.shape && typeof seg === "string" && d.shape[seg]) return unwrap(d.shape[seg]);
      if (d.element && typeof seg === "number") return unwrap(d.element);
      if (d.valueType) return unwrap(d.valueType);
      return [];
    });
  }
  return [...new Set(cur.flatMap((s) => Object.keys(s._zod.def.shape ?? {})))];
}

/** " (inputs are camelCase: x)" for a vendor spelling, " (did you mean x?)" for a near miss. */
function spellingHint(key: string, known: readonly string[]): string {
  const camel = key.replace(/[_-]([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (camel !== key && (known.includes(camel) || !known.length)) return ` (inputs are camelCase: ${camel})`;
  const best = known
    .map((k) => ({ k, d: k.toLowerCase() === key.toLowerCase() ? 0 : distance(key, k) }))
    .sort((x, y) => x.d - y.d)[0];
  if (best && key.length >= 3 && best.d <= Math.max(1, Math.floor(key.length / 3))) return ` (did you mean ${best.k}?)`;
  return camel !== key ? ` (inputs are camelCase: ${camel})` : "";
}

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

async function guarded<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw sanitizeError(e);
  }
}

function configure(req: { config: { get(key: string): string | undefined; rawConfig?: Record<string, unknown> } }): void {
  const entries: Record<string, unknown> = {};
  const raw = req.config.rawConfig;
  if (raw && typeof raw === "object") {
    const namespaces = new Set(Object.keys(VENDOR_SETTINGS));
    for (const [k, v] of Object.entries(raw)) if (namespaces.has(k.split(":")[0])) entries[k] = v;
  } else {
    for (const vendor of Object.keys(VENDOR_SETTINGS)) {
      const s = VENDOR_SETTINGS[vendor];
      for (const key of [s.credentialKey, s.urlKey, "rateLimits", ...(s.extraKeys ?? [])]) entries[`${vendor}:${key}`] = req.config.get(`${vendor}:${key}`);
    }
  }
  setStackConfig(entries);
}

/** The engine-facing operations of a set of definitions, keyed `module:type`. */
export function createDispatcher(defs: AnyDefinition[]) {
  const byKey = new Map(defs.map((d) => [`${d.module}:${d.type}`, d]));
  return async function dispatch(key: string, method: string, args: unknown[]): Promise<unknown> {
    watchEngine();
    if (method === "configure") return configure(args[0] as Parameters<typeof configure>[0]);
    const def = byKey.get(key);
    if (!def) throw new Error(`pulumi-alert-routing: unknown resource type ${key}; is the installed package older than the state?`);
    switch (method) {
      case "check":
        return guarded(() => check(def, args[0] as Record<string, unknown> | undefined, args[1] as Record<string, unknown>));
      case "diff":
        return guarded(() => diff(def, args[1] as Record<string, unknown>, args[2] as Record<string, unknown>));
      case "create":
        return guarded(async () => {
          const declared = strip(args[0] as Record<string, unknown>);
          const r = await def.create(parseKnown(def, declared));
          return { id: r.id, outs: withDeclared(def, r.outs, declared) };
        });
      case "read":
        return guarded(async () => {
          const raw = (args[1] ?? {}) as Record<string, unknown>;
          const props = strip(raw);
          const r = await def.read(args[0] as string, props);
          // No id tells the engine the object is gone.
          if (!r) return { id: undefined, props: {} };
          const outs = plain(r.outs) as Record<string, unknown>;
          // Never the outputs as inputs: every later diff would list the server fields.
          const inputs = inputsAfterRead(def, props, raw[DECLARED_KEY], outs);
          return inputs ? { id: r.id, props: outs, inputs } : { id: r.id, props: outs };
        });
      case "update":
        return guarded(async () => {
          const declared = strip(args[2] as Record<string, unknown>);
          const outs = await def.update(args[0] as string, strip(args[1] as Record<string, unknown>), parseKnown(def, declared));
          return { outs: withDeclared(def, outs, declared) };
        });
      case "delete":
        return guarded(() => def.delete(args[0] as string, strip(args[1] as Record<string, unknown>)));
      default:
        throw new Error(`pulumi-alert-routing: unsupported provider method ${method}`);
    }
  };
}

/** NUL bytes and lone surrogates: no vendor stores them faithfully, and JSON encoders disagree on them. */
export function badStrings(v: unknown, at: PropertyKey[] = []): CheckFailure[] {
  if (typeof v === "string") {
    if (v.includes("\u0000")) return [{ property: formatPath(at) || "(inputs)", reason: "contains a NUL character (\\u0000), which the vendor APIs do not accept" }];
    if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v))
      return [{ property: formatPath(at) || "(inputs)", reason: "contains a lone UTF-16 surrogate (not valid Unicode text)" }];
    return [];
  }
  if (Array.isArray(v)) return v.flatMap((x, i) => badStrings(x, [...at, i]));
  if (v !== null && typeof v === "object") return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => [...badStrings(k, [...at, k]), ...badStrings(x, [...at, k])]);
  return [];
}

async function check(def: AnyDefinition, olds: Record<string, unknown> | undefined, news: Record<string, unknown>) {
  // A malformed base URL (no scheme, an API path, the web app's host) needs no call to see.
  if (VENDOR_SETTINGS[def.module]) endpointUrl(def.module);
  const inputs = strip(news);
  const failures = [...badStrings(inputs), ...validate(def.schema, inputs)];
  if (!failures.length && (def.checkRemote || def.checked || def.preflight) && !containsUnknown(inputs)) {
    const parsed = def.schema.parse(inputs);
    if (def.checkRemote) failures.push(...(await def.checkRemote(parsed, olds ? strip(olds) : undefined)));
    if (!failures.length && def.preflight) failures.push(...(await def.preflight(parsed, olds && Object.keys(strip(olds)).length ? strip(olds) : undefined)));
    if (!failures.length) def.checked?.(parsed, !olds || !Object.keys(strip(olds)).length);
  }
  const extra = !failures.length && def.derivedInputs ? def.derivedInputs(inputs, olds ? strip(olds) : undefined) : {};
  // Reasons may quote inputs or endpoints: they reach the CLI like errors do.
  return { inputs: Object.keys(extra).length ? { ...news, ...extra } : news, failures: failures.map((f) => ({ property: f.property, reason: redactSecrets(f.reason) })) };
}

/**
 * Inputs as the schema makes them (defaults, coercions), so create/update get the
 * type they declare. The engine has run `check` on them, so this only fails if
 * something bypassed it; then the same failures are reported.
 */
function parseKnown(def: AnyDefinition, inputs: Record<string, unknown>): unknown {
  const r = def.schema.safeParse(inputs);
  if (r.success) return r.data;
  const failures = validate(def.schema, inputs);
  throw new VendorError({
    vendor: def.module,
    kind: "validation",
    message: `invalid inputs: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`,
    fieldErrors: failures.map((f) => ({ field: f.property, message: f.reason })),
  });
}

function diff(def: AnyDefinition, oldsRaw: Record<string, unknown>, newsRaw: Record<string, unknown>): DiffResult {
  const olds = strip(oldsRaw);
  const news = strip(newsRaw);
  // A value not known yet is a change; diff the rest as if it kept its old value.
  const unknownKeys = Object.keys(news).filter((k) => containsUnknown(news[k]));
  const known = { ...news };
  for (const k of unknownKeys) known[k] = olds[k];
  // Parsed like create/update see them; a value filled in from the outputs may not parse as an input.
  const p = def.schema.safeParse(known);
  const r = def.diff(olds, p.success ? p.data : known);
  if (!unknownKeys.length) return r;
  const replaced = unknownKeys.filter((k) => def.replaceKeys?.includes(k));
  return { ...r, changes: true, replaces: [...new Set([...(r.replaces ?? []), ...replaced])] };
}

export type { DeepInput, InputArgs, OutputProperties } from "./input";

/**
 * The serialized provider: a few lines that load the installed package's runtime
 * by module name at call time. Nothing else is captured, so `__provider` stays
 * small, holds no credential, and refresh/destroy run the installed code.
 */
export function providerShim(runtimeModule: string, key: string): pulumi.dynamic.ResourceProvider {
  // One object per type: the SDK caches the serialized provider per object, and
  // serializing a closure costs milliseconds (a 1,000-rule stack paid seconds).
  const cacheKey = `${runtimeModule}|${key}`;
  let shim = shims.get(cacheKey);
  if (!shim) shims.set(cacheKey, (shim = (runtimeModule === RUNTIME_MODULE ? shippedShim(key) : undefined) ?? makeShim(runtimeModule, key)));
  return shim;
}

const shims = new Map<string, pulumi.dynamic.ResourceProvider>();

/** Where the build writes the module whose exports are the shim of `key` (scripts/gen-shims.mjs). */
export const shimFile = (key: string) => `${key.replace(":", ".")}.js`;

/**
 * An installed package ships one module per type whose exports are its shim. The
 * closure serializer stores a module of node_modules as `require("<path>")`, so
 * `__provider` is ~300 bytes instead of ~2.4 KB of wrapped functions, in every
 * resource's inputs and outputs. From a checkout (no node_modules), or for a
 * type the build did not list, the functions are stored by value as before.
 */
function shippedShim(key: string): pulumi.dynamic.ResourceProvider | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(`../shims/${shimFile(key)}`) as pulumi.dynamic.ResourceProvider;
  } catch {
    return undefined;
  }
}

export function makeShim(runtimeModule: string, key: string): pulumi.dynamic.ResourceProvider {
  const MOD = runtimeModule;
  const KEY = key;
  // Resolved from the project directory (the provider process's cwd): its
  // node_modules, or the package's own folder by self-reference (the demo).
  const call = (method: string, args: unknown[]) => {
    let runtime: { dispatch(k: string, m: string, a: unknown[]): Promise<never> };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require("module") as typeof import("module") & { enableCompileCache?: () => unknown };
    // Node's code cache (in the OS temp dir) for what loads next: each command starts a new
    // provider process, and parallel stacks start many at once. No-op where unsupported.
    mod.enableCompileCache?.();
    try {
      runtime = mod.createRequire(`${process.cwd()}/`)(MOD);
    } catch (e) {
      throw new Error(
        `cannot load ${MOD} from ${process.cwd()} (${String((e as Error).message).split("\n")[0]}). ` +
          `Run pulumi from the project directory, and install the package there (npm install ${MOD.split("/")[0]})`,
      );
    }
    return runtime.dispatch(KEY, method, args);
  };
  return {
    configure: (req) => call("configure", [req]),
    check: (olds, news) => call("check", [olds, news]),
    diff: (id, olds, news) => call("diff", [id, olds, news]),
    create: (inputs) => call("create", [inputs]),
    read: (id, props) => call("read", [id, props]),
    update: (id, olds, news) => call("update", [id, olds, news]),
    delete: (id, props) => call("delete", [id, props]),
  };
}

/** Resource props: the args plus every output key (undefined) so the engine's outputs surface as properties. */
export function withOutputKeys<T extends object>(args: T, outputKeys: readonly string[]): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const k of outputKeys) props[k] = undefined;
  return { ...props, ...args };
}
