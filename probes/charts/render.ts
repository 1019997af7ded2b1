/**
 * vega-lite spec → SVG string, headless (no canvas, no DOM): the export path for reports and notebooks whose HTML
 * export drops vega-lite outputs.
 */
import * as vega from 'vega';
import { compile, TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    // Release the view's timers and listeners: a headless view is otherwise kept alive.
    view.finalize();
  }
}
