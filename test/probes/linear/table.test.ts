import { renderSvg } from '../../../probes/charts';
import { ControlResult, CrossValidationResult, ModuleDecodingResult, selectivityHeatmap, toTable } from '../../../probes/linear';

const cv: CrossValidationResult = { kind: 'crossValidation', scores: [0.8, 0.9], mean: 0.85, sd: 0.07, nSplits: 2, converged: true };
const controls: ControlResult = {
  kind: 'probeWithControls',
  accuracy: { mean: 0.9, sd: 0.01, scores: [0.9] },
  control: { mean: 0.4, sd: 0.02, scores: [0.4] },
  selectivity: 0.5,
  majorityBaseline: 0.3,
  nSplits: 1,
  converged: false,
};
const decoding: ModuleDecodingResult = {
  kind: 'moduleDecoding',
  layers: [
    { layer: 'l0', r2Test: 0.5, r2Ood: 0.2, r2TestPerModule: [0.5], r2OodPerModule: [0.2] },
    { layer: 'l1', r2Test: 0.9, r2Ood: null, r2TestPerModule: [0.9], r2OodPerModule: null },
  ],
  solver: 'exact',
  l2: 1,
  modules: 1,
  nTrain: 10,
  nTest: 10,
  nOod: 0,
};

describe('toTable', () => {
  test('cross-validation: one summary row plus tags', () => {
    const t = toTable(cv, { layer: 'blocks.0.hook_resid_post', seed: 3 });
    expect(t.numRows()).toBe(1);
    expect(t.objects()[0]).toEqual({ layer: 'blocks.0.hook_resid_post', seed: 3, mean: 0.85, sd: 0.07, nSplits: 2, converged: true });
  });

  test('controls: accuracy, control, selectivity and baseline side by side', () => {
    const row = toTable(controls).objects()[0] as Record<string, unknown>;
    expect(row).toMatchObject({ accuracy: 0.9, control: 0.4, selectivity: 0.5, majorityBaseline: 0.3, converged: false });
  });

  test('module decoding: one row per layer; tables from several runs concatenate', () => {
    const a = toTable(decoding, { seed: 1 });
    const b = toTable(decoding, { seed: 2 });
    const both = a.concat(b);
    expect(both.numRows()).toBe(4);
    expect(both.array('layer')).toEqual(['l0', 'l1', 'l0', 'l1']);
    expect(both.array('r2Ood')).toEqual([0.2, null, 0.2, null]);
    expect(both.array('seed')).toEqual([1, 1, 2, 2]);
  });
});

describe('selectivityHeatmap', () => {
  const rows = [
    { layer: 'l0', label: 'pos', selectivity: 0.1 },
    { layer: 'l0', label: 'head', selectivity: 0.3 },
    { layer: 'l1', label: 'pos', selectivity: 0.6 },
    { layer: 'l1', label: 'head', selectivity: 0.8 },
  ];

  test('layer on y, label on x, selectivity as colour, data inline, DejaVu Sans', () => {
    const spec = selectivityHeatmap(rows) as Record<string, any>;
    expect(spec.data.values).toHaveLength(4);
    const rect = spec.layer[0];
    expect(rect.mark.type).toBe('rect');
    expect(rect.encoding.x.field).toBe('label');
    expect(rect.encoding.y.field).toBe('layer');
    expect(rect.encoding.color.field).toBe('selectivity');
    expect(rect.encoding.y.sort).toEqual(['l0', 'l1']);
    expect(spec.config.font).toBe('DejaVu Sans');
  });

  test('renders to SVG', async () => {
    const svg = await renderSvg(selectivityHeatmap(rows, { title: 'sel' }));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toContain('head');
    expect(svg).toContain('DejaVu Sans');
  });
});
