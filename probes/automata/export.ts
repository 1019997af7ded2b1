/**
 * Drawings of automata: Graphviz DOT for people with Graphviz, and a self-contained SVG (states on a circle) for
 * everyone else, so reports never depend on an external renderer.
 */
import { Dfa } from '../../lib/automata/types';

export interface DrawOptions {
  title?: string;
  /** Shown under each state's name; default `dfa.stateLabels`. */
  stateLabels?: readonly string[];
}

/** One `qi -> qj [label="symbol"]` line per defined transition; a point-shaped `__start` node marks the initial state. */
export function toDot(dfa: Dfa, options: DrawOptions = {}): string {
  const labels = options.stateLabels ?? dfa.stateLabels;
  const lines = [`digraph ${dotString(options.title ?? 'automaton')} {`, '  rankdir=LR;', '  node [shape=circle];'];
  if (options.title) lines.push(`  label=${dotString(options.title)};`, '  labelloc=t;');
  for (let q = 0; q < dfa.stateCount; q++) {
    const text = labels?.[q] !== undefined ? `q${q}\n${labels[q]}` : `q${q}`;
    lines.push(`  q${q} [label=${dotString(text)}];`);
  }
  if (dfa.initial >= 0) lines.push('  __start [shape=point];', `  __start -> q${dfa.initial};`);
  dfa.transitions.forEach((row, q) =>
    row.forEach((t, s) => {
      if (t >= 0) lines.push(`  q${q} -> q${t} [label=${dotString(dfa.alphabet[s] ?? String(s))}];`);
    }),
  );
  lines.push('}');
  return lines.join('\n') + '\n';
}

function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export interface SvgOptions extends DrawOptions {
  /** Width and height in pixels. Default 480. */
  size?: number;
}

/**
 * States evenly on a circle, parallel transitions merged into one arrow with a comma-separated label (so 8 symbols
 * between the same pair read as one edge), self-loops as small outward loops, the initial state with a double ring.
 */
export function toSvg(dfa: Dfa, options: SvgOptions = {}): string {
  const size = options.size ?? 480;
  const labels = options.stateLabels ?? dfa.stateLabels;
  const c = size / 2;
  const ring = dfa.stateCount > 1 ? size * 0.34 : 0;
  const r = Math.max(10, Math.min(24, (Math.PI * ring) / Math.max(1, dfa.stateCount) / 1.6));
  const pos = Array.from({ length: dfa.stateCount }, (_, q) => {
    const a = (2 * Math.PI * q) / Math.max(1, dfa.stateCount) - Math.PI / 2;
    return { x: c + ring * Math.cos(a), y: c + ring * Math.sin(a), a };
  });
  const edges = new Map<string, { from: number; to: number; symbols: string[] }>();
  dfa.transitions.forEach((row, q) =>
    row.forEach((t, s) => {
      if (t < 0) return;
      const key = `${q}>${t}`;
      const e = edges.get(key) ?? { from: q, to: t, symbols: [] };
      e.symbols.push(dfa.alphabet[s] ?? String(s));
      edges.set(key, e);
    }),
  );
  const f = (x: number) => x.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="10">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
  ];
  if (options.title) parts.push(`<text x="${f(c)}" y="14" text-anchor="middle" font-size="13">${xml(options.title)}</text>`);
  for (const e of edges.values()) {
    const a = pos[e.from];
    const b = pos[e.to];
    const label = xml(e.symbols.join(','));
    if (e.from === e.to) {
      // A loop on the outside of the circle, so it does not cross other edges.
      const ox = Math.cos(a.a);
      const oy = Math.sin(a.a);
      const px = -oy;
      const py = ox;
      const s1 = { x: a.x + r * (ox * 0.7 + px * 0.7), y: a.y + r * (oy * 0.7 + py * 0.7) };
      const s2 = { x: a.x + r * (ox * 0.7 - px * 0.7), y: a.y + r * (oy * 0.7 - py * 0.7) };
      const k1 = { x: a.x + r * (ox * 2.6 + px * 1.2), y: a.y + r * (oy * 2.6 + py * 1.2) };
      const k2 = { x: a.x + r * (ox * 2.6 - px * 1.2), y: a.y + r * (oy * 2.6 - py * 1.2) };
      parts.push(`<path d="M${f(s1.x)},${f(s1.y)} C${f(k1.x)},${f(k1.y)} ${f(k2.x)},${f(k2.y)} ${f(s2.x)},${f(s2.y)}" fill="none" stroke="#555" marker-end="url(#arrow)"/>`);
      parts.push(`<text x="${f(a.x + r * 2.7 * ox)}" y="${f(a.y + r * 2.7 * oy)}" text-anchor="middle">${label}</text>`);
      continue;
    }
    // Curve every edge to its left so that q→p and p→q do not overlap.
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy);
    const ux = dx / len;
    const uy = dy / len;
    const bend = Math.min(40, len * 0.2);
    const mx = (a.x + b.x) / 2 + uy * bend;
    const my = (a.y + b.y) / 2 - ux * bend;
    const start = towards(a, { x: mx, y: my }, r);
    const end = towards(b, { x: mx, y: my }, r);
    parts.push(`<path d="M${f(start.x)},${f(start.y)} Q${f(mx)},${f(my)} ${f(end.x)},${f(end.y)}" fill="none" stroke="#555" marker-end="url(#arrow)"/>`);
    parts.push(`<text x="${f((a.x + b.x) / 4 + mx / 2)}" y="${f((a.y + b.y) / 4 + my / 2)}" text-anchor="middle">${label}</text>`);
  }
  pos.forEach((p, q) => {
    parts.push(`<circle cx="${f(p.x)}" cy="${f(p.y)}" r="${f(r)}" fill="#fff" stroke="#222"/>`);
    if (q === dfa.initial) parts.push(`<circle cx="${f(p.x)}" cy="${f(p.y)}" r="${f(r - 3)}" fill="none" stroke="#222"/>`);
    const text = labels?.[q] !== undefined ? `q${q}:${labels[q]}` : `q${q}`;
    parts.push(`<text x="${f(p.x)}" y="${f(p.y + 3)}" text-anchor="middle">${xml(text)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

function towards(from: { x: number; y: number }, to: { x: number; y: number }, distance: number) {
  const d = Math.hypot(to.x - from.x, to.y - from.y) || 1;
  return { x: from.x + ((to.x - from.x) / d) * distance, y: from.y + ((to.y - from.y) / d) * distance };
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
