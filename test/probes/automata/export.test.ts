import { Dfa } from '../../../lib/automata/types';
import { toDot, toSvg } from '../../../probes/automata/export';
import { randomPermutationDfa } from '../../../probes/automata/synthetic';

const partial: Dfa = {
  stateCount: 3,
  alphabet: ['a', 'b"q'],
  transitions: [
    [1, -1],
    [2, 2],
    [-1, 0],
  ],
  initial: 0,
  stateLabels: ['zero', 'one', 'two'],
};

function balanced(text: string, open: string, close: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === open) depth++;
    if (ch === close) depth--;
    if (depth < 0) return false;
  }
  return depth === 0;
}

describe('toDot', () => {
  test('one edge line per defined transition, balanced braces, escaped quotes', () => {
    const dot = toDot(partial, { title: 'my "automaton"' });
    expect(dot.startsWith('digraph ')).toBe(true);
    expect(balanced(dot, '{', '}')).toBe(true);
    const edges = dot.split('\n').filter((l) => /^\s*q\d+ -> q\d+/.test(l));
    expect(edges).toHaveLength(4);
    expect(edges).toContain('  q1 -> q2 [label="b\\"q"];');
    expect(dot).toMatch(/__start -> q0;/);
    // Quotes inside strings are escaped, so the number of unescaped quotes is even.
    expect((dot.replace(/\\"/g, '').match(/"/g) ?? []).length % 2).toBe(0);
    expect(dot).toContain('q2\\ntwo');
  });

  test('a full 8×8 permutation automaton has 64 edges and no start arrow', () => {
    const dot = toDot(randomPermutationDfa(8, 8, 1));
    expect(dot.split('\n').filter((l) => l.includes(' -> '))).toHaveLength(64);
    expect(dot).not.toContain('__start');
  });
});

describe('toSvg', () => {
  test('is a self-contained, tag-balanced svg with one circle per state', () => {
    const svg = toSvg(partial, { title: 'a < b & c' }).trim();
    expect(svg.startsWith('<svg ')).toBe(true);
    expect(svg.endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt; b &amp; c');
    expect(svg).not.toMatch(/NaN|undefined/);
    // every opened element is closed: count <tag ...> vs </tag> and self-closing tags
    const opens = (svg.match(/<[a-z][^>]*[^/]>/g) ?? []).length;
    const closes = (svg.match(/<\/[a-z]+>/g) ?? []).length;
    expect(opens).toBe(closes);
    // 3 states plus the inner ring of the initial state
    expect((svg.match(/<circle /g) ?? []).length).toBe(4);
    // 4 transitions, merged by (from, to): 0→1, 1→2 (a,b"q), 2→0 → 3 edge paths; the marker path is inside <defs>
    expect((svg.match(/<path d="M[\d.]+,[\d.]+ [QC]/g) ?? []).length).toBe(3);
    expect(svg).toContain('a,b&quot;q');
  });

  test('draws self-loops and a single state without NaN', () => {
    const one: Dfa = { stateCount: 1, alphabet: ['x'], transitions: [[0]], initial: -1 };
    const svg = toSvg(one);
    expect(svg).not.toMatch(/NaN/);
    expect(svg).toMatch(/<path d="M[\d.]+,[\d.]+ C/);
  });
});
