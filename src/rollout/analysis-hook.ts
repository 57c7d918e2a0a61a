// The analysis contract the strategies call (canary `analyze` steps, blue-green pre/post promotion
// analysis, background analysis). It is defined once, by the analysis package; the rollout code
// only needs its types, and the deploy step passes the analyzer in.

export type { AnalysisRequest, AnalysisResult, Analyzer, Verdict } from '../analysis/analyzer.js';
