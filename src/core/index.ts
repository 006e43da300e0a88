export * from "./config";
export * from "./errors";
export * from "./http";
export * from "./kit";
export * from "./rate-limit";
export * from "./retry";
export * from "./unknown";
export { processGlobal } from "./registry";
export { debug } from "./log";
