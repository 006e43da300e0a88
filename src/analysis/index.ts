// Routing analysis: static findings (lint) and the impact of a change on a corpus of alerts.
export { lintRouting, SEVERITY_RANK, type Finding, type FindingKind, type LintOptions, type LintWindow, type Severity } from "./lint";
export { impact, impactMarkdown, impactText, destination, reachesNobody, NOBODY, type CorpusAlert, type ImpactGroup, type ImpactReport } from "./impact";
