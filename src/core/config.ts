import { VendorError, registerSecret } from "./errors";
import { processGlobal } from "./registry";

export type Vendor = "flashduty" | "rootly" | "opsgenie";

export interface VendorSettings {
  credentialKey: string;
  credentialEnv: string;
  urlKey: string;
  urlEnv: string;
  defaultUrl: string;
  label: string;
}

export const VENDOR_SETTINGS: Record<string, VendorSettings> = {
  flashduty: {
    credentialKey: "appKey",
    credentialEnv: "FLASHDUTY_APP_KEY",
    urlKey: "baseUrl",
    urlEnv: "FLASHDUTY_BASE_URL",
    defaultUrl: "https://api.flashcat.cloud",
    label: "Flashduty APP key",
  },
  rootly: {
    credentialKey: "apiToken",
    credentialEnv: "ROOTLY_API_TOKEN",
    urlKey: "apiUrl",
    urlEnv: "ROOTLY_API_URL",
    defaultUrl: "https://api.rootly.com",
    label: "Rootly API token",
  },
  opsgenie: {
    credentialKey: "apiKey",
    credentialEnv: "OPSGENIE_API_KEY",
    urlKey: "apiUrl",
    urlEnv: "OPSGENIE_API_URL",
    defaultUrl: "https://api.opsgenie.com",
    label: "Opsgenie API key",
  },
};

/** Adds a namespace whose credential and URL resolve like the built-in vendors' (for resources built with the kit). */
export function registerVendor(name: string, settings: VendorSettings): void {
  VENDOR_SETTINGS[name] ??= settings;
}

/** The stack config the engine hands to `configure`, with secrets unwrapped; full `ns:key` names. */
type StackConfig = Map<string, string>;

function stackConfig(): StackConfig {
  return processGlobal("stack-config", () => new Map<string, string>());
}

/** Called from the provider's `configure`: remembers the stack config for this process. */
export function setStackConfig(entries: Record<string, unknown>): void {
  const cfg = stackConfig();
  for (const [k, v] of Object.entries(entries)) {
    if (v === undefined || v === null) continue;
    cfg.set(k, typeof v === "string" ? v : JSON.stringify(v));
  }
}

/** A setting: stack config `vendor:key` first, then the env var, read at call time. */
export function setting(vendor: string, key: string, env?: string): string | undefined {
  const fromConfig = stackConfig().get(`${vendor}:${key}`);
  if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
  const fromEnv = env ? process.env[env] : undefined;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : undefined;
}

export interface Endpoint {
  vendor: string;
  baseUrl: string;
  credential: string;
}

export function resolveEndpoint(vendor: string): Endpoint {
  const s = VENDOR_SETTINGS[vendor];
  if (!s) throw new Error(`unknown vendor ${vendor}`);
  const credential = setting(vendor, s.credentialKey, s.credentialEnv);
  if (!credential) {
    throw new VendorError({
      vendor,
      kind: "config",
      message:
        `no ${s.label} configured. Give it one of three ways: ` +
        `\`pulumi config set --secret ${vendor}:${s.credentialKey} <value>\` in the stack, ` +
        `\`stack.setConfig("${vendor}:${s.credentialKey}", { value, secret: true })\` with the Automation API, ` +
        `or the ${s.credentialEnv} environment variable`,
    });
  }
  registerSecret(credential);
  const baseUrl = (setting(vendor, s.urlKey, s.urlEnv) ?? s.defaultUrl).replace(/\/+$/, "");
  return { vendor, baseUrl, credential };
}
