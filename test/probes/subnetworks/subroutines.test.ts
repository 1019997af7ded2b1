/**
 * End to end on the real subroutine task (language variant, small) with the odd-one-out MLP: a briefly trained base
 * model, masks for subroutine A with two seeds on the trained and on an untrained copy. Checks the protocol's
 * bookkeeping (sets, SubDiff/AblDiff from the accuracies, summaries, tables, charts), not the science: a base model
 * trained for seconds need not be modular.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { MlpModel } from '../../../lib/models/mlp';
import { ablDiff, createSubroutineTask, subDiff } from '../../../lib/tasks/subroutines';
import { trainVectorModel } from '../../../lib/train/vector';
import { renderSvg } from '../../../probes/charts';
import {
  accuracyByModeSpec, sparsityByLayerSpec, subroutineAnalysis, subroutineSets, subroutineTables,
} from '../../../probes/subnetworks';

beforeAll(() => initBackend());

test('subroutineAnalysis: sets, per-run scores, mean ± sd summaries, random-init baseline, tables and charts', async () => {
  const task = createSubroutineTask({ variant: 'language', seed: 1, sizes: { train: 600, val: 50, test: 120, partition: 120 } });
  const model = new MlpModel({ arch: 'mlp', inputSize: task.inputSize, hiddenSizes: [32], outputSize: 16, activation: 'relu', head: 'odd-one-out', items: 4 }, 1);
  await trainVectorModel(model, task.split('base_train'), { loss: 'softmax-ce', learningRate: 3e-3, batchSize: 64, maxSteps: 120, evalEvery: 120 });
  const weights = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, Array.from(v.dataSync())]));
  const tensors = tf.memory().numTensors;

  const result = await subroutineAnalysis({ model, task, subroutine: 'A', seeds: [0, 1], config: { mask: { epochs: 3, batchSize: 100 } } });

  expect(tf.memory().numTensors).toBe(tensors); // the untrained copy and every override are disposed
  for (const [k, v] of Object.entries(model.params)) expect(Array.from(v.dataSync())).toEqual(weights[k]);
  expect(result.sets.A).toEqual({ own: 'subA_test', otherSubroutine: 'subB_test', target: 'only_A', other: 'only_B', both: 'both', base: 'base_test' });
  expect(subroutineSets('B').target).toBe('only_B');
  expect(result.runs.map((r) => `${r.network}:${r.seed}`)).toEqual(['trained:0', 'trained:1', 'random-init:0', 'random-init:1']);
  for (const run of result.runs) {
    expect(run.steps).toBe(3 * 6);
    expect(run.mask.names).toEqual(['layers.0.W', 'unembed.W_U']);
    expect(run.accuracy).toHaveLength(4 * 6); // 4 modes × 6 sets
    const acc = (mode: string, role: string) => run.accuracy.find((a) => a.mode === mode && a.role === role)!.accuracy;
    for (const a of run.accuracy) expect(a.accuracy).toBeGreaterThanOrEqual(0);
    expect(run.subDiff).toBeCloseTo(subDiff(acc('subnetwork', 'target'), acc('subnetwork', 'other')), 12);
    expect(run.ablDiff).toBeCloseTo(ablDiff(acc('ablation', 'target'), acc('ablation', 'other')), 12);
    expect(run.ablDiffRandom).toBeCloseTo(ablDiff(acc('random-ablation', 'target'), acc('random-ablation', 'other')), 12);
    expect(run.heldOutAccuracy).toBe(acc('subnetwork', 'own'));
    expect(run.solved).toBe(run.heldOutAccuracy >= 0.9);
    expect(Math.abs(run.subDiff)).toBeLessThanOrEqual(0.75);
  }
  // The full model is the same for every seed; the untrained copy differs from the trained model.
  const fullBase = (network: string, seed: number) => result.runs.find((r) => r.network === network && r.seed === seed)!.accuracy.find((a) => a.mode === 'full' && a.role === 'base')!.accuracy;
  expect(fullBase('trained', 0)).toBe(fullBase('trained', 1));
  expect(fullBase('trained', 0)).toBeGreaterThan(fullBase('random-init', 0));
  expect(result.warnings.length).toBe(result.runs.filter((r) => !r.solved).length);

  expect(result.summary.map((s) => [s.network, s.subroutine, s.runs])).toEqual([['trained', 'A', 2], ['random-init', 'A', 2]]);
  const trained = result.runs.filter((r) => r.network === 'trained');
  expect(result.summary[0].subDiff.mean).toBeCloseTo((trained[0].subDiff + trained[1].subDiff) / 2, 12);
  expect(result.summary[0].subDiff.sd).toBeCloseTo(Math.abs(trained[0].subDiff - trained[1].subDiff) / Math.SQRT2, 12);

  const tables = subroutineTables(result);
  expect(tables.runs.numRows()).toBe(4);
  expect(tables.accuracy.numRows()).toBe(4 * 24);
  expect(tables.sparsity.numRows()).toBe(4 * 2);
  expect(tables.summary.columnNames()).toEqual(expect.arrayContaining(['subDiff', 'subDiffSd', 'ablDiff', 'ablDiffSd', 'keptFraction']));
  const svgs = await Promise.all([renderSvg(accuracyByModeSpec(result)), renderSvg(sparsityByLayerSpec(result))]);
  for (const svg of svgs) {
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('DejaVu Sans');
  }
  model.dispose();
});
