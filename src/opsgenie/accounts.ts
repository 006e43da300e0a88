import { z } from "zod";
import { formatPath, onceCache, registerSecret, resolveEndpoint, setting, VendorError } from "../core";
import { endpointProblem, type EndpointSource } from "../core/config";
import { OPSGENIE_REGION_HINT, opsgenieSettings } from "./protocol";
import { defaultAgent, requestOn } from "../core/undici";

// Named accounts: a stack may route on several Opsgenie, JSM Operations and Compass
// Operations accounts at once. `opsgenie:accounts` (stack config, an object; secret
// leaves with `--secret --path`) or OPSGENIE_ACCOUNTS (JSON) maps a name to where and
// how to call. "default" without an entry is today's opsgenie:apiKey / opsgenie:apiUrl.

export type Platform = "opsgenie" | "jsm" | "compass";
export const PLATFORMS: readonly Platform[] = ["opsgenie", "jsm", "compass"];
export const DEFAULT_ACCOUNT = "default";
export const ACCOUNTS_KEY = "opsgenie:accounts";
export const ACCOUNTS_ENV = "OPSGENIE_ACCOUNTS";
export const ATLASSIAN_API_URL = "https://api.atlassian.com";

/** An account name: also part of env var names (OPSGENIE_<NAME>_API_TOKEN). */
export const ACCOUNT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

const url = (what: string) => z.string({ error: `must be a URL string (${what})` }).regex(/^https?:\/\/[^\s/]+/, `must be an http(s) URL (${what})`);
const nonEmpty = (what: string) => z.string({ error: `must be a string (${what})` }).min(1, `must not be empty (${what})`);

const opsgenieAccountSchema = z.strictObject({
  platform: z.literal("opsgenie"),
  apiKey: nonEmpty("the Opsgenie API key").optional(),
  apiUrl: url("e.g. https://api.eu.opsgenie.com").optional(),
});

const atlassianAccountSchema = z
  .strictObject({
    platform: z.enum(["jsm", "compass"], { error: () => "must be one of opsgenie, jsm, compass" }),
    cloudId: nonEmpty("the site's cloud id").regex(/^[A-Za-z0-9-]+$/, "must be a cloud id (letters, digits, '-')").optional(),
    site: nonEmpty("the site, e.g. acme for acme.atlassian.net").regex(/^[A-Za-z0-9-]+(\.atlassian\.net)?$/, "must be a site name such as acme (acme.atlassian.net)").optional(),
    email: nonEmpty("the Atlassian account's email"),
    apiToken: nonEmpty("the Atlassian API token").optional(),
    apiUrl: url("the API host, default https://api.atlassian.com").optional(),
    /** Where `/_edge/tenant_info` is asked (default https://<site>.atlassian.net). */
    tenantInfoUrl: url("default https://<site>.atlassian.net").optional(),
  })
  .refine((a) => a.cloudId !== undefined || a.site !== undefined, { message: "give cloudId or site (its cloud id is looked up)", path: ["cloudId"] });

const accountSchema = z.discriminatedUnion("platform", [opsgenieAccountSchema, atlassianAccountSchema], {
  error: () => "needs platform: one of opsgenie, jsm, compass",
});
const accountsSchema = z.record(z.string().regex(ACCOUNT_NAME_RE, "account names are letters, digits, '_' and '-' (up to 63)"), accountSchema);

export type AccountConfig = z.infer<typeof accountSchema>;

/** Where an account's calls go and how they authenticate. Never stored: `target` is. */
export interface ResolvedAccount {
  name: string;
  platform: Platform;
  /** The API host (no path). */
  apiUrl: string;
  cloudId?: string;
  site?: string;
  tenantInfoUrl?: string;
  /** The GenieKey, or `email:apiToken` for Basic auth. */
  credential: string;
  /** The settings behind it, named in auth, not-found and connection errors. */
  source?: EndpointSource;
}

export const PLATFORM_LABELS: Record<Platform, string> = { opsgenie: "Opsgenie", jsm: "JSM Operations", compass: "Compass Operations" };

/** The settings of a named account, for errors: config paths, env vars, what its platform accepts. */
function accountSource(name: string, a: AccountConfig): EndpointSource {
  const path = (k: string) => `${ACCOUNTS_KEY}.${name}.${k}`;
  if (a.platform === "opsgenie")
    return { account: `account "${name}" (Opsgenie)`, credentialKey: path("apiKey"), credentialEnv: envName(name, "API_KEY"), urlKey: path("apiUrl"), urlEnv: ACCOUNTS_ENV, authHint: OPSGENIE_REGION_HINT };
  const site = a.site ? `site ${a.site}` : `cloud id ${a.cloudId}`;
  return {
    account: `account "${name}" (${PLATFORM_LABELS[a.platform]}, ${site})`,
    credentialKey: `${path("apiToken")} with ${path("email")}`,
    credentialEnv: envName(name, "API_TOKEN"),
    urlKey: path("apiUrl"),
    urlEnv: ACCOUNTS_ENV,
    // "basic", not "Basic": the redaction takes the word after "Basic " for a credential.
    authHint: `${PLATFORM_LABELS[a.platform]} takes an Atlassian API token with its account's email (HTTP basic auth), not an Opsgenie API key, and that account needs access to the site's operations`,
  };
}

/** A configured account's apiUrl, refused with the fix when malformed (no call). */
function checkedUrl(name: string, url: string | undefined, fallback: string, hosts: Pick<typeof opsgenieSettings, "knownHosts" | "domain">): string {
  if (url === undefined) return fallback;
  const problem = endpointProblem(url, `${ACCOUNTS_KEY}.${name}.apiUrl`, { ...hosts, defaultUrl: fallback });
  if (problem) throw new VendorError({ vendor: "opsgenie", kind: "config", code: "bad_endpoint", message: problem });
  return url.trim().replace(/\/+$/, "");
}

const envName = (account: string, suffix: string) => `OPSGENIE_${account.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_${suffix}`;

// Stack config holds objects as JSON; a secret leaf may arrive wrapped as the SDK's secret sentinel.
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
function unwrapSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapSecrets);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o[SECRET_SIG] !== undefined && "value" in o) return unwrapSecrets(o.value);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, unwrapSecrets(x)]));
  }
  return v;
}

/** Parses the accounts object; errors name the source and the bad path, never a value. */
export function parseAccounts(text: string, source: string): Record<string, AccountConfig> {
  let raw: unknown;
  try {
    raw = unwrapSecrets(JSON.parse(text));
  } catch {
    throw new VendorError({ vendor: "opsgenie", kind: "config", message: `${source} must be a JSON object of accounts (name -> { platform, ... }); it is not valid JSON` });
  }
  const r = accountsSchema.safeParse(raw);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => `${source}${i.path.length ? `.${formatPath(i.path)}` : ""}: ${i.message.replace(/^Invalid input: /, "")}`);
  throw new VendorError({ vendor: "opsgenie", kind: "config", message: `invalid accounts: ${problems.join("; ")}` });
}

/** The configured accounts (stack config first, then OPSGENIE_ACCOUNTS), or none. */
function configuredAccounts(): { accounts: Record<string, AccountConfig>; source: string } {
  const text = setting("opsgenie", "accounts", ACCOUNTS_ENV);
  if (text === undefined) return { accounts: {}, source: ACCOUNTS_KEY };
  const source = text === setting("opsgenie", "accounts") ? ACCOUNTS_KEY : ACCOUNTS_ENV;
  return { accounts: parseAccounts(text, source), source };
}

/** Every place a credential of `account` can come from, for the error that says none did. */
function missing(account: string, field: "apiKey" | "apiToken", what: string): VendorError {
  const env = envName(account, field === "apiKey" ? "API_KEY" : "API_TOKEN");
  return new VendorError({
    vendor: "opsgenie",
    kind: "config",
    message:
      `account "${account}" has no ${what}. Give it one of these ways: ` +
      `\`pulumi config set --secret --path '${ACCOUNTS_KEY}.${account}.${field}' <value>\` in the stack, ` +
      `\`stack.setConfig("${ACCOUNTS_KEY}.${account}.${field}", { value, secret: true }, true)\` with the Automation API (path config), ` +
      `the ${ACCOUNTS_ENV} environment variable (JSON: {"${account}": {..., "${field}": "..."}}), ` +
      `or the ${env} environment variable`,
  });
}

/** Resolves an account by name: credentials from config/env, never from resource inputs. */
export function resolveAccount(name: string = DEFAULT_ACCOUNT): ResolvedAccount {
  const { accounts, source } = configuredAccounts();
  const a = accounts[name];
  if (!a) {
    if (name === DEFAULT_ACCOUNT) {
      // Today's settings: opsgenie:apiKey / opsgenie:apiUrl, OPSGENIE_API_KEY / OPSGENIE_API_URL.
      const e = resolveEndpoint("opsgenie");
      return { name, platform: "opsgenie", apiUrl: e.baseUrl, credential: e.credential, source: e.source && { ...e.source, account: `account "default" (Opsgenie)` } };
    }
    const known = Object.keys(accounts);
    throw new VendorError({
      vendor: "opsgenie",
      kind: "config",
      message:
        `no account "${name}" is configured (${known.length ? `${source} has ${known.map((k) => `"${k}"`).join(", ")}` : `neither ${ACCOUNTS_KEY} nor ${ACCOUNTS_ENV} is set`}). ` +
        `Add it with \`pulumi config set --path '${ACCOUNTS_KEY}.${name}.platform' jsm\` (plus its site or cloudId, email and, with --secret, apiToken; ` +
        `or platform opsgenie and apiKey), or in the ${ACCOUNTS_ENV} environment variable (JSON)`,
    });
  }
  const trim = (u: string) => u.replace(/\/+$/, "");
  const origin = accountSource(name, a);
  if (a.platform === "opsgenie") {
    const apiUrl = checkedUrl(name, a.apiUrl, opsgenieSettings.defaultUrl, opsgenieSettings);
    const apiKey = a.apiKey ?? process.env[envName(name, "API_KEY")];
    if (!apiKey) throw missing(name, "apiKey", "Opsgenie API key");
    registerSecret(apiKey);
    return { name, platform: "opsgenie", apiUrl, credential: apiKey, source: origin };
  }
  const apiUrl = checkedUrl(name, a.apiUrl, ATLASSIAN_API_URL, { knownHosts: ["api.atlassian.com"], domain: "atlassian.com" });
  const token = a.apiToken ?? process.env[envName(name, "API_TOKEN")];
  if (!token) throw missing(name, "apiToken", "Atlassian API token (HTTP basic auth with its email)");
  const credential = `${a.email}:${token}`;
  registerSecret(token);
  registerSecret(credential);
  registerSecret(Buffer.from(credential).toString("base64"));
  const out: ResolvedAccount = { name, platform: a.platform, apiUrl, credential, source: origin };
  if (a.cloudId !== undefined) out.cloudId = a.cloudId;
  if (a.site !== undefined) out.site = a.site.replace(/\.atlassian\.net$/, "");
  if (a.tenantInfoUrl !== undefined) out.tenantInfoUrl = trim(a.tenantInfoUrl);
  return out;
}

const tenantUrl = (a: ResolvedAccount) => a.tenantInfoUrl ?? `https://${a.site}.atlassian.net`;
const cloudIds = () => onceCache<string>("atlassian-cloud-ids.v1");
const knownCloudIds = new Map<string, string>();

/** The account's cloud id: configured, or `GET <site>/_edge/tenant_info` once per process and site. */
export async function cloudIdOf(a: ResolvedAccount): Promise<string> {
  if (a.cloudId !== undefined) return a.cloudId;
  const base = tenantUrl(a);
  const id = await cloudIds()(base, async () => {
    let res;
    try {
      res = await requestOn(defaultAgent(), `${base}/_edge/tenant_info`, { method: "GET", headers: { accept: "application/json" } });
    } catch (e) {
      throw new VendorError({ vendor: "opsgenie", kind: "network", message: `account "${a.name}": could not reach ${base}/_edge/tenant_info to look up the site's cloud id (${(e as { code?: string }).code ?? "error"}); set cloudId instead` });
    }
    const text = await res.body.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const cloudId = body && typeof body === "object" ? (body as Record<string, unknown>).cloudId : undefined;
    if (res.statusCode >= 300 || typeof cloudId !== "string" || !cloudId)
      throw new VendorError({ vendor: "opsgenie", kind: "config", status: res.statusCode, message: `account "${a.name}": ${base}/_edge/tenant_info gave no cloudId (HTTP ${res.statusCode}); set cloudId instead` });
    return cloudId;
  });
  knownCloudIds.set(base, id);
  return id;
}

/**
 * Where the rules live, credentials left out: recorded in the outputs, so that a
 * switch of platform or tenant is seen. `opsgenie <host>` or `<platform> <host> <cloudId>`.
 */
export function targetOf(a: ResolvedAccount, cloudId?: string): string {
  if (a.platform === "opsgenie") return `opsgenie ${a.apiUrl}`;
  return `${a.platform} ${a.apiUrl} ${cloudId ?? a.cloudId ?? `site:${a.site}`}`;
}

/**
 * The target, synchronously (the diff): the cloud id of a site-only account comes from
 * this process's lookup (check asks for it first), else it reads `site:<site>`.
 * Undefined when the account cannot be resolved (create/update then say why).
 */
export function currentTarget(account: string | undefined): string | undefined {
  let a: ResolvedAccount;
  try {
    a = resolveAccount(account ?? DEFAULT_ACCOUNT);
  } catch {
    return undefined;
  }
  if (a.platform !== "opsgenie" && a.cloudId === undefined) return targetOf(a, knownCloudIds.get(tenantUrl(a)));
  return targetOf(a);
}

/**
 * What state without a `target` was made on: versions before accounts knew only
 * Opsgenie (which host is not recorded, so any Opsgenie host matches it).
 */
export const LEGACY_TARGET = "opsgenie";

/** Two targets name the same place; a `site:` one matches any cloud id on its platform and host, a bare platform any host. */
export function sameTarget(a: string, b: string): boolean {
  if (a === b) return true;
  const [pa, ha, ca] = a.split(" ");
  const [pb, hb, cb] = b.split(" ");
  if (pa !== pb) return false;
  if (ha === undefined || hb === undefined) return true;
  return ha === hb && (ca?.startsWith("site:") || cb?.startsWith("site:") || false);
}
