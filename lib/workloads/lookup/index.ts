/**
 * Lookup-table composition (Liška et al. 2018): RNNs read a bit string and a sequence of tables and emit the
 * composed lookup; the question is whether they generalize to held-out compositions. Task: lib/tasks/lookup.
 */
import * as path from 'path';
import { LOOKUP_ENCODINGS } from '../../tasks/lookup/encoding';
import { LOOKUP_REGIMES } from '../../tasks/lookup/spec';
import { sequenceOut, sequenceWorkload } from '../sequence';

export const lookupWorkload = sequenceWorkload({
  name: 'lookup',
  summary: 'lookup-table composition, RNNs (Liška et al. 2018)',
  // The trainer's defaults (TRAIN_DEFAULTS: Adam 3e-3, batch 32, stop at 100% train exact match) are the perf
  // study's measured setting; the paper's own are unverified (spec A.4).
  defaults: {
    task: { kind: 'lookup' },
    model: { arch: 'rnn', cell: 'gru', hiddenSize: 64, embedSize: 16 },
    training: {},
  },
  flags: [
    {
      name: 'data', type: 'string', value: 'NAME|DIR', field: 'task.sample', help: 'lookup data sample: a public one (sample1..sample5) or a folder in that format (default: sample1)',
      aliases: [{ name: 'sample', deprecated: true }, { name: 'split', deprecated: true }],
    },
    { name: 'split-seed', type: 'int', value: 'N', field: 'task.splitSeed', help: 'generate tables and splits from this seed instead of a public sample' },
    { name: 'encoding', type: 'string', choices: LOOKUP_ENCODINGS, field: 'task.encoding', help: 'lookup answer format (default: final)' },
    { name: 'regime', type: 'string', choices: LOOKUP_REGIMES, field: 'task.regime', help: 'lookup training regime (default: atomic+composed)' },
    { name: 'aux-weight', type: 'number', field: 'training.auxWeight', help: 'weight of auxiliary automaton-state supervision, Liška et al. Exp. 1 (default: 0 = off)' },
    { name: 'aux-target', type: 'string', choices: ['readout', 'codes'], field: 'training.auxTarget', help: 'auxiliary supervision: linear readout of the state, or fixed codes per state (default: readout)' },
  ],
  defaultOut: (job) => sequenceOut(job, job.task.splitSeed !== undefined ? `gen${job.task.splitSeed}` : path.basename(String(job.task.sample ?? 'sample1'))),
  bench: { module: 'run', export: 'lookupBench', description: 'population trainer vs PyTorch on the haystack workload (GRU 64, sample1, to 100% train)' },
});
