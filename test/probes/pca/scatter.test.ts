import { Matrix } from 'ml-matrix';
import { Rng } from '../../../lib/util/random';
import { renderSvg } from '../../../probes/charts';
import { pcaProject, pcaScatterSpec } from '../../../probes/pca';

function data(seed: number): { X: Matrix; labels: number[] } {
  const rng = new Rng(seed);
  const X = new Matrix(60, 5);
  const labels: number[] = [];
  for (let i = 0; i < 60; i++) {
    labels.push(i % 3);
    for (let j = 0; j < 5; j++) X.set(i, j, (j === i % 3 ? 4 : 0) + rng.normal());
  }
  return { X, labels };
}

describe('pcaScatterSpec', () => {
  test('2 components: one scatter with inline rows {pc1, pc2, <colorField>} and DejaVu Sans', () => {
    const { X, labels } = data(1);
    const p = pcaProject(X);
    const spec = pcaScatterSpec(p, labels, { title: 'resid', colorField: 'sumMod10' }) as Record<string, any>;
    expect(spec.data.values).toHaveLength(60);
    expect(Object.keys(spec.data.values[0]).sort()).toEqual(['pc1', 'pc2', 'sumMod10']);
    expect(spec.data.values[7].pc2).toBeCloseTo(p.coords.get(7, 1), 12);
    expect(spec.data.values[7].sumMod10).toBe(labels[7]);
    expect(spec.encoding.color.field).toBe('sumMod10');
    expect(spec.encoding.x.title).toMatch(/^PC1 \(\d+\.\d% var\.\)$/);
    expect(spec.config.font).toBe('DejaVu Sans');
    expect(spec.title).toBe('resid');
  });

  test('3 components: three panels PC1×PC2, PC1×PC3, PC2×PC3', () => {
    const { X, labels } = data(2);
    const spec = pcaScatterSpec(pcaProject(X, { components: 3 }), labels) as Record<string, any>;
    const pairs = spec.hconcat.map((panel: any) => [panel.encoding.x.field, panel.encoding.y.field]);
    expect(pairs).toEqual([['pc1', 'pc2'], ['pc1', 'pc3'], ['pc2', 'pc3']]);
  });

  test('label count must match rows', () => {
    const { X } = data(3);
    expect(() => pcaScatterSpec(pcaProject(X), [1, 2])).toThrow(/2 labels but the projection has 60 rows/);
  });

  test('renderSvg returns an <svg> with the axis titles', async () => {
    const { X, labels } = data(4);
    for (const components of [2, 3]) {
      const svg = await renderSvg(pcaScatterSpec(pcaProject(X, { components }), labels, { title: 'PCA' }));
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('</svg>');
      expect(svg).toContain('PC1 (');
      expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(60);
    }
  });
});
