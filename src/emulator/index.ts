export * from "./framework";
