import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { RnnModel } from '../../lib/models/rnn';
import { SequenceTask } from '../../lib/tasks/types';
import { evaluateExamples } from '../../lib/train/evaluate';
import { buildSearchConfig, SearchConfig } from '../../lib/search/config';
import { acquireOutLock } from '../../lib/experiments/lock';
import { runSearch } from '../../lib/search/runner';
import { readStoreFile } from '../../lib/search/store';
import { CheckpointIndex } from '../../lib/search/recorder';
import { SearchTrainer } from '../../lib/search/types';
import { SearchSummary } from '../../lib/search/summary';

beforeAll(() => initBackend());

const tiny = (extra: Partial<Parameters<typeof buildSearchConfig>[0]> = {}): SearchConfig =>
  buildSearchConfig({
    split: 'sample1',
    hiddenSize: 8,
    embedSize: 4,
    training: { maxSteps: 50, evalEvery: 25, stopAtTrainAccuracy: 0 },
    trainer: 'reference',
    retention: { best: 1, worst: 1, random: 1, sampleSeed: 0 },
    ...extra,
  });

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'complens-search-'));

test('a search records every model once, keeps loadable checkpoints, summarises, resumes, and leaks no tensors', async () => {
  const out = tmp();
  const config = tiny();
  const before = tf.memory().numTensors;
  const first = await runSearch({ out, config, plan: { seeds: [0, 1, 2], regimes: ['atomic+composed'], baselineSeeds: 1 }, quiet: true });
  expect(tf.memory().numTensors).toBe(before);
  expect(first).toMatchObject({ planned: 4, alreadyDone: 0, recorded: 4, failed: [] });

  const rows = readStoreFile(path.join(out, 'results.jsonl')).rows;
  expect(rows.map((r) => r.key)).toEqual(['i0-d0-atomic+composed', 'i1-d1-atomic+composed', 'i2-d2-atomic+composed']);
  for (const r of rows) {
    expect(Object.keys(r.splits)).toContain('heldout_compositions');
    expect(r.zeroShot).toBe(r.splits.heldout_compositions.em);
    expect(r.train.steps).toBe(25);
    expect(r.train.curve?.points.length).toBeGreaterThan(0);
  }
  expect(new Set(rows.map((r) => r.numTensors)).size).toBe(1);
  const controls = readStoreFile(path.join(out, 'baselines', 'random-task-codes.jsonl')).rows;
  expect(controls.map((r) => r.variant)).toEqual(['random-task-codes']);

  // Checkpoints: exactly the kept models, each loadable and scoring what the row says.
  const index = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'index.json'), 'utf8')) as CheckpointIndex;
  const lists = index.regimes['atomic+composed'];
  const kept = new Set([...lists.best, ...lists.worst, ...lists.random].map((e) => e.key));
  expect(lists.best).toHaveLength(1);
  expect(lists.worst).toHaveLength(1);
  expect(lists.random).toHaveLength(1);
  expect(fs.readdirSync(path.join(out, 'checkpoints')).filter((n) => n !== 'index.json').sort()).toEqual([...kept].sort());
  for (const key of kept) {
    const loaded = loadModelCheckpoint(path.join(out, 'checkpoints', key));
    const ev = evaluateExamples(loaded.model as RnnModel, (loaded.task as SequenceTask).split('heldout_compositions').examples);
    expect(ev.exactMatch).toBe(rows.find((r) => r.key === key)!.zeroShot);
    expect(loaded.meta.extra).toMatchObject({ search: { key } });
    loaded.model.dispose();
  }

  // Summary files.
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8')) as SearchSummary;
  expect(summary.regimes[0]).toMatchObject({ regime: 'atomic+composed', models: 3 });
  expect(summary.baselines.randomWellformed.closedForm).toBe(0.125);
  expect(summary.baselines.randomTaskCodes[0].models).toBe(1);
  expect(summary.paper.map((p) => p.paper)).toEqual(expect.arrayContaining([0.196, 0.02, 0.0075, 0.055]));
  expect(summary.memory.flat).toBe(true);
  expect(fs.readFileSync(path.join(out, 'zero-shot-histogram.svg'), 'utf8')).toMatch(/^<svg/);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'zero-shot-histogram.vl.json'), 'utf8')).config.font).toBe('DejaVu Sans');
  expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).toMatch(/19\.60%/);

  // Resume with one more seed: only that one is trained.
  const second = await runSearch({ out, config, plan: { seeds: [0, 1, 2, 3], regimes: ['atomic+composed'], baselineSeeds: 1 }, quiet: true, summary: false });
  expect(second).toMatchObject({ planned: 5, alreadyDone: 4, recorded: 1 });
  expect(readStoreFile(path.join(out, 'results.jsonl')).rows).toHaveLength(4);
  expect(tf.memory().numTensors).toBe(before);

  // Other settings in the same folder are refused, naming the flag.
  await expect(runSearch({ out, config: tiny({ hiddenSize: 9 }), plan: { seeds: [0], regimes: ['atomic+composed'] }, quiet: true })).rejects.toThrow(
    /model\.hiddenSize \(--width\) is 8 there and 9 here/,
  );
});

test('the trainer is pluggable: members reported early or only returned are all recorded once; diverged ones keep no checkpoint', async () => {
  const out = tmp();
  const calls: number[] = [];
  const fake: SearchTrainer = async (task, members, config, callbacks = {}) => {
    calls.push(members.length);
    return members.map((m, i) => {
      const model = new RnnModel(config.model, m.initSeed);
      const weights = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, new Float32Array(v.dataSync())]));
      model.dispose();
      // The second member of each call diverges: NaN weights, which must never reach a checkpoint.
      if (i === 1) for (const w of Object.values(weights)) w.fill(NaN);
      const member = { weights, steps: 0, stoppedBecause: i === 1 ? ('diverged' as const) : ('maxSteps' as const), trainExactMatch: 0, wallSeconds: 0 };
      if (i === 0) callbacks.onMemberDone?.(0, member);
      return member;
    });
  };
  const result = await runSearch({
    out,
    config: tiny(),
    plan: { seeds: [0, 1, 2, 3, 4], regimes: ['atomic+composed', 'composed-only'] },
    trainer: fake,
    membersPerCall: 3,
    quiet: true,
    summary: false,
  });
  expect(result.recorded).toBe(10);
  expect(calls).toEqual([3, 2, 3, 2]);
  const rows = readStoreFile(path.join(out, 'results.jsonl')).rows;
  expect(new Set(rows.map((r) => r.key)).size).toBe(10);
  expect(rows.every((r) => r.train.curve === null && r.train.steps === 0)).toBe(true);
  const diverged = rows.filter((r) => r.train.stoppedBecause === 'diverged').map((r) => r.key);
  expect(diverged).toHaveLength(4);
  // Not fitting the training set, none of them is a "worst" (memorizer) candidate.
  const index = JSON.parse(fs.readFileSync(path.join(out, 'checkpoints', 'index.json'), 'utf8')) as CheckpointIndex;
  expect(index.regimes['composed-only'].worst).toEqual([]);
  const kept = Object.values(index.regimes).flatMap((g) => [...g.best, ...g.random].map((e) => e.key));
  expect(kept.length).toBeGreaterThan(0);
  for (const key of diverged) expect(kept).not.toContain(key);
});

test('an out dir in use by a live process is refused; a stale lock is taken over', () => {
  const out = tmp();
  fs.writeFileSync(path.join(out, '.search.lock'), JSON.stringify({ host: os.hostname(), pid: process.ppid }));
  expect(() => acquireOutLock(out)).toThrow(/in use by another search \(pid \d+/);
  fs.writeFileSync(path.join(out, '.search.lock'), JSON.stringify({ host: os.hostname(), pid: 2 ** 22 + 12345 }));
  const release = acquireOutLock(out);
  expect(JSON.parse(fs.readFileSync(path.join(out, '.search.lock'), 'utf8')).pid).toBe(process.pid);
  release();
  expect(fs.existsSync(path.join(out, '.search.lock'))).toBe(false);
});
