export * from "./vendors";
export * as kit from "./core";
export * as simulator from "./simulator";
