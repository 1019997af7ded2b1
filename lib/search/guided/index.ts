/** The guided haystack search (docs/guided-search.md). */
export { runGuidedSearch, guidedSummary, rowKeyOf, validateGuidedSettings, GUIDED_DEFAULTS, GUIDED_FILE, GUIDED_DIR, DECISIONS_FILE, STATE_FILE } from './engine';
export type { GuidedSettings, GuidedBudget, RunGuidedOptions, GuidedResult, GuidedRow, LineageStep } from './engine';
export { decide, ScoreReference, ashaRungs, isDecisionPoint, POLICY_DEFAULTS, GUIDED_STRATEGIES } from './policy';
export type { PolicySettings, GuidedStrategy, Candidate, Decision, Action } from './policy';
export { computeSignals, SIGNAL_NAMES } from './signals';
export type { Signals, SignalName, SignalContext } from './signals';
export { chooseValidationCompositions, guidedData } from './task';
export type { GuidedData } from './task';
export { HostRnn } from './forward';
