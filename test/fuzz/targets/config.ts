/**
 * Fuzz target: `train --config FILE` up to the point where training would start (jobFromArgs: the file read and
 * checked whole, flags merged, task/model/training validated, the output path checked). The original is the
 * arithmetic job of docs/cli.md's shape with a gpt-nano transformer, whose task costs nothing to build.
 *
 * A config file is meant to be edited, so a mutation may load as a different job. What must never happen is the
 * issue's finding: part of the file silently ignored. So a load is accepted only if the job reflects the file: every
 * field of every section carries the file's value, and the seed is the file's. Anything else must be a one-line
 * ComplensError naming the file (or, for a field that validates only against the task, the field).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from '../../../cli/args';
import { jobFromArgs, trainCommand } from '../../../cli/commands/train';
import { TrainJob } from '../../../lib/train/job';
import { Rng } from '../../../lib/util/random';
import { bytes, deepJson, FuzzCase, FuzzTarget, pick } from '../harness';

const ORIGINAL = {
  task: { kind: 'arithmetic', op: 'add', padWidth: 5, seed: 1377 },
  model: { arch: 'transformer', preset: 'gpt-nano' },
  training: { learningRate: 0.0005, batchSize: 64, maxSteps: 100, optimizer: 'adamw', weightDecay: 0.1, dropout: 0.1 },
  seed: 3,
};

type Mutation = (rng: Rng, file: string) => string;

const WEIRD: unknown[] = [null, true, 0, -1, 1e308, 1.5, '', 'arithmetic', [1], [], {}, { kind: 'arithmetic' }, '64', NaN];

const mutations: Array<[number, Mutation]> = [
  [5, (rng, file) => {
    const m = pick(rng, [bytes.flip, bytes.flip, bytes.truncate, bytes.insert, bytes.duplicate]);
    const { out, what } = m(fs.readFileSync(file), rng);
    fs.writeFileSync(file, out);
    return what;
  }],
  [3, (rng, file) => {
    // A section or a field replaced by a value of the wrong type or shape (the "task": [1]).
    const o = JSON.parse(JSON.stringify(ORIGINAL)) as Record<string, Record<string, unknown>>;
    const section = pick(rng, ['task', 'model', 'training', 'seed']);
    const value = pick(rng, WEIRD);
    let what: string;
    if (section === 'seed' || rng.next() < 0.4) {
      (o as Record<string, unknown>)[section] = value;
      what = `${section} = ${JSON.stringify(value)}`;
    } else {
      const key = pick(rng, Object.keys(o[section]));
      o[section][key] = value;
      what = `${section}.${key} = ${JSON.stringify(value)}`;
    }
    fs.writeFileSync(file, JSON.stringify(o, null, 2));
    return what;
  }],
  [2, (rng, file) => {
    // An unknown or misspelt key at either level, or a section removed.
    const o = JSON.parse(JSON.stringify(ORIGINAL)) as Record<string, Record<string, unknown>>;
    const section = pick(rng, ['task', 'model', 'training']);
    const how = pick(rng, ['misspelt field', 'unknown section', 'drop section', 'drop field']);
    if (how === 'misspelt field') {
      const key = pick(rng, Object.keys(o[section]));
      o[section][key.slice(0, -1) + key.slice(-1).toUpperCase()] = o[section][key];
      delete o[section][key];
    }
    if (how === 'unknown section') (o as Record<string, unknown>)[pick(rng, ['Task', 'models', 'train', 'extra'])] = {};
    if (how === 'drop section') delete o[section];
    if (how === 'drop field') delete o[section][pick(rng, Object.keys(o[section]))];
    fs.writeFileSync(file, JSON.stringify(o, null, 2));
    return `${section}: ${how}`;
  }],
  [1, (rng, file) => {
    const how = pick(rng, ['deep JSON', 'deep section', 'directory', 'empty', 'not JSON', 'top-level array']);
    if (how === 'deep JSON') fs.writeFileSync(file, deepJson(pick(rng, [100, 10_000, 100_000])));
    if (how === 'deep section') fs.writeFileSync(file, JSON.stringify(ORIGINAL).replace('"model":', `"model":${deepJson(100_000)},"x":`));
    if (how === 'directory') {
      fs.rmSync(file);
      fs.mkdirSync(file);
    }
    if (how === 'empty') fs.writeFileSync(file, '');
    if (how === 'not JSON') fs.writeFileSync(file, 'task: arithmetic\n');
    if (how === 'top-level array') fs.writeFileSync(file, JSON.stringify([ORIGINAL]));
    return how;
  }],
];
const total = mutations.reduce((s, [w]) => s + w, 0);

function load(file: string): TrainJob {
  return jobFromArgs(parseArgs(trainCommand, ['--config', file, '--out', path.join(path.dirname(file), 'out')]));
}

/** True when every field of `part` is in `whole` with the same value (deeply). */
function contains(whole: unknown, part: unknown): boolean {
  if (typeof part !== 'object' || part === null) return Object.is(whole, part) || JSON.stringify(whole) === JSON.stringify(part);
  if (typeof whole !== 'object' || whole === null || Array.isArray(part) !== Array.isArray(whole)) return false;
  return Object.entries(part).every(([k, v]) => contains((whole as Record<string, unknown>)[k], v));
}

export const configTarget: FuzzTarget<TrainJob> = {
  name: 'config',
  timeMs: 2000,
  setup(dir) {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'job.json');
    fs.writeFileSync(file, JSON.stringify(ORIGINAL, null, 2));
    return load(file);
  },
  mutate(rng, caseDir): FuzzCase {
    const file = path.join(caseDir, 'job.json');
    fs.writeFileSync(file, JSON.stringify(ORIGINAL, null, 2));
    let r = rng.next() * total;
    const [, m] = mutations.find(([w]) => (r -= w) < 0) ?? mutations[0];
    return { target: file, mutation: m(rng, file) };
  },
  load: (c) => load(c.target),
  same(_original, loaded, c) {
    const file = JSON.parse(fs.readFileSync(c.target, 'utf8')) as Record<string, unknown>;
    return (
      contains(loaded.task, file.task ?? {}) &&
      contains(loaded.model, file.model ?? {}) &&
      contains(loaded.training, file.training ?? {}) &&
      loaded.seed === (file.seed ?? 0)
    );
  },
};

export const target = configTarget;
export default configTarget;
