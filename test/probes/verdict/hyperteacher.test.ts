/**
 * The hyperteacher verdict on the fixture MLP (random support: generalizes to unseen module combinations) against
 * an untrained copy, and the dispatch from judge.
 */
import * as path from 'path';
import { initBackend } from '../../../lib/backend';
import { loadModelCheckpoint, LoadedModel } from '../../../lib/io/model-checkpoint';
import { createModel } from '../../../lib/models/registry';
import { VectorModel } from '../../../lib/models/types';
import { Hyperteacher } from '../../../lib/tasks/hyperteacher';
import { hyperteacherVerdict, judge } from '../../../probes/verdict';

let loaded: LoadedModel;
let model: VectorModel;
let task: Hyperteacher;

beforeAll(async () => {
  await initBackend();
  loaded = loadModelCheckpoint(path.resolve(__dirname, '..', '..', '..', 'fixtures', 'hyperteacher-mlp'));
  model = loaded.model as VectorModel;
  task = loaded.task as Hyperteacher;
});
afterAll(() => loaded.model.dispose());

test('the fixture MLP decodes z on unseen combinations and beyond what an untrained copy decodes: compositional', () => {
  const v = hyperteacherVerdict(model, task, { tasks: 256 });
  const e = Object.fromEntries(v.evidence.map((x) => [x.id, x]));
  console.log(`hyperteacher-mlp verdict ${v.label} ${v.score.toFixed(3)}: ${v.evidence.map((x) => `${x.id}=${x.value.toFixed(3)}`).join(' ')}`);
  expect(v.label).toBe('compositional');
  expect(e['probe.moduleDecodingOod'].value).toBeGreaterThan(0.9);
  expect(e['probe.moduleDecodingGainId'].value).toBeGreaterThan(e['probe.moduleDecodingGainId'].baseline!);
  expect(e['behaviour.oodR2'].internal).toBe(false);
  expect(v.behaviour).toMatchObject({ split: 'ood', metric: 'R²' });
  expect(judge(model, task, 'fixtures/hyperteacher-mlp').workload).toBe('hyperteacher');
});

test('an untrained MLP of the same architecture is not judged compositional, although it decodes much of z', () => {
  const untrained = createModel(model.config, 7) as VectorModel;
  try {
    const v = hyperteacherVerdict(untrained, task, { tasks: 256 });
    const e = Object.fromEntries(v.evidence.map((x) => [x.id, x]));
    console.log(`untrained MLP verdict ${v.label} ${v.score.toFixed(3)}; OOD decoding ${e['probe.moduleDecodingOod'].value.toFixed(3)}`);
    expect(e['probe.moduleDecodingOod'].value).toBeGreaterThan(0.5); // identity encoding: z is in the input
    expect(e['probe.moduleDecodingGainId'].normalized!).toBeLessThan(0.2);
    expect(v.label).toBe('memorizing');
  } finally {
    untrained.dispose();
  }
});
