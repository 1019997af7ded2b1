/**
 * Automaton extraction from a lookup-table sequence model: hidden-state traces over the table symbols, k chosen by
 * fidelity to the network's own answers, and a comparison with the task's ground-truth automaton.
 *
 * The network's "output" after i tables is what it answers when asked the prefix as a whole task: for the row
 * `x t_a t_b` the network is asked `x t_a .` and `x t_a t_b .`. That is a behavioural reading of the state (a
 * membership query in L* terms) that needs no probe, so fidelity compares the automaton with the network itself.
 */
import { evaluateExamples } from '../../lib/train/evaluate';
import { Dfa } from '../../lib/automata/types';
import { SequenceModel } from '../../lib/models/types';
import { encodeLookupRow, LookupRow, LookupTask, lookupAutomaton, tableName } from '../../lib/tasks/lookup';
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { collectHookVectors } from './model-traces';
import { compareWithTruth, Comparison } from './compare';
import { Extraction, extractDfa } from './extract';
import { fidelity, FidelityReport } from './fidelity';
import { LeaderQuantizer, Quantizer } from './quantize';
import { selectK } from './select';
import { minimize } from './minimize';
import { toDot } from './export';
import { Trace } from './trace';

export interface LookupExtractionOptions {
  /** Hook whose vectors are the states (default: the model's stateHook). */
  hook?: string;
  /** Splits whose traces fit the quantizer and the transitions (default: ['train']). */
  fitSplits?: string[];
  /** Split used to choose k (default: 'validation', else the first fit split). */
  selectionSplit?: string;
  /** Splits on which fidelity and truth agreement are reported (default: every split). */
  evalSplits?: string[];
  /** Candidate numbers of clusters for k-means (default 8, 10, 12, 16, 20, 24, 32). */
  kValues?: number[];
  /** 'kmeans' (k chosen by fidelity) or 'leader' (ε-ball clustering with `radius`). */
  method?: 'kmeans' | 'leader';
  radius?: number;
  seed?: number;
}

export interface SplitFidelity {
  split: string;
  traces: number;
  /** Automaton vs the network's answers on every prefix. */
  outputs: FidelityReport;
  /** Automaton (through the state mapping) vs the ground-truth automaton. */
  truth: FidelityReport;
}

export interface LookupExtractionResult {
  hook: string;
  method: string;
  k: number;
  candidates: { k: number; stepAgreement: number; conflictRate: number }[];
  extraction: Extraction;
  comparison: Comparison;
  minimizedStates: number;
  /** The extracted automaton after Hopcroft minimization (states labelled by the network's majority answer). */
  minimized: Dfa;
  fidelity: SplitFidelity[];
  dot: string;
}

export function extractLookupAutomaton(model: SequenceModel, task: LookupTask, options: LookupExtractionOptions = {}): LookupExtractionResult {
  const hook = options.hook ?? model.stateHook;
  if (!model.hookPoints.includes(hook)) throw new ComplensError(`--hook: ${hook} is not a hook point of this model; it has ${model.hookPoints.join(', ')}`);
  const splits = task.splitNames();
  const fitSplits = options.fitSplits ?? ['train'];
  const selectionSplit = options.selectionSplit ?? (splits.includes('validation') ? 'validation' : fitSplits[0]);
  for (const s of [...fitSplits, selectionSplit, ...(options.evalSplits ?? [])]) {
    if (!splits.includes(s)) throw new ComplensError(`split ${JSON.stringify(s)} does not exist; this task has ${splits.join(', ')}`);
  }
  const traceCache = new Map<string, Trace[]>();
  const tracesOf = (split: string) => {
    if (!traceCache.has(split)) traceCache.set(split, lookupTraces(model, task, split, hook));
    return traceCache.get(split)!;
  };
  const fitTraces = fitSplits.flatMap(tracesOf);
  const alphabet = task.spec.tables.map((_, t) => tableName(t));
  const truth = lookupAutomaton(task.spec.tables, task.spec.bits);
  const seed = options.seed ?? 0;

  let quantizer: Quantizer;
  let extraction: Extraction;
  let candidates: LookupExtractionResult['candidates'] = [];
  if ((options.method ?? 'kmeans') === 'kmeans') {
    const selection = selectK(fitTraces, tracesOf(selectionSplit), alphabet, {
      kValues: options.kValues ?? [8, 10, 12, 16, 20, 24, 32],
      target: 'outputs',
      seed,
    });
    quantizer = selection.quantizer;
    extraction = selection.extraction;
    candidates = selection.candidates.map((c) => ({ k: c.k, stepAgreement: c.fidelity.stepAgreement, conflictRate: c.conflictRate }));
  } else {
    quantizer = new LeaderQuantizer({ radius: options.radius ?? 1, seed }).fit(fitTraces.flatMap((t) => [t.initialState!, ...t.states]));
    extraction = extractDfa(fitTraces, quantizer, alphabet);
  }
  const comparison = compareWithTruth(extraction.dfa, quantizer as Quantizer & { k: number }, fitTraces, truth);
  const evalSplits = options.evalSplits ?? splits;
  const outputLabels = extraction.outputLabels ?? [];
  const fidelityBySplit = evalSplits.map((split) => {
    const traces = tracesOf(split);
    return {
      split,
      traces: traces.length,
      outputs: fidelity(extraction.dfa, quantizer, traces, { kind: 'outputs', labels: outputLabels }),
      truth: fidelity(extraction.dfa, quantizer, traces, { kind: 'truth', truth, labels: comparison.mapping }),
    };
  });
  const minimized = minimize(extraction.dfa).dfa;
  return {
    hook,
    method: quantizer.method,
    k: quantizer.k,
    candidates,
    extraction,
    comparison,
    minimizedStates: minimized.stateCount,
    minimized,
    fidelity: fidelityBySplit,
    dot: toDot(minimized, { title: `extracted automaton (${quantizer.method}, k=${quantizer.k})` }),
  };
}

/**
 * One trace per example: the state after the input bits, then one state per table symbol; `outputs[i]` is the
 * network's answer (as a value) when asked the prefix of i+1 tables; `startLabel` is the input value.
 */
export function lookupTraces(model: SequenceModel, task: LookupTask, split: string, hook: string): Trace[] {
  const examples = task.split(split).examples;
  const rows = task.rows(split);
  const bits = task.spec.bits;
  const lastBit = bits - 1;
  const positions = examples.map((_, i) => Array.from({ length: rows[i].tables.length + 1 }, (_, step) => lastBit + step));
  const vectors = collectHookVectors(model, examples, hook, positions);
  const answers = prefixAnswers(model, task, rows);
  return rows.map((row, i) => ({
    symbols: [...row.tables],
    initialState: vectors[i][0],
    states: vectors[i].slice(1),
    startLabel: row.input,
    outputs: row.tables.map((_, j) => answers.get(prefixKey(row, j + 1)) ?? -1),
  }));
}

function prefixKey(row: LookupRow, length: number): string {
  return `${row.input}:${row.tables.slice(0, length).join(',')}`;
}

/** The network's answer value for every distinct prefix of the rows (−1 when the answer is malformed). */
function prefixAnswers(model: SequenceModel, task: LookupTask, rows: readonly LookupRow[]): Map<string, number> {
  const { tables, bits, encoding } = task.spec;
  const prefixes = new Map<string, LookupRow>();
  for (const row of rows) for (let j = 1; j <= row.tables.length; j++) prefixes.set(prefixKey(row, j), { input: row.input, tables: row.tables.slice(0, j) });
  const keys = [...prefixes.keys()];
  const examples: EncodedExample[] = keys.map((k) => encodeLookupRow(prefixes.get(k)!, tables, bits, encoding, 0));
  const { predictions } = evaluateExamples(model, examples);
  return new Map(keys.map((k, i) => [k, answerValue(predictions[i], bits)]));
}

/** The final value in an answer: its last `bits` tokens before the end marker, read as bits (token ids 0 and 1). */
export function answerValue(tokens: readonly number[], bits: number): number {
  const digits = tokens.slice(tokens.length - 1 - bits, tokens.length - 1);
  if (digits.length !== bits || digits.some((d) => d !== 0 && d !== 1)) return -1;
  return digits.reduce((v, d) => v * 2 + d, 0);
}


