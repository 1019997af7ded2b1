/**
 * Name maps translate external state dicts (PyTorch, minGPT/nanoGPT, HF GPT-2) to complens parameter names and
 * layouts, and back. A map is a list of rules; each rule turns a few external tensors into a few complens tensors
 * with an exact (bit-preserving) index permutation, and its inverse, so import ∘ export is the identity.
 * Rules work on host arrays: a rejected import allocates no tensors.
 */
import { ComplensError } from '../util/errors';
import { HostTensor, numel, shapeText } from './weights';

export type Side = 'external' | 'complens';

export interface MapRule {
  external: string[];
  complens: string[];
  toComplens(inputs: HostTensor[]): HostTensor[];
  toExternal(inputs: HostTensor[]): HostTensor[];
}

/** What a map can see before it builds rules: the names and shapes on the source side and the file's metadata. */
export interface MapContext {
  shapes: Record<string, number[]>;
  metadata: Record<string, string>;
}

export interface NameMap {
  readonly name: string;
  /** Rules for the tensors present on `side` (maps infer layer counts from the names). */
  plan(side: Side, ctx: MapContext): { rules: MapRule[]; metadata?: Record<string, string> };
  /** External tensors that are known and deliberately dropped (e.g. causal-mask buffers). */
  ignored?(externalName: string): boolean;
}

/** A tensor whose shape does not fit the rule; collected and reported together with missing tensors. */
export class MapShapeError extends ComplensError {}

/** A per-tensor transform for user-supplied mappings (embeddings, readouts). */
export type TensorTransform = 'identity' | 'transpose' | { reshape: { external: number[]; complens: number[] } };

export interface ExtraMapping {
  external: string;
  complens: string;
  transform?: TensorTransform;
}

export interface MapOutcome {
  tensors: Record<string, HostTensor>;
  /** Missing inputs and shape mismatches, one line each; empty on success. */
  problems: string[];
  /** Source tensors no rule consumed (and the map does not ignore). */
  unused: string[];
  /** Target-side names the map could not build (their missing inputs or bad shapes are in `problems`). */
  unresolved: string[];
  metadata: Record<string, string>;
}

/** Applies `map` in one direction, collecting every problem instead of stopping at the first. */
export function applyNameMap(map: NameMap, from: Side, source: Record<string, HostTensor>, metadata: Record<string, string> = {}): MapOutcome {
  const shapes = Object.fromEntries(Object.entries(source).map(([k, v]) => [k, v.shape]));
  const { rules, metadata: outMeta = {} } = map.plan(from, { shapes, metadata });
  const to: Side = from === 'external' ? 'complens' : 'external';
  const tensors: Record<string, HostTensor> = {};
  const problems: string[] = [];
  const used = new Set<string>();
  const unresolved: string[] = [];
  for (const rule of rules) {
    const inputs = rule[from];
    const outputs = rule[to];
    const feeds = `${to} ${outputs.map((o) => `"${o}"`).join(', ')}`;
    const missing = inputs.filter((n) => !(n in source));
    for (const n of missing) problems.push(`missing ${from} tensor "${n}" (needed for ${feeds})`);
    inputs.forEach((n) => used.add(n));
    if (missing.length) {
      unresolved.push(...outputs);
      continue;
    }
    let results: HostTensor[];
    try {
      const args = inputs.map((n) => source[n]);
      results = from === 'external' ? rule.toComplens(args) : rule.toExternal(args);
    } catch (err) {
      if (!(err instanceof MapShapeError)) throw err;
      problems.push(`${inputs.map((n) => `"${n}"`).join(', ')} → ${feeds}: ${err.message}`);
      unresolved.push(...outputs);
      continue;
    }
    outputs.forEach((name, i) => {
      const prev = tensors[name];
      // Tied weights (one tensor feeding two names) export twice; that is fine only if both copies agree.
      if (prev && !sameTensor(prev, results[i])) problems.push(`${to} tensor "${name}" is produced twice with different values (tied weights that differ?)`);
      tensors[name] = results[i];
    });
  }
  const unused = Object.keys(source).filter((n) => !used.has(n) && !(from === 'external' && map.ignored?.(n)));
  return { tensors, problems, unused, unresolved, metadata: outMeta };
}

function sameTensor(a: HostTensor, b: HostTensor): boolean {
  return shapeText(a.shape) === shapeText(b.shape) && a.data.every((v, i) => Object.is(v, b.data[i]));
}

// ---- transforms ----

function expectShape(t: HostTensor, shape: readonly number[], hint = ''): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new MapShapeError(`expected shape ${shapeText(shape)}, got ${shapeText(t.shape)}${hint}`);
  }
}

function expectRank(t: HostTensor, rank: number, what: string): void {
  if (t.shape.length !== rank) throw new MapShapeError(`expected a ${what} (rank ${rank}), got shape ${shapeText(t.shape)}`);
}

export function transpose2d(t: HostTensor): HostTensor {
  expectRank(t, 2, 'matrix');
  const [r, c] = t.shape;
  const out = new Float32Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = t.data[i * c + j];
  return { shape: [c, r], data: out };
}

export function reshape(t: HostTensor, shape: number[]): HostTensor {
  if (numel(shape) !== t.data.length) throw new MapShapeError(`cannot reshape ${shapeText(t.shape)} to ${shapeText(shape)}`);
  return { shape: shape.slice(), data: t.data };
}

function simpleRule(external: string, complens: string, transform: TensorTransform = 'identity', check?: (t: HostTensor, side: Side) => void): MapRule {
  const apply = (t: HostTensor, side: Side): HostTensor => {
    check?.(t, side);
    if (transform === 'identity') return t;
    if (transform === 'transpose') return transpose2d(t);
    const { external: ext, complens: cl } = transform.reshape;
    expectShape(t, side === 'external' ? ext : cl);
    return reshape(t, side === 'external' ? cl : ext);
  };
  return { external: [external], complens: [complens], toComplens: ([t]) => [apply(t, 'external')], toExternal: ([t]) => [apply(t, 'complens')] };
}

export function extraRules(extra: readonly ExtraMapping[] = []): MapRule[] {
  return extra.map((e) => simpleRule(e.external, e.complens, e.transform));
}

/**
 * The highest layer index a name may carry (complens models have at most 64 layers). Checked before anything is
 * allocated: without it `h.99999999.ln_1.weight` would make the map build rules for 10^8 layers.
 */
export const MAX_LAYER_INDEX = 63;

function layerIndices(names: string[], pattern: RegExp): number[] {
  let max = -1;
  for (const n of names) {
    const m = pattern.exec(n);
    if (!m) continue;
    const index = m[1].length > 6 ? Infinity : Number(m[1]);
    if (index > MAX_LAYER_INDEX) throw new ComplensError(`tensor "${n}": layer index ${m[1]} exceeds the maximum ${MAX_LAYER_INDEX}`);
    max = Math.max(max, index);
  }
  // Every layer up to the highest one seen, so a gap shows up as missing tensors rather than a silent skip.
  return Array.from({ length: Math.max(max + 1, 1) }, (_, i) => i);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- PyTorch nn.RNN / nn.GRU / nn.LSTM ----

export type RnnCell = 'rnn' | 'gru' | 'lstm';
const GATES: Record<RnnCell, number> = { rnn: 1, gru: 3, lstm: 4 };

export interface RnnMapOptions {
  cell: RnnCell;
  /** Prefix of the recurrent module in the state dict, e.g. `rnn.` (default none). */
  prefix?: string;
  /** Embeddings, readouts and anything else outside the recurrent module. */
  extra?: ExtraMapping[];
}

/**
 * `{prefix}weight_ih_l{k}` [G*H, In] ↔ `cells.{k}.W_ih` [In, G*H] (transposed), `weight_hh_l{k}` [G*H, H] ↔
 * `cells.{k}.W_hh` [H, G*H], biases unchanged. Gate order is PyTorch's on both sides (GRU r,z,n; LSTM i,f,g,o).
 */
export function rnnNameMap(options: RnnMapOptions): NameMap {
  const prefix = options.prefix ?? '';
  const gates = GATES[options.cell];
  if (!gates) throw new ComplensError(`rnnNameMap: cell must be "rnn", "gru" or "lstm", got ${JSON.stringify(options.cell)}`);
  const ext = (k: number, p: string): string => `${prefix}${p}_l${k}`;
  const cl = (k: number, p: string): string => `cells.${k}.${p}`;
  return {
    name: `pytorch-${options.cell}`,
    plan(side, { shapes }) {
      const names = Object.keys(shapes);
      const layers = side === 'external'
        ? layerIndices(names, new RegExp(`^${escape(prefix)}(?:weight|bias)_(?:ih|hh)_l(\\d+)$`))
        : layerIndices(names, /^cells\.(\d+)\.(?:W_ih|W_hh|b_ih|b_hh)$/);
      const rules = layers.flatMap((k) => {
        // H comes from the recurrent matrix; every other tensor of the layer must agree with it.
        const hh = side === 'external' ? shapes[ext(k, 'weight_hh')] : shapes[cl(k, 'W_hh')];
        const hidden = hh?.length === 2 ? (side === 'external' ? hh[1] : hh[0]) : undefined;
        // The gate axis is the first on PyTorch's side and the last on complens's (W_ih [In, G*H], b_ih [G*H]).
        const gateUnits = (t: HostTensor, s: Side, rank: number): void => {
          expectRank(t, rank, rank === 2 ? 'matrix' : 'vector');
          const units = t.shape[s === 'external' ? 0 : rank - 1];
          if (hidden !== undefined && units !== gates * hidden) {
            throw new MapShapeError(`expected ${gates}*${hidden} = ${gates * hidden} gate units (${options.cell}, hidden ${hidden}), got shape ${shapeText(t.shape)}`);
          }
        };
        const matrix = (t: HostTensor, s: Side): void => gateUnits(t, s, 2);
        const vector = (t: HostTensor, s: Side): void => gateUnits(t, s, 1);
        return [
          simpleRule(ext(k, 'weight_ih'), cl(k, 'W_ih'), 'transpose', matrix),
          simpleRule(ext(k, 'weight_hh'), cl(k, 'W_hh'), 'transpose', matrix),
          simpleRule(ext(k, 'bias_ih'), cl(k, 'b_ih'), 'identity', vector),
          simpleRule(ext(k, 'bias_hh'), cl(k, 'b_hh'), 'identity', vector),
        ];
      });
      return { rules: [...rules, ...extraRules(options.extra)] };
    },
  };
}

// ---- minGPT / nanoGPT / HF GPT-2 ----

export interface GptMapOptions {
  /** Heads; if omitted, read from the file's `__metadata__.n_head` (import) or W_Q's shape (export). */
  nHead?: number;
  /** 'linear' (minGPT/nanoGPT nn.Linear, weight out×in) or 'conv1d' (HF GPT-2 Conv1D, weight in×out). */
  layout?: 'linear' | 'conv1d';
  /** Prefix of the transformer module (default `transformer.`; HF GPT2Model files use ''). */
  prefix?: string;
  /** External name of the unembedding, nn.Linear [V, D] in every layout (default `lm_head.weight`). */
  lmHead?: string;
  extra?: ExtraMapping[];
}

export interface GptConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  vocabSize: number;
  blockSize: number;
}

function resolveHeads(given: number | undefined, metadata: Record<string, string>): number {
  const n = given ?? (metadata.n_head !== undefined ? Number(metadata.n_head) : undefined);
  if (n === undefined) throw new ComplensError('GPT name map: n_head is unknown: pass { nHead } (the file\'s __metadata__ has no "n_head")');
  if (!Number.isInteger(n) || n < 1) throw new ComplensError(`GPT name map: n_head must be a positive integer, got ${given ?? JSON.stringify(metadata.n_head)}`);
  return n;
}

/** n_layer, n_embd, vocab and block size from an external GPT state dict's shapes; n_head given or from metadata. */
export function inferGptConfig(shapes: Record<string, number[]>, metadata: Record<string, string> = {}, options: { nHead?: number; prefix?: string } = {}): GptConfig {
  const prefix = options.prefix ?? 'transformer.';
  const need = (name: string): number[] => {
    const s = shapes[name];
    if (!s || s.length !== 2) throw new ComplensError(`inferGptConfig: need "${name}" as a matrix to infer the config, got ${s ? shapeText(s) : 'nothing'}`);
    return s;
  };
  const [vocabSize, nEmbd] = need(`${prefix}wte.weight`);
  const [blockSize] = need(`${prefix}wpe.weight`);
  const nLayer = layerIndices(Object.keys(shapes), new RegExp(`^${escape(prefix)}h\\.(\\d+)\\.`)).length;
  const nHead = resolveHeads(options.nHead, metadata);
  if (nEmbd % nHead !== 0) throw new ComplensError(`inferGptConfig: n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  return { nLayer, nHead, nEmbd, vocabSize, blockSize };
}

type Layout = 'linear' | 'conv1d';

/** External [3D, D] (linear) or [D, 3D] (conv1d) ↔ W_Q, W_K, W_V each [H, D, dh]; out unit j = h*dh + e. */
function qkvWeightRule(external: string, complens: string[], nHead: () => number, layout: Layout): MapRule {
  return {
    external: [external],
    complens,
    toComplens([w]) {
      expectRank(w, 2, 'matrix');
      const [r, c] = w.shape;
      const fits = { linear: r === 3 * c, conv1d: c === 3 * r };
      if (!fits[layout]) {
        const other = layout === 'linear' ? 'conv1d' : 'linear';
        const want = layout === 'linear' ? '[3*D, D] (nn.Linear out×in)' : '[D, 3*D] (Conv1D in×out)';
        throw new MapShapeError(`expected ${want}, got ${shapeText(w.shape)}${fits[other] ? `: that is the ${other} layout; pass { layout: '${other}' }` : ''}`);
      }
      const d = layout === 'linear' ? c : r;
      const h = nHead();
      const dh = headDim(d, h);
      return [0, 1, 2].map((p) => {
        const out = new Float32Array(d * d);
        for (let head = 0; head < h; head++) for (let i = 0; i < d; i++) for (let e = 0; e < dh; e++) {
          const unit = p * d + head * dh + e;
          out[(head * d + i) * dh + e] = layout === 'linear' ? w.data[unit * d + i] : w.data[i * 3 * d + unit];
        }
        return { shape: [h, d, dh], data: out };
      });
    },
    toExternal(parts) {
      expectRank(parts[0], 3, 'rank-3 [n_heads, D, d_head] tensor');
      const [h, d, dh] = parts[0].shape;
      if (h * dh !== d || h !== nHead()) throw new MapShapeError(`expected [${nHead()}, D, D/${nHead()}], got ${shapeText(parts[0].shape)}`);
      parts.forEach((t) => expectShape(t, [h, d, dh]));
      const w = new Float32Array(3 * d * d);
      parts.forEach((t, p) => {
        for (let head = 0; head < h; head++) for (let i = 0; i < d; i++) for (let e = 0; e < dh; e++) {
          const unit = p * d + head * dh + e;
          w[layout === 'linear' ? unit * d + i : i * 3 * d + unit] = t.data[(head * d + i) * dh + e];
        }
      });
      return [{ shape: layout === 'linear' ? [3 * d, d] : [d, 3 * d], data: w }];
    },
  };
}

function headDim(d: number, h: number): number {
  if (d % h !== 0) throw new MapShapeError(`n_embd ${d} is not divisible by n_head ${h}`);
  return d / h;
}

/** [3D] ↔ b_Q, b_K, b_V each [H, dh] (the same unit order as the weight). */
function qkvBiasRule(external: string, complens: string[], nHead: () => number): MapRule {
  return {
    external: [external],
    complens,
    toComplens([b]) {
      expectRank(b, 1, 'vector');
      if (b.shape[0] % 3 !== 0) throw new MapShapeError(`expected [3*D], got ${shapeText(b.shape)}`);
      const d = b.shape[0] / 3;
      const h = nHead();
      const dh = headDim(d, h);
      return [0, 1, 2].map((p) => ({ shape: [h, dh], data: b.data.slice(p * d, (p + 1) * d) }));
    },
    toExternal(parts) {
      expectRank(parts[0], 2, '[n_heads, d_head] matrix');
      const [h, dh] = parts[0].shape;
      parts.forEach((t) => expectShape(t, [h, dh]));
      const b = new Float32Array(3 * h * dh);
      parts.forEach((t, p) => b.set(t.data, p * h * dh));
      return [{ shape: [3 * h * dh], data: b }];
    },
  };
}

/** c_proj [D, D] ↔ W_O [H, dh, D]: its input unit h*dh + e is head h's component e. */
function outProjRule(external: string, complens: string, nHead: () => number, layout: Layout): MapRule {
  return {
    external: [external],
    complens: [complens],
    toComplens([w]) {
      expectRank(w, 2, 'matrix');
      const d = w.shape[0];
      expectShape(w, [d, d]);
      const h = nHead();
      const inOut = layout === 'linear' ? transpose2d(w) : w;
      return [reshape(inOut, [h, headDim(d, h), d])];
    },
    toExternal([t]) {
      expectRank(t, 3, 'rank-3 [n_heads, d_head, D] tensor');
      const [h, dh, d] = t.shape;
      if (h * dh !== d) throw new MapShapeError(`expected [n_heads, d_head, n_heads*d_head], got ${shapeText(t.shape)}`);
      const inOut = reshape(t, [d, d]);
      return [layout === 'linear' ? transpose2d(inOut) : inOut];
    },
  };
}

/**
 * minGPT/nanoGPT (and, with `layout: 'conv1d'`, HF GPT-2) ↔ complens transformer names in the TransformerLens
 * layout. The causal-mask buffers `attn.bias` / `attn.masked_bias` are ignored.
 */
export function gptNameMap(options: GptMapOptions = {}): NameMap {
  const prefix = options.prefix ?? 'transformer.';
  const layout: Layout = options.layout ?? 'linear';
  if (layout !== 'linear' && layout !== 'conv1d') throw new ComplensError(`gptNameMap: layout must be "linear" or "conv1d", got ${JSON.stringify(layout)}`);
  const lmHead = options.lmHead ?? 'lm_head.weight';
  const dense = layout === 'linear' ? 'transpose' : 'identity';
  return {
    name: `gpt-${layout}`,
    ignored: (n) => /(^|\.)attn\.(bias|masked_bias)$/.test(n),
    plan(side, { shapes, metadata }) {
      const names = Object.keys(shapes);
      // Import needs n_head to split Q/K/V; export reads it off W_Q (and records it in the file's metadata).
      const heads = side === 'external' ? resolveHeads(options.nHead, metadata) : options.nHead ?? shapes['blocks.0.attn.W_Q']?.[0];
      const nHead = (): number => heads ?? resolveHeads(undefined, metadata);
      const layers = side === 'external'
        ? layerIndices(names, new RegExp(`^${escape(prefix)}h\\.(\\d+)\\.`))
        : layerIndices(names, /^blocks\.(\d+)\./);
      const t = (s: string): string => `${prefix}${s}`;
      const rules: MapRule[] = [
        simpleRule(t('wte.weight'), 'embed.W_E'),
        simpleRule(t('wpe.weight'), 'pos_embed.W_pos'),
      ];
      for (const l of layers) {
        const e = (s: string): string => t(`h.${l}.${s}`);
        const c = (s: string): string => `blocks.${l}.${s}`;
        rules.push(
          simpleRule(e('ln_1.weight'), c('ln1.w')),
          simpleRule(e('ln_1.bias'), c('ln1.b')),
          qkvWeightRule(e('attn.c_attn.weight'), ['W_Q', 'W_K', 'W_V'].map((n) => c(`attn.${n}`)), nHead, layout),
          qkvBiasRule(e('attn.c_attn.bias'), ['b_Q', 'b_K', 'b_V'].map((n) => c(`attn.${n}`)), nHead),
          outProjRule(e('attn.c_proj.weight'), c('attn.W_O'), nHead, layout),
          simpleRule(e('attn.c_proj.bias'), c('attn.b_O')),
          simpleRule(e('ln_2.weight'), c('ln2.w')),
          simpleRule(e('ln_2.bias'), c('ln2.b')),
          simpleRule(e('mlp.c_fc.weight'), c('mlp.W_in'), dense),
          simpleRule(e('mlp.c_fc.bias'), c('mlp.b_in')),
          simpleRule(e('mlp.c_proj.weight'), c('mlp.W_out'), dense),
          simpleRule(e('mlp.c_proj.bias'), c('mlp.b_out')),
        );
      }
      rules.push(
        simpleRule(t('ln_f.weight'), 'ln_final.w'),
        simpleRule(t('ln_f.bias'), 'ln_final.b'),
        simpleRule(lmHead, 'unembed.W_U', 'transpose'),
        ...extraRules(options.extra),
      );
      return { rules, metadata: heads !== undefined ? { n_head: String(heads) } : undefined };
    },
  };
}
