/** `complens extract-fsa`: extract an automaton from a lookup-table model's hidden states and compare it with the task's. */
import * as path from 'path';
import { backendHeader, initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { writeFileAtomic } from '../../lib/util/atomic';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir, claimOutputDir } from '../../lib/util/output';
import { findWorkload, workloadNames, workloadOf } from '../../lib/workloads';
import { toSvg } from '../../probes/automata';
import { ParsedArgs } from '../args';
import { Command } from '../command';
import { checkpointArg, jsonFlag } from '../flags';
import { formatTable, percent } from '../format';

export const extractFsaCommand: Command = {
  name: 'extract-fsa',
  summary: "extract a finite-state automaton from a lookup-table model's hidden states and compare it with the ground truth",
  positionals: checkpointArg('checkpoint directory of a sequence model trained on a lookup task'),
  flags: [
    { name: 'hook', type: 'string', help: "hook point whose vectors are the states (default: the model's stateHook, e.g. cells.0.hook_h)" },
    { name: 'method', type: 'string', choices: ['kmeans', 'leader'], default: 'kmeans', help: 'quantizer: k-means with k chosen by fidelity, or ε-ball leader clustering' },
    { name: 'k', type: 'list', value: 'K1,K2,…', help: 'candidate k for k-means (default: 8,10,12,16,20,24,32)' },
    { name: 'radius', type: 'number', default: 1, help: 'radius for --method leader' },
    { name: 'fit', type: 'list', value: 'SPLITS', help: 'splits whose traces build the automaton (default: train)' },
    { name: 'seed', type: 'int', default: 0, help: 'k-means seed' },
    { name: 'out', type: 'string', value: 'DIR', help: 'write automaton.dot, automaton.svg and result.json here' },
    jsonFlag(),
  ],
  details: 'Fidelity compares the automaton with the network\'s own answers on every prefix of each example (the network is asked "x t_a ." and "x t_a t_b ."); truth agreement compares it with the task automaton through the learned state mapping. See docs/instruments/automata.md.',
  async run(args: ParsedArgs): Promise<number> {
    await initBackend();
    const dir = args.positionals[0];
    if (args.flags.out) checkOutputDir(String(args.flags.out), 'extract-fsa');
    const { model, task } = loadModelCheckpoint(dir);
    try {
      const { name, automaton } = workloadOf(task, model, dir);
      if (!automaton) {
        const able = workloadNames().filter((w) => findWorkload(w)?.automaton);
        throw new UsageError(`extract-fsa: ${dir}: the ${name} workload has no ground-truth automaton; extract-fsa handles ${able.join(' and ')} checkpoints`);
      }
      const kValues = (args.flags.k as string[] | undefined)?.map((k) => {
        if (!/^\d+$/.test(k) || Number(k) < 1) throw new UsageError(`--k: expected positive integers, got ${JSON.stringify(k)}`);
        return Number(k);
      });
      const result = automaton.extract(model, task, {
        hook: args.flags.hook as string | undefined,
        method: args.flags.method as 'kmeans' | 'leader',
        radius: args.flags.radius as number,
        kValues,
        fitSplits: args.flags.fit as string[] | undefined,
        seed: args.flags.seed as number,
      });
      const summary = {
        checkpoint: dir,
        backend: backendHeader(),
        hook: result.hook,
        method: result.method,
        k: result.k,
        minimizedStates: result.minimizedStates,
        transitionMatch: result.comparison.transitionMatch,
        mismatches: result.comparison.mismatches.length,
        isomorphic: result.comparison.isomorphic,
        conflictRate: result.extraction.report.conflicts.rate,
        candidates: result.candidates,
        fidelity: result.fidelity.map((f) => ({ split: f.split, traces: f.traces, outputs: f.outputs.stepAgreement, outputSequences: f.outputs.sequenceAgreement, truth: f.truth.stepAgreement })),
      };
      if (args.flags.out) {
        const out = String(args.flags.out);
        claimOutputDir(out, 'extract-fsa');
        writeFileAtomic(path.join(out, 'automaton.dot'), result.dot);
        writeFileAtomic(path.join(out, 'automaton.svg'), toSvg(result.extraction.dfa, { title: `${path.basename(dir)}: k=${result.k}` }));
        writeFileAtomic(path.join(out, 'result.json'), JSON.stringify(summary, null, 2));
      }
      if (args.flags.json) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(`${dir} · ${backendHeader()}`);
        console.log(`hook ${result.hook} · ${result.method} k=${result.k} · minimized ${result.minimizedStates} states · conflicts ${percent(summary.conflictRate)}`);
        console.log(`vs ground truth: transitions matching ${percent(summary.transitionMatch)} (${summary.mismatches} mismatches) · isomorphic after minimization: ${summary.isomorphic ? 'yes' : 'no'}`);
        console.log(formatTable(['split', 'traces', 'fidelity (steps)', 'fidelity (sequences)', 'truth agreement'], summary.fidelity.map((f) => [f.split, f.traces, percent(f.outputs), percent(f.outputSequences), percent(f.truth)])));
        if (args.flags.out) console.log(`wrote ${path.join(String(args.flags.out), 'automaton.{dot,svg}')} and result.json`);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
};
