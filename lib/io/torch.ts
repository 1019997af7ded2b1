/**
 * PyTorch checkpoints in, complens checkpoints out (and back): the architecture is read off the tensor shapes, the
 * weights go through the name maps, and the result is an ordinary complens model whose complens.json records where
 * its weights came from. Only what the shapes cannot tell (a GPT's head count) must be given.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { createModel } from '../models/registry';
import { SequenceModel } from '../models/types';
import { SequenceTask } from '../tasks/types';
import { taskFromConfig } from '../train/job';
import { ComplensError, FileFormatError, UsageError } from '../util/errors';
import { loadModelCheckpoint, saveModelCheckpoint } from './model-checkpoint';
import { ExtraMapping, GptMapOptions, gptNameMap, inferGptConfig, MAX_LAYER_INDEX, NameMap, RnnCell, rnnNameMap } from './name-maps';
import { exportSafetensors, importSafetensors, readSafetensors } from './safetensors';

export const TORCH_FORMATS = ['torch-rnn', 'mingpt', 'nanogpt', 'hf-gpt2'] as const;
export type TorchFormat = (typeof TORCH_FORMATS)[number];

export interface TorchImportOptions {
  from: TorchFormat;
  /** The task the model was trained on: a task, or the spec/shorthand `train` accepts ({ kind: 'arithmetic', op: 'add' }). */
  task: SequenceTask | Record<string, unknown>;
  /** torch-rnn: the cell, checked against the gate count of the weights (inferred when omitted). */
  cell?: RnnCell;
  /** GPT formats: attention heads (the shapes cannot tell; else read from `__metadata__.n_head`). */
  nHead?: number;
  /** Prefix of the recurrent module (torch-rnn, default: found from `*weight_ih_l0`) or of the transformer (default `transformer.`). */
  prefix?: string;
}

/** Provenance stored in complens.json `extra.importedFrom`. */
export interface ImportProvenance {
  file: string;
  path: string;
  sha256: string;
  bytes: number;
  format: TorchFormat;
  unused: string[];
}

export interface TorchImport {
  model: SequenceModel;
  task: SequenceTask;
  source: ImportProvenance;
  warnings: string[];
}

/** Names tried for the embedding and readout of a torch-rnn file (nn.Embedding → nn.RNN/GRU/LSTM → nn.Linear). */
const EMBEDDING_NAMES = ['embedding', 'embed', 'emb', 'encoder'];
const READOUT_NAMES = ['fc', 'out', 'linear', 'readout', 'head', 'decoder', 'lm_head'];
const GATE_CELLS: Record<number, RnnCell> = { 1: 'rnn', 3: 'gru', 4: 'lstm' };

/** Reads a safetensors state dict into a complens model (not saved; `saveImported` writes the checkpoint). */
export function importTorchCheckpoint(file: string, options: TorchImportOptions): TorchImport {
  if (!TORCH_FORMATS.includes(options.from)) throw new UsageError(`import: format must be one of ${TORCH_FORMATS.join(', ')}, got ${JSON.stringify(options.from)}`);
  if (!fs.existsSync(file)) throw new FileFormatError(file, 'file does not exist');
  const bytes = fs.readFileSync(file);
  const { tensors, metadata } = readSafetensors(bytes, { label: file });
  const shapes = Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, v.shape]));
  const task = 'splitNames' in options.task ? (options.task as SequenceTask) : taskFromConfig(options.task as Record<string, unknown>);
  const fail = (detail: string): never => {
    throw new FileFormatError(file, detail);
  };
  const { config, map } = options.from === 'torch-rnn' ? rnnPlan(shapes, options, fail) : gptPlan(shapes, metadata, options, fail);
  let model: SequenceModel;
  try {
    model = createModel(config, 0) as SequenceModel;
  } catch (err) {
    if (err instanceof ComplensError) fail(`the inferred model does not validate: ${err.message}`);
    throw err;
  }
  try {
    const { weights, unused, warnings } = importSafetensors(file, map, { expected: model.paramSpecs });
    for (const [name, value] of Object.entries(weights)) model.params[name].assign(value);
    tf.dispose(Object.values(weights));
    const vocab = task.vocab.length;
    if (model.vocabSize !== vocab) warnings.push(`the model's vocabulary has ${model.vocabSize} tokens, the task's ${vocab}`);
    const source: ImportProvenance = {
      file: path.basename(file), path: path.resolve(file), sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, format: options.from, unused,
    };
    return { model, task, source, warnings };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** Writes an import as a checkpoint directory (atomically), provenance in `extra.importedFrom`. */
export function saveImported(dir: string, imported: TorchImport): void {
  saveModelCheckpoint(dir, imported.model, imported.task, { extra: { importedFrom: imported.source } });
}

type Fail = (detail: string) => never;
type Plan = { config: Record<string, unknown>; map: NameMap };

function rnnPlan(shapes: Record<string, number[]>, options: TorchImportOptions, fail: Fail): Plan {
  const prefixes = Object.keys(shapes).filter((n) => n.endsWith('weight_ih_l0')).map((n) => n.slice(0, -'weight_ih_l0'.length));
  const prefix = options.prefix ?? (prefixes.length === 1 ? prefixes[0] : undefined);
  if (prefix === undefined) {
    fail(prefixes.length ? `several recurrent modules (${prefixes.map((p) => JSON.stringify(p)).join(', ')}); pass --prefix` : 'no recurrent weights "*weight_ih_l0" (nn.RNN/GRU/LSTM); is this a --from torch-rnn file?');
  }
  const hh = shapes[`${prefix}weight_hh_l0`];
  const ih = shapes[`${prefix}weight_ih_l0`];
  if (!hh || hh.length !== 2 || !ih || ih.length !== 2) fail(`need "${prefix}weight_ih_l0" and "${prefix}weight_hh_l0" as matrices`);
  const hidden = hh[1];
  const cell = GATE_CELLS[hh[0] / hidden];
  if (!cell) fail(`tensor "${prefix}weight_hh_l0" has shape [${hh}]: ${hh[0]} gate units is not 1, 3 or 4 times the hidden size ${hidden}`);
  if (options.cell && options.cell !== cell) fail(`--cell ${options.cell}, but "${prefix}weight_hh_l0" [${hh}] holds ${hh[0] / hidden} gates: a ${cell}`);
  // Counted up to the highest index, so a gap is reported as missing tensors; bounded before anything is built.
  let layers = 0;
  for (const n of Object.keys(shapes)) {
    const m = /^(?:weight|bias)_(?:ih|hh)_l(\d+)$/.exec(n.slice(prefix.length));
    if (!m || !n.startsWith(prefix)) continue;
    if (m[1].length > 6 || Number(m[1]) > MAX_LAYER_INDEX) fail(`tensor "${n}": layer index ${m[1]} exceeds the maximum ${MAX_LAYER_INDEX}`);
    layers = Math.max(layers, Number(m[1]) + 1);
  }
  const find = (bases: string[], what: string, want: string): string => {
    const name = bases.map((b) => `${b}.weight`).find((n) => shapes[n]?.length === 2);
    return name ?? fail(`no ${what} found: expected one of ${bases.map((b) => `"${b}.weight"`).join(', ')} (${want})`);
  };
  const embedding = find(EMBEDDING_NAMES, 'embedding', `[vocab, ${ih[1]}]`);
  const readout = find(READOUT_NAMES, 'readout', `[vocab, ${hidden}] with a bias`);
  const [vocabSize, embedSize] = shapes[embedding];
  const extra: ExtraMapping[] = [
    { external: embedding, complens: 'embed.W_E' },
    { external: readout, complens: 'unembed.W_U', transform: 'transpose' },
    { external: readout.replace(/weight$/, 'bias'), complens: 'unembed.b_U' },
  ];
  return {
    config: { arch: 'rnn', cell: cell === 'rnn' ? 'tanh' : cell, layout: 'single', vocabSize, embedSize, hiddenSize: hidden, numLayers: layers },
    map: rnnNameMap({ cell, prefix, extra }),
  };
}

function gptPlan(shapes: Record<string, number[]>, metadata: Record<string, string>, options: TorchImportOptions, fail: Fail): Plan {
  const hf = options.from === 'hf-gpt2';
  // HF GPT2Model files have no `transformer.` prefix; GPT2LMHeadModel files do.
  const prefix = options.prefix ?? (hf && !shapes['transformer.wte.weight'] && shapes['wte.weight'] ? '' : 'transformer.');
  if (options.nHead === undefined && metadata.n_head === undefined) {
    fail('the number of attention heads cannot be read from the tensor shapes and the file\'s __metadata__ has no "n_head": pass --n-head N (library: nHead)');
  }
  let gpt;
  try {
    gpt = inferGptConfig(shapes, metadata, { nHead: options.nHead, prefix });
  } catch (err) {
    if (err instanceof ComplensError) fail(err.message);
    throw err;
  }
  const fc = shapes[`${prefix}h.0.mlp.c_fc.weight`];
  const dMlp = fc?.length === 2 ? (hf ? fc[1] : fc[0]) : 4 * gpt.nEmbd;
  // nanoGPT and HF GPT-2 tie the unembedding to wte; a safetensors file then holds the shared tensor once.
  const tied = options.from !== 'mingpt' && !shapes['lm_head.weight'];
  const mapOptions: GptMapOptions = { nHead: gpt.nHead, layout: hf ? 'conv1d' : 'linear', prefix, lmHead: tied ? `${prefix}wte.weight` : 'lm_head.weight' };
  return {
    config: { arch: 'transformer', vocabSize: gpt.vocabSize, nLayers: gpt.nLayer, nHeads: gpt.nHead, dModel: gpt.nEmbd, dMlp, maxLength: gpt.blockSize, layerNormEps: 1e-5 },
    map: gptNameMap(mapOptions),
  };
}

export interface TorchExportOptions {
  to: TorchFormat;
  /** Replace an existing file (default: refuse). */
  force?: boolean;
}

export interface TorchExport {
  file: string;
  tensors: number;
  bytes: number;
  sha256: string;
}

/**
 * Writes a checkpoint's weights as a safetensors state dict in `to`'s names and layouts (F32, atomic). torch-rnn
 * files use `embedding.weight`, `rnn.*`, `fc.weight`/`fc.bias`; GPT files keep an untied `lm_head.weight`.
 */
export function exportTorchCheckpoint(dir: string, file: string, options: TorchExportOptions): TorchExport {
  if (!TORCH_FORMATS.includes(options.to)) throw new UsageError(`export: format must be one of ${TORCH_FORMATS.join(', ')}, got ${JSON.stringify(options.to)}`);
  if (!file.endsWith('.safetensors')) throw new UsageError(`export: ${file}: expected a file name ending in .safetensors`);
  if (fs.existsSync(file) && !options.force) throw new UsageError(`export: ${file} exists; pass --force to replace it`);
  const { model } = loadModelCheckpoint(dir);
  try {
    const config = model.config as Record<string, unknown>;
    const fromRnn = config.arch === 'rnn';
    if (fromRnn !== (options.to === 'torch-rnn')) {
      throw new UsageError(`export: ${dir} holds a ${String(config.arch)} model; export it --to ${fromRnn ? 'torch-rnn' : 'mingpt, nanogpt or hf-gpt2'}`);
    }
    if (fromRnn && config.layout !== 'single') throw new UsageError(`export: ${dir} is an encoder-decoder RNN; torch-rnn export covers single-stream models only`);
    const cell = config.cell === 'tanh' ? 'rnn' : (config.cell as RnnCell);
    const map = fromRnn
      ? rnnNameMap({ cell, prefix: 'rnn.', extra: [
        { external: 'embedding.weight', complens: 'embed.W_E' },
        { external: 'fc.weight', complens: 'unembed.W_U', transform: 'transpose' },
        { external: 'fc.bias', complens: 'unembed.b_U' },
      ] })
      : gptNameMap({ layout: options.to === 'hf-gpt2' ? 'conv1d' : 'linear' });
    exportSafetensors(file, model.params, map, { metadata: { format: 'pt', complens_source: path.basename(path.resolve(dir)) } });
  } finally {
    model.dispose();
  }
  const bytes = fs.readFileSync(file);
  const { tensors } = readSafetensors(bytes, { label: file });
  return { file, tensors: Object.keys(tensors).length, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
}
