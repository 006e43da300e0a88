export * from "./flashduty";
export * from "./opsgenie";
export * from "./rootly";
export * as kit from "./core";
