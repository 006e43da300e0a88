import type { Agent, Dispatcher } from "undici";

type AgentClass = typeof Agent;
let cached: AgentClass | undefined;

/**
 * undici's index loads every dispatcher, the mocks, the caches and fetch: about 80 ms of a
 * provider process's start, and ten parallel stacks start ten processes on a few cores. The
 * client needs Agent and Dispatcher#request only, which the index wires up by mixing lib/api
 * into the Dispatcher prototype: do the same from those modules, or load the index if a
 * release moved them.
 */
export function agentClass(): AgentClass {
  if (cached) return cached;
  try {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const narrow = require("undici/lib/dispatcher/agent") as AgentClass;
    const api = require("undici/lib/api") as Record<string, unknown>;
    const base = require("undici/lib/dispatcher/dispatcher") as { prototype: object };
    /* eslint-enable @typescript-eslint/no-require-imports */
    if (typeof narrow === "function" && typeof api.request === "function" && narrow.prototype instanceof (base as unknown as AgentClass)) {
      if (!("request" in base.prototype)) Object.assign(base.prototype, api);
      return (cached = narrow);
    }
  } catch {
    // fall through to the index
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (cached = (require("undici") as typeof import("undici")).Agent);
}

export type ResponseData = Dispatcher.ResponseData;

/** `undici.request(url, { dispatcher })` without the index. */
export function requestOn(agent: Dispatcher, url: string, init: { method: Dispatcher.HttpMethod; headers?: Record<string, string>; body?: string }): Promise<ResponseData> {
  const u = new URL(url);
  return agent.request({ origin: u.origin, path: `${u.pathname}${u.search}`, method: init.method, headers: init.headers, body: init.body });
}

let plain: Agent | undefined;
/** For the odd call outside a vendor client (an Atlassian site's tenant_info). */
export const defaultAgent = (): Agent => (plain ??= new (agentClass())());
