/**
 * Running a model over examples and recording activations as an ActivationDataset: in memory
 * (`collectActivations`) or as a stream of chunks (`streamActivations`, `activationChunks`) for datasets too large to
 * hold. Each chunk is `chunkSize` consecutive examples, run with `runWithCache` in equal-length batches
 * (lib/data/batches), copied into typed arrays, and the cached tensors are disposed before the chunk is yielded:
 * `tf.memory().numTensors` is the same before and after, and memory held is one chunk.
 *
 * Rows come in example order, and within an example in position order (the positions selector's order).
 */
import { evaluationBatches } from '../../lib/data/batches';
import { disposeResult } from '../../lib/hooks';
import { AnyModel, SequenceBatch, SequenceModel, VectorModel } from '../../lib/models/types';
import { EncodedExample } from '../../lib/tasks/types';
import { ComplensError } from '../../lib/util/errors';
import { ActivationDataset, HookInfo, LabelColumn } from './dataset';
import { covers, gatherRow, HookLayout, hookLayout, hookTimeAxis } from './time-axis';
import { ActivationOptions, PositionSelector, VectorExample } from './types';

export const DEFAULT_CHUNK_SIZE = 256;

type Example = EncodedExample | VectorExample;

/** Label columns fixed for a whole dataset or stream. */
interface LabelPlan {
  position: string[];
  example: string[];
  /** Column name of each example label (prefixed `example.` when a position label has the same name). */
  exampleColumns: string[];
}

/** State shared by the chunks of one stream: the label plan and each hook's dimension, fixed by the first chunk. */
interface StreamState {
  labels?: LabelPlan;
  dims: Map<string, number>;
  nextIndex: number;
}

function labelPlan(position: readonly string[], example: readonly string[]): LabelPlan {
  const pos = new Set(position);
  return {
    position: position.slice(),
    example: example.slice(),
    exampleColumns: example.map((n) => (pos.has(n) ? `example.${n}` : n)),
  };
}

function labelUnion(examples: readonly Example[]): { position: string[]; example: string[] } {
  const position = new Set<string>();
  const example = new Set<string>();
  for (const ex of examples) {
    if ('positionLabels' in ex && ex.positionLabels) for (const k of Object.keys(ex.positionLabels)) position.add(k);
    if (ex.exampleLabels) for (const k of Object.keys(ex.exampleLabels)) example.add(k);
  }
  return { position: [...position], example: [...example] };
}

function checkOptions(model: AnyModel, options: ActivationOptions): number {
  if (!options || !Array.isArray(options.hooks) || options.hooks.length === 0) {
    throw new ComplensError(`collectActivations: options.hooks must name at least one hook point; this model has: ${model.hookPoints.join(', ')}`);
  }
  const unknown = options.hooks.filter((h) => !model.hookPoints.includes(h));
  if (unknown.length) throw new ComplensError(`unknown hook point(s) ${unknown.join(', ')}; this model has: ${model.hookPoints.join(', ')}`);
  if (new Set(options.hooks).size !== options.hooks.length) throw new ComplensError(`options.hooks lists a hook twice: ${options.hooks.join(', ')}`);
  const chunk = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
  if (!Number.isInteger(chunk) || chunk < 1) throw new ComplensError(`options.chunkSize: expected a positive integer, got ${chunk}`);
  return chunk;
}

/** Input positions of one example under a selector; `named` says whether hooks may silently narrow them. */
function selectPositions(selector: PositionSelector, ex: EncodedExample, index: number): { positions: number[]; named: boolean } {
  const T = ex.prompt.length + ex.target.length - 1;
  const Tp = ex.prompt.length;
  const range = (lo: number, hi: number) => Array.from({ length: Math.max(0, hi - lo) }, (_, i) => lo + i);
  switch (selector) {
    case 'all':
      return { positions: range(0, T), named: true };
    case 'prompt':
      return { positions: range(0, Tp), named: true };
    case 'answer':
      return { positions: range(Tp - 1, T), named: true };
    case 'last-prompt':
      return { positions: [Tp - 1], named: true };
  }
  const raw = typeof selector === 'function' ? selector(ex, index) : selector;
  if (typeof selector !== 'function' && !Array.isArray(selector)) {
    throw new ComplensError(`options.positions: expected 'all', 'prompt', 'answer', 'last-prompt', a number[] or a function, got ${JSON.stringify(selector)}`);
  }
  const positions = Array.from(raw, (p) => {
    const q = p < 0 ? T + p : p;
    if (!Number.isInteger(p) || q < 0 || q >= T) {
      throw new ComplensError(`options.positions: position ${p} of example ${index} is outside its ${T} input positions (0..${T - 1}, or −${T}..−1)`);
    }
    return q;
  });
  return { positions, named: false };
}

/** The rows of one model call, before they are assembled in example order. */
interface BatchPart {
  layouts: HookLayout[];
  data: Float32Array[];
}

/**
 * One chunk: runs the model over `examples` (global indices start at `state.nextIndex`) and builds its dataset.
 * Cached tensors are disposed before returning, also when something throws.
 */
function runChunk(model: AnyModel, examples: readonly Example[], options: ActivationOptions, batchSize: number, state: StreamState): ActivationDataset {
  const base = state.nextIndex;
  if (!state.labels) {
    const union = labelUnion(examples);
    state.labels = labelPlan(options.labels?.position ?? union.position, options.labels?.example ?? union.example);
  } else if (!options.labels) {
    const union = labelUnion(examples);
    const extra = [
      ...union.position.filter((n) => !state.labels!.position.includes(n)),
      ...union.example.filter((n) => !state.labels!.example.includes(n)),
    ];
    if (extra.length) {
      throw new ComplensError(
        `examples from index ${base} have label(s) ${extra.join(', ')} that the first chunk did not have; pass options.labels to fix the label columns of a stream`,
      );
    }
  }
  const plan = state.labels;
  const hooks = options.hooks;
  // Per example: its batch part, its row in that batch, and its positions.
  const where: { part: BatchPart; row: number; positions: number[] }[] = new Array(examples.length);

  const readCache = (cache: Record<string, unknown>, batch: SequenceBatch | undefined, B: number, promptLength: number): BatchPart => {
    const layouts: HookLayout[] = [];
    const data: Float32Array[] = [];
    for (const name of hooks) {
      const t = cache[name] as { shape: number[]; dataSync(): ArrayLike<number> } | undefined;
      if (!t) throw new ComplensError(`hook ${name} fired no activation (is it computed in this model's layout and mode?)`);
      const axis = hookTimeAxis(model, name, t.shape, batch, options.timeAxes?.[name]);
      const layout = hookLayout(name, t.shape, axis, B, promptLength);
      const known = state.dims.get(name);
      if (known === undefined) state.dims.set(name, layout.dim);
      else if (known !== layout.dim) {
        throw new ComplensError(
          `hook ${name}: rows have ${layout.dim} features in this batch but ${known} before (shape [${t.shape.join(', ')}]); ` +
            `its feature size depends on the sequence length, so collect examples of one length at a time`,
        );
      }
      const values = t.dataSync();
      layouts.push(layout);
      data.push(values instanceof Float32Array ? values : Float32Array.from(values));
    }
    return { layouts, data };
  };

  if (model.kind === 'vector') {
    const vm = model as VectorModel;
    for (let start = 0; start < examples.length; start += batchSize) {
      const slice = examples.slice(start, start + batchSize) as VectorExample[];
      const inputs = new Float32Array(slice.length * vm.inputSize);
      slice.forEach((ex, r) => {
        if (!ex || !ex.input || ex.input.length !== vm.inputSize) {
          throw new ComplensError(`example ${base + start + r}: input has ${ex?.input?.length} values, the model reads ${vm.inputSize}`);
        }
        inputs.set(ex.input, r * vm.inputSize);
      });
      const result = vm.runWithCache({ inputs, batchSize: slice.length, inputSize: vm.inputSize }, { names: hooks, params: options.params });
      let part: BatchPart;
      try {
        part = readCache(result.cache, undefined, slice.length, 0);
      } finally {
        disposeResult(result);
      }
      slice.forEach((_, r) => (where[start + r] = { part, row: r, positions: [-1] }));
    }
  } else {
    const sm = model as SequenceModel;
    const selector = options.positions ?? 'all';
    for (const { batch, indices } of evaluationBatches(examples as EncodedExample[], batchSize)) {
      const result = sm.runWithCache(batch, { names: hooks, params: options.params, mode: options.mode });
      let part: BatchPart;
      try {
        part = readCache(result.cache, batch, batch.batchSize, batch.promptLength);
      } finally {
        disposeResult(result);
      }
      indices.forEach((i, r) => {
        const ex = examples[i] as EncodedExample;
        const { positions, named } = selectPositions(selector, ex, base + i);
        const kept = named ? positions.filter((p) => part.layouts.every((l) => covers(l, p))) : positions;
        if (!named) {
          for (const p of positions) {
            const missing = part.layouts.find((l) => !covers(l, p));
            if (missing) {
              throw new ComplensError(
                `hook ${missing.name} has no value at input position ${p} of example ${base + i}: it covers positions ` +
                  `${missing.offset}..${missing.offset + missing.steps - 1}`,
              );
            }
          }
        }
        where[i] = { part, row: r, positions: kept };
      });
    }
  }

  // Assemble in example order.
  const rows = where.reduce((s, w) => s + w.positions.length, 0);
  const hookInfo: HookInfo[] = hooks.map((name) => ({ name, dim: state.dims.get(name)! }));
  const features = hookInfo.map((h) => new Float32Array(rows * h.dim));
  const exampleIndex = new Int32Array(rows);
  const position = new Int32Array(rows);
  const groupIndex = new Int32Array(rows);
  const groupKeys: string[] = [];
  const groupIds = new Map<string, number>();
  const posLabels = plan.position.map(() => new Int32Array(rows));
  const exLabels = plan.example.map(() => new Float64Array(rows));
  let at = 0;
  examples.forEach((ex, i) => {
    const { part, row, positions } = where[i];
    const g = ex.group ?? '';
    let gi = groupIds.get(g);
    if (gi === undefined) groupIds.set(g, (gi = groupKeys.push(g) - 1));
    const pl = 'positionLabels' in ex ? ex.positionLabels : undefined;
    const posArrays = plan.position.map((n) => pl?.[n]);
    const exValues = plan.example.map((n) => {
      const v = ex.exampleLabels?.[n];
      return typeof v === 'number' ? v : NaN;
    });
    for (const p of positions) {
      exampleIndex[at] = base + i;
      position[at] = p;
      groupIndex[at] = gi;
      posArrays.forEach((arr, k) => (posLabels[k][at] = arr && p >= 0 && p < arr.length ? arr[p] : -1));
      exValues.forEach((v, k) => (exLabels[k][at] = v));
      part.layouts.forEach((layout, k) => gatherRow(layout, part.data[k], row, p, features[k], at * hookInfo[k].dim));
      at++;
    }
  });
  const labels: LabelColumn[] = [
    ...plan.position.map((n, k): LabelColumn => ({ name: n, source: n, kind: 'position', values: posLabels[k] })),
    ...plan.example.map((n, k): LabelColumn => ({ name: plan.exampleColumns[k], source: n, kind: 'example', values: exLabels[k] })),
  ];
  state.nextIndex += examples.length;
  return new ActivationDataset({ exampleIndex, position, groupIndex, groupKeys, hooks: hookInfo, features, labels });
}

/** Chunks of `chunkSize` examples from any iterable. */
function* chunked<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let buffer: T[] = [];
  for (const item of items) {
    buffer.push(item);
    if (buffer.length >= size) {
      yield buffer;
      buffer = [];
    }
  }
  if (buffer.length) yield buffer;
}

async function* chunkedAsync<T>(items: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
  let buffer: T[] = [];
  for await (const item of items) {
    buffer.push(item);
    if (buffer.length >= size) {
      yield buffer;
      buffer = [];
    }
  }
  if (buffer.length) yield buffer;
}

/**
 * Synchronous stream of chunk datasets (each `chunkSize` consecutive examples; `exampleIndex` counts across
 * chunks). Examples may come from a generator, so neither the examples nor the rows are ever all in memory.
 */
export function activationChunks(model: SequenceModel, examples: Iterable<EncodedExample>, options: ActivationOptions): Generator<ActivationDataset>;
export function activationChunks(model: VectorModel, examples: Iterable<VectorExample>, options: ActivationOptions): Generator<ActivationDataset>;
export function activationChunks(model: AnyModel, examples: Iterable<Example>, options: ActivationOptions): Generator<ActivationDataset>;
export function* activationChunks(model: AnyModel, examples: Iterable<Example>, options: ActivationOptions): Generator<ActivationDataset> {
  const size = checkOptions(model, options);
  const state: StreamState = { dims: new Map(), nextIndex: 0 };
  for (const chunk of chunked(examples, size)) yield runChunk(model, chunk, options, size, state);
}

/**
 * Async stream of chunk datasets, for datasets too large to hold: consume with `for await`, or pass to
 * `writeActivationStream(stream, 'acts.arrow')`. Accepts sync or async iterables of examples.
 */
export function streamActivations(
  model: SequenceModel,
  examples: Iterable<EncodedExample> | AsyncIterable<EncodedExample>,
  options: ActivationOptions,
): AsyncGenerator<ActivationDataset>;
export function streamActivations(model: VectorModel, examples: Iterable<VectorExample> | AsyncIterable<VectorExample>, options: ActivationOptions): AsyncGenerator<ActivationDataset>;
export function streamActivations(model: AnyModel, examples: Iterable<Example> | AsyncIterable<Example>, options: ActivationOptions): AsyncGenerator<ActivationDataset>;
export async function* streamActivations(
  model: AnyModel,
  examples: Iterable<Example> | AsyncIterable<Example>,
  options: ActivationOptions,
): AsyncGenerator<ActivationDataset> {
  const size = checkOptions(model, options);
  const state: StreamState = { dims: new Map(), nextIndex: 0 };
  const source = Symbol.asyncIterator in Object(examples) ? chunkedAsync(examples as AsyncIterable<Example>, size) : chunked(examples as Iterable<Example>, size);
  for await (const chunk of source) yield runChunk(model, chunk, options, size, state);
}

/**
 * Runs `model` over `examples` and returns every (example, position) row — one row per example for VectorModels.
 * Label columns are the union over all examples.
 *
 * @example
 * const ds = collectActivations(model, task.split('test').examples, { hooks: [model.stateHook], positions: 'last-prompt' });
 * const X = ds.features(model.stateHook);      // {data: Float32Array, rows, dim}
 * const y = ds.intLabels('sumMod10');          // Int32Array
 */
export function collectActivations(model: SequenceModel, examples: readonly EncodedExample[], options: ActivationOptions): ActivationDataset;
export function collectActivations(model: VectorModel, examples: readonly VectorExample[], options: ActivationOptions): ActivationDataset;
export function collectActivations(model: AnyModel, examples: readonly Example[], options: ActivationOptions): ActivationDataset;
export function collectActivations(model: AnyModel, examples: readonly Example[], options: ActivationOptions): ActivationDataset {
  if (!Array.isArray(examples) || examples.length === 0) throw new ComplensError('collectActivations: expected a non-empty array of examples');
  const labels = options.labels ?? labelUnion(examples);
  const parts = [...activationChunks(model, examples, { ...options, labels })];
  return ActivationDataset.concat(parts);
}
