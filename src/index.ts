export * from "./flashduty";
export * from "./opsgenie";
export * from "./rootly";
export * as kit from "./core";
export * as simulator from "./simulator";
