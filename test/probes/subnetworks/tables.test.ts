/**
 * Per-table subnetworks of a lookup-table RNN: bookkeeping on a tiny task (3 tables of 2 bits) with a small GRU
 * trained for a moment. Checks sets, counts, drop = full − ablation, the IoU matrix, weights untouched, no leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../lib/backend';
import { RnnModel } from '../../../lib/models/rnn';
import { createLookupTask, encodeLookupRow } from '../../../lib/tasks/lookup';
import { evaluateExamples } from '../../../lib/train/evaluate';
import { trainSequenceModel } from '../../../lib/train/sequence';
import { renderSvg } from '../../../probes/charts';
import { TABLE_SET_ROLES, tableDropSpec, tableIouSpec, tableSubnetworks, tableTables } from '../../../probes/subnetworks';

beforeAll(() => initBackend());

const atomic = ['00', '01', '10', '11'].flatMap((x) => [`${x} t1`, `${x} t2`, `${x} t3`]);
const spec = {
  kind: 'lookup',
  bits: 2,
  tables: [[1, 2, 3, 0], [3, 2, 1, 0], [0, 1, 3, 2]],
  split: { kind: 'explicit', rows: { train: [...atomic, '00 t1 t2', '01 t1 t2', '10 t2 t3', '11 t2 t3', '00 t3 t1', '10 t3 t1'], heldout_compositions: ['01 t1 t3'] } },
  encoding: 'final',
  regime: 'atomic+composed',
};

test('tableSubnetworks: per-table masks, ablation effects on atomic and composed rows, IoU matrix', async () => {
  const task = createLookupTask(spec);
  const model = new RnnModel({ arch: 'rnn', cell: 'gru', layout: 'single', vocabSize: task.vocab.length, embedSize: 8, hiddenSize: 16, numLayers: 1 }, 0);
  await trainSequenceModel(model, task, { learningRate: 1e-2, batchSize: 0, maxSteps: 60, evalEvery: 60 });
  const weights = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, Array.from(v.dataSync())]));
  const tensors = tf.memory().numTensors;

  const result = await tableSubnetworks(model, task, { tables: [0, 2], mask: { epochs: 4, include: ['cells.*.W_hh', 'unembed.*'] }, extraModes: ['random-ablation'] });

  expect(tf.memory().numTensors).toBe(tensors);
  for (const [k, v] of Object.entries(model.params)) expect(Array.from(v.dataSync())).toEqual(weights[k]);
  expect(result.tableNames).toEqual(['t1', 't3']);
  expect(result.iou).toHaveLength(2);
  expect(result.iou[0][0]).toBe(1);
  expect(result.iou[0][1]).toBe(result.iou[1][0]);
  const [t1, t3] = result.tables;
  expect(t1.mask.names).toEqual(['cells.0.W_hh', 'unembed.W_U']);
  expect(t1.counts).toEqual({ ownAtomic: 4, otherAtomic: 8, composedWith: 4, composedWithout: 2 });
  expect(t3.counts).toEqual({ ownAtomic: 4, otherAtomic: 8, composedWith: 4, composedWithout: 2 });
  expect(t1.trainRows).toBe(4);
  expect(t1.steps).toBe(4);
  expect(Object.keys(t1.accuracy).sort()).toEqual(['ablation', 'full', 'random-ablation', 'subnetwork']);
  for (const role of TABLE_SET_ROLES) expect(t1.drop[role]).toBeCloseTo(t1.accuracy.full![role] - t1.accuracy.ablation![role], 12);
  // 'full' is the plain model on the same rows.
  const own = [0, 1, 2, 3].map((input) => encodeLookupRow({ input, tables: [0] }, spec.tables, 2, 'final', -1));
  expect(t1.accuracy.full!.ownAtomic).toBe(evaluateExamples(model, own).exactMatch);

  const withComposed = await tableSubnetworks(model, task, { tables: [0], includeComposed: true, mask: { epochs: 1 } });
  expect(withComposed.tables[0].trainRows).toBe(8);

  const tables = tableTables(result);
  expect(tables.tables.numRows()).toBe(2);
  expect(tables.iou.numRows()).toBe(4);
  expect(tables.accuracy.numRows()).toBe(2 * 4 * 4);
  for (const spec of [tableDropSpec(result), tableIouSpec(result)]) expect((await renderSvg(spec)).startsWith('<svg')).toBe(true);
  await expect(tableSubnetworks(model, task, { tables: [5] })).rejects.toThrow(/no table 5/);
  model.dispose();
});
