import { setAt, valid, type Case } from "../malformed-kit";

// Hand-written malformed inputs with their exact paths (run by test/unit/malformed.test.ts).
export const cases: Case[] = [
  { type: "flashduty:Route", what: "bad regex value", inputs: setAt(valid["flashduty:Route"], ["cases", 0, "if", 0, "vals", 1], "/([a-z/"), path: "cases[0].if[0].vals[1]" },
  { type: "flashduty:Route", what: "bad CIDR", inputs: setAt(valid["flashduty:Route"], ["cases", 0, "if", 1, "vals", 0], "cidr:10.0.0.0/33"), path: "cases[0].if[1].vals[0]" },
  { type: "flashduty:Route", what: "bad num operator", inputs: setAt(valid["flashduty:Route"], ["cases", 1, "if", 0, "vals", 0], "num:between:1"), path: "cases[1].if[0].vals[0]" },
  { type: "flashduty:Route", what: "num without a number", inputs: setAt(valid["flashduty:Route"], ["cases", 1, "if", 0, "vals", 0], "num:lt:"), path: "cases[1].if[0].vals[0]" },
  { type: "flashduty:Route", what: "oper in lower case", inputs: setAt(valid["flashduty:Route"], ["cases", 0, "if", 0, "oper"], "in"), path: "cases[0].if[0].oper" },
  { type: "flashduty:Route", what: "empty vals", inputs: setAt(valid["flashduty:Route"], ["cases", 0, "if", 0, "vals"], []), path: "cases[0].if[0].vals" },
  { type: "flashduty:Route", what: "standard case without channels", inputs: setAt(valid["flashduty:Route"], ["cases", 0, "channelIds"], []), path: "cases[0].channelIds" },
  { type: "flashduty:Route", what: "name_mapping without label", inputs: setAt(valid["flashduty:Route"], ["cases", 1, "nameMappingLabel"], undefined), path: "cases[1].nameMappingLabel" },
  { type: "flashduty:Route", what: "section past the end", inputs: setAt(valid["flashduty:Route"], ["sections", 0, "position"], 9), path: "sections[0].position" },
  { type: "flashduty:Route", what: "negative channel id", inputs: setAt(valid["flashduty:Route"], ["default", "channelIds", 0], -3), path: "default.channelIds[0]" },
  { type: "flashduty:Route", what: "neither cases nor default", inputs: { integrationId: 1 }, path: "cases" },
  { type: "flashduty:MappingData", what: "schema id not hex", inputs: setAt(valid["flashduty:MappingData"], ["schemaId"], "not-a-schema-id-at-all!!"), path: "schemaId" },
  { type: "flashduty:MappingData", what: "label name with capitals", inputs: setAt(valid["flashduty:MappingData"], ["rows", 0], { Host: "a" }), path: "rows[0].Host" },
  { type: "flashduty:MappingData", what: "non-string label value", inputs: setAt(valid["flashduty:MappingData"], ["rows", 0, "owner"], 7), path: "rows[0].owner" },
  { type: "flashduty:MappingData", what: "value over 2048 characters", inputs: setAt(valid["flashduty:MappingData"], ["rows", 0, "owner"], "x".repeat(2049)), path: "rows[0].owner" },
  { type: "flashduty:MappingData", what: "more than 10,000 rows", inputs: { schemaId: "665f1a2b3c4d5e6f7a8b9c01", rows: Array.from({ length: 10_001 }, (_, i) => ({ host: `h${i}` })) }, path: "rows" },
];
