/**
 * The verdict for MLPs on a hyperteacher task family (Redhardt et al. 2025): do the task constituents — the module
 * weights z — stay linearly decodable from the last hidden layer on *unseen combinations* of modules? Internal
 * evidence (docs/verdict.md):
 * - decoding: ridge regression of z from the last hidden layer's pre-activation (the paper's C.8 protocol, one row per
 *   task), fitted on half of the in-distribution tasks and scored on OOD tasks — above an untrained copy, because
 *   with the identity encoding z is part of the input and random features already decode some of it.
 * z of an OOD task is part of its input, not its answer: the evidence never reads the OOD targets. OOD R² of the
 * outputs is the behaviour reported beside the score.
 */
import * as tf from '@tensorflow/tfjs';
import { backendHeader } from '../../lib/backend';
import { evaluateHyperteacher } from '../../lib/workloads/hyperteacher/evaluate';
import { createModel } from '../../lib/models/registry';
import { VectorModel } from '../../lib/models/types';
import { Hyperteacher, HyperteacherBatch, lastSampleRows } from '../../lib/tasks/hyperteacher';
import { ComplensError } from '../../lib/util/errors';
import { decodeModuleWeights, denseRows } from '../linear';
import { clamp01, scoredVerdict } from './evidence';
import { DEFAULT_THRESHOLDS, EvidenceRow, Verdict } from './types';

export interface HyperteacherVerdictOptions {
  thresholds?: typeof DEFAULT_THRESHOLDS;
  /** Tasks per split for decoding and evaluation (default 512). */
  tasks?: number;
  seed?: number;
}

export interface HyperteacherVerdict extends Verdict {
  decoding: { hook: string; r2Id: number; r2Ood: number; untrainedR2Ood: number };
}

export function hyperteacherVerdict(model: VectorModel, task: Hyperteacher, options: HyperteacherVerdictOptions = {}): HyperteacherVerdict {
  const started = Date.now();
  const seed = options.seed ?? 0;
  const count = options.tasks ?? 512;
  const hidden = model.hookPoints.filter((h) => /^layers\.\d+\.hook_pre$/.test(h));
  if (hidden.length === 0) throw new ComplensError('hyperteacherVerdict: the model has no hidden layer to decode from');
  const hook = hidden[hidden.length - 1];
  const idTasks = task.evaluationTasks('test', count, 'verdict');
  const oodTasks = task.evaluationTasks('ood', count, 'verdict');
  const decode = (m: VectorModel) => {
    const { rows, z } = taskRows(m, hook, task.spec.modules, [idTasks, oodTasks]);
    const idRows = Array.from({ length: count }, (_, i) => i);
    const oodRows = Array.from({ length: count }, (_, i) => count + i);
    const layer = decodeModuleWeights({ [hook]: rows }, z, { idRows, oodRows, l2: 1 }).layers[0];
    return { r2Id: layer.r2Test, r2Ood: layer.r2Ood ?? NaN };
  };
  const trained = decode(model);
  const untrained = createModel(model.config, seed + 1) as VectorModel;
  let baseline: { r2Id: number; r2Ood: number };
  try {
    baseline = decode(untrained);
  } finally {
    untrained.dispose();
  }
  const behaviour = evaluateHyperteacher(model, task, { tasks: count, splits: ['test', 'ood'], label: 'verdict' }).summary;

  const evidence: EvidenceRow[] = [
    {
      id: 'behaviour.oodR2',
      instrument: 'behaviour',
      description: 'R² of the outputs on OOD tasks (unseen module combinations; not used in the score)',
      value: behaviour.oodR2,
      internal: false,
    },
    {
      id: 'behaviour.idR2',
      instrument: 'behaviour',
      description: 'R² of the outputs on held-out ID tasks (not used in the score)',
      value: behaviour.idR2,
      internal: false,
    },
    {
      id: 'probe.moduleDecodingOod',
      instrument: 'probe',
      description: `ridge decoding of the module weights z from ${hook}, fitted on ID tasks and scored on OOD tasks (C.8); baseline: untrained copy`,
      value: trained.r2Ood,
      baseline: baseline.r2Ood,
      internal: true,
      normalized: clamp01(trained.r2Ood),
    },
    {
      id: 'probe.moduleDecodingGainId',
      instrument: 'probe',
      description: `the same decoder on held-out ID tasks, as a gain over the untrained copy: (R² − R²₀) / (1 − R²₀) — what training added to what the architecture already decodes`,
      value: trained.r2Id,
      baseline: baseline.r2Id,
      internal: true,
      normalized: clamp01((trained.r2Id - baseline.r2Id) / (1 - baseline.r2Id)),
    },
  ];
  return {
    ...scoredVerdict(evidence, options.thresholds),
    behaviour: { split: 'ood', exactMatch: behaviour.oodR2, chance: 0, metric: 'R²' },
    workload: 'hyperteacher',
    backend: backendHeader(),
    seconds: (Date.now() - started) / 1000,
    decoding: { hook, r2Id: trained.r2Id, r2Ood: trained.r2Ood, untrainedR2Ood: baseline.r2Ood },
  };
}

/** One row per task (its last sample) of `hook`, tasks of all batches in order, and z for those rows. */
function taskRows(model: VectorModel, hook: string, modules: number, batches: HyperteacherBatch[]): { rows: ReturnType<typeof denseRows>; z: number[][] } {
  const parts: Float32Array[] = [];
  const z: number[][] = [];
  let dim = 0;
  for (const b of batches) {
    const result = model.runWithCache(b.batch, { names: [hook] });
    const tensor = result.cache[hook] as tf.Tensor;
    dim = tensor.shape[1] as number;
    const data = tensor.dataSync();
    for (const r of lastSampleRows(b)) parts.push(Float32Array.from(data.subarray(r * dim, (r + 1) * dim)));
    result.output.dispose();
    for (const v of Object.values(result.cache)) (v as tf.Tensor | undefined)?.dispose();
    for (let i = 0; i < b.tasks; i++) z.push(Array.from(b.z.subarray(i * modules, (i + 1) * modules)));
  }
  const data = new Float32Array(parts.length * dim);
  parts.forEach((p, i) => data.set(p, i * dim));
  return { rows: denseRows(data, dim), z };
}
