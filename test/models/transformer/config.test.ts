import {
  BLOCK_HOOKS,
  TOP_HOOKS,
  getActName,
  hookShape,
  parameterCount,
  transformerHookPoints,
  transformerParamSpecs,
  transformerPreset,
  validateTransformerConfig,
} from '../../../lib/models/transformer';
import { readFileSync } from 'fs';
import { join } from 'path';
import { ComplensError, ConfigError } from '../../../lib/util/errors';

const nano = transformerPreset('gpt-nano', { vocabSize: 10, maxLength: 15 });

describe('transformer config', () => {
  it('expands the minGPT presets', () => {
    expect(nano).toEqual({ arch: 'transformer', vocabSize: 10, nLayers: 3, nHeads: 3, dModel: 48, dMlp: 192, maxLength: 15, layerNormEps: 1e-5 });
    expect(transformerPreset('gpt-micro', { vocabSize: 10, maxLength: 19 })).toMatchObject({ nLayers: 4, nHeads: 4, dModel: 128, dMlp: 512 });
    expect(transformerPreset('gpt-mini', { vocabSize: 10, maxLength: 19 })).toMatchObject({ nLayers: 6, nHeads: 6, dModel: 192 });
    // Explicit sizes win over the preset's.
    expect(validateTransformerConfig({ arch: 'transformer', preset: 'gpt-nano', nLayers: 1, vocabSize: 10, maxLength: 4 }).nLayers).toBe(1);
  });

  it('has the paper\'s ~0.09M parameters for gpt-nano on addition', () => {
    expect(parameterCount(nano)).toBe(86592);
  });

  it('names the bad field', () => {
    const field = (json: unknown) => {
      try {
        validateTransformerConfig(json, 'model');
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as ConfigError).field;
      }
      return 'no error';
    };
    const ok = { arch: 'transformer', vocabSize: 10, nLayers: 1, nHeads: 2, dModel: 8, maxLength: 5 };
    expect(field(ok)).toBe('no error');
    expect(field({ ...ok, arch: 'rnn' })).toBe('model.arch');
    expect(field({ ...ok, nHeads: 3 })).toBe('model.nHeads');
    expect(field({ ...ok, dModel: 0 })).toBe('model.dModel');
    expect(field({ ...ok, maxLength: undefined })).toBe('model.maxLength');
    expect(field({ ...ok, preset: 'gpt-huge' })).toBe('model.preset');
    expect(field({ ...ok, layerNormEps: -1 })).toBe('model.layerNormEps');
  });
});

describe('transformer parameters', () => {
  const specs = transformerParamSpecs(nano);
  const byName = new Map(specs.map((s) => [s.name, s]));

  it('uses the TransformerLens names and shapes', () => {
    const expected: Record<string, number[]> = {
      'embed.W_E': [10, 48],
      'pos_embed.W_pos': [15, 48],
      'blocks.2.ln1.w': [48],
      'blocks.2.attn.W_Q': [3, 48, 16],
      'blocks.0.attn.b_K': [3, 16],
      'blocks.1.attn.W_O': [3, 16, 48],
      'blocks.1.attn.b_O': [48],
      'blocks.0.mlp.W_in': [48, 192],
      'blocks.0.mlp.b_in': [192],
      'blocks.0.mlp.W_out': [192, 48],
      'ln_final.b': [48],
      'unembed.W_U': [48, 10],
    };
    for (const [name, shape] of Object.entries(expected)) expect(byName.get(name)?.shape).toEqual(shape);
    expect(specs).toHaveLength(2 + 3 * 16 + 3);
    expect(byName.has('unembed.b_U')).toBe(false);
  });

  it('initialises as minGPT and marks only weight matrices maskable', () => {
    expect(byName.get('blocks.0.attn.W_Q')).toMatchObject({ init: 'normal', scale: 0.02, maskable: true });
    expect(byName.get('blocks.0.attn.W_O')?.scale).toBeCloseTo(0.02 / Math.sqrt(6));
    expect(byName.get('blocks.0.mlp.W_out')?.scale).toBeCloseTo(0.02 / Math.sqrt(6));
    expect(byName.get('embed.W_E')).toMatchObject({ init: 'normal', scale: 0.02, maskable: false });
    expect(byName.get('blocks.0.ln2.w')).toMatchObject({ init: 'ones', maskable: false });
    expect(byName.get('blocks.0.mlp.b_in')).toMatchObject({ init: 'zeros', maskable: false });
    for (const s of specs) expect(s.maskable).toBe(/\.W_\w+$/.test(s.name) && !s.name.startsWith('embed') && !s.name.startsWith('pos_embed'));
  });
});

describe('transformer hook names', () => {
  it('lists every point in forward order, once', () => {
    const names = transformerHookPoints(nano);
    expect(names).toHaveLength(TOP_HOOKS.length + 3 * BLOCK_HOOKS.length);
    expect(new Set(names).size).toBe(names.length);
    expect(names[0]).toBe('hook_embed');
    expect(names[2]).toBe('blocks.0.hook_resid_pre');
    expect(names.at(-1)).toBe('hook_logits');
    expect(names).toContain('blocks.2.attn.hook_attn_scores');
  });

  it('gives shapes from the table', () => {
    const dims = { batchSize: 4, inputLength: 15, answerLength: 6 };
    expect(hookShape('blocks.1.attn.hook_pattern', nano, dims)).toEqual([4, 3, 15, 15]);
    expect(hookShape('blocks.0.attn.hook_q', nano, dims)).toEqual([4, 15, 3, 16]);
    expect(hookShape('blocks.0.mlp.hook_post', nano, dims)).toEqual([4, 15, 192]);
    expect(hookShape('hook_logits', nano, dims)).toEqual([4, 6, 10]);
  });

  it('has TransformerLens short names', () => {
    expect(getActName('pattern', 1)).toBe('blocks.1.attn.hook_pattern');
    expect(getActName('resid_post', 2)).toBe('blocks.2.hook_resid_post');
    expect(getActName('post', 0)).toBe('blocks.0.mlp.hook_post');
    expect(getActName('scores', 0)).toBe('blocks.0.attn.hook_attn_scores');
    expect(getActName('embed')).toBe('hook_embed');
    expect(getActName('ln_final')).toBe('ln_final.hook_normalized');
    expect(() => (getActName as (n: string, l?: number) => string)('pattern')).toThrow(ComplensError);
    expect(() => (getActName as (n: string, l?: number) => string)('patern', 0)).toThrow(/unknown activation/);
  });
});

describe('docs/models/transformer.md', () => {
  it('documents every hook point with the shape in the code table', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/models/transformer.md'), 'utf8');
    const rows = [...TOP_HOOKS.map((h) => [h.leaf, h.shape] as const), ...BLOCK_HOOKS.map((h) => [`blocks.{l}.${h.leaf}`, h.shape] as const)];
    for (const [name, shape] of rows) expect(doc).toContain(`| \`${name}\` | [${shape.join(', ')}] |`);
  });
});
