import * as fs from 'fs';
import * as path from 'path';
import {
  lookupAutomaton,
  lookupDataDir,
  lookupTargetLength,
  lookupVocab,
  PUBLIC_TABLES,
  randomOutputAccuracy,
  randomWellformedAccuracy,
  runAutomaton,
  tableIndex,
} from '../../lib/tasks/lookup';
import { Dfa } from '../../lib/automata/types';
import { Rng } from '../../lib/util/random';
import { ConfigError } from '../../lib/util/errors';

describe('lookupAutomaton', () => {
  const dfa = lookupAutomaton(PUBLIC_TABLES, 3);

  it('has one state per value, one symbol per table and no fixed start', () => {
    expect(dfa.stateCount).toBe(8);
    expect(dfa.alphabet).toEqual(['t1', 't2', 't3', 't4', 't5', 't6', 't7', 't8']);
    expect(dfa.initial).toBe(-1);
    expect(dfa.stateLabels).toEqual(['000', '001', '010', '011', '100', '101', '110', '111']);
    expect(dfa.transitions).toHaveLength(8);
    for (const row of dfa.transitions) expect(row).toHaveLength(8);
    expect(JSON.parse(JSON.stringify(dfa))).toEqual(dfa);
  });

  it('runs reproduce every target column of the public longer sets', () => {
    for (const name of ['longer_compositions_seen', 'longer_compositions_incremental', 'heldout_tables']) {
      const lines = fs.readFileSync(path.join(lookupDataDir(), 'sample5', `${name}.tsv`), 'utf8').split('\n').filter(Boolean);
      for (const line of lines) {
        const [prompt, target] = line.split('\t');
        const [input, ...rest] = prompt.split(' ');
        const symbols = rest.slice(0, -1).map(tableIndex);
        const states = runAutomaton(dfa, parseInt(input, 2), symbols);
        expect(states.map((s) => dfa.stateLabels![s]).join(' ')).toBe(target);
      }
    }
  });

  it('rejects non-bijective tables', () => {
    expect(() => lookupAutomaton([[0, 0, 1, 2]], 2)).toThrow(ConfigError);
  });
});

describe('runAutomaton', () => {
  const partial: Dfa = { stateCount: 2, alphabet: ['a', 'b'], transitions: [[1, -1], [0, 1]], initial: 0 };
  it('keeps -1 once a transition is undefined', () => {
    expect(runAutomaton(partial, 0, [0, 0, 1])).toEqual([0, 1, 0, -1]);
    expect(runAutomaton(partial, 0, [1, 0, 0])).toEqual([0, -1, -1, -1]);
    expect(runAutomaton(partial, 1, [])).toEqual([1]);
  });
  it('rejects bad starts and symbols', () => {
    expect(() => runAutomaton(partial, 2, [0])).toThrow(ConfigError);
    expect(() => runAutomaton(partial, 0, [2])).toThrow(/symbols\[0\]/);
  });
});

describe('baselines', () => {
  it('random well-formed: one of 2^bits values, or k+1 of them for intermediates', () => {
    expect(randomWellformedAccuracy(3, 'final')).toBe(0.125);
    expect(randomWellformedAccuracy(3, 'intermediates')).toBe(1 / 512);
    expect(randomWellformedAccuracy(2, 'intermediates', 3)).toBe(1 / 256);
    expect(() => randomWellformedAccuracy(3, 'bits' as any)).toThrow(ConfigError);
  });

  it('random output: uniform tokens over the whole target', () => {
    const final = lookupTargetLength(3, 2, 'final');
    expect(final).toBe(4);
    expect(randomOutputAccuracy(lookupVocab(8).length, final)).toBeCloseTo(12 ** -4, 15);
    expect(randomOutputAccuracy(3, 0)).toBe(1);
    expect(() => randomOutputAccuracy(0, 4)).toThrow(ConfigError);
  });

  it('match a simulation of the guessers against true answers', () => {
    const rng = new Rng(123);
    const trials = 40000;
    let wellformed = 0;
    let output = 0;
    for (let i = 0; i < trials; i++) {
      const input = rng.int(8);
      const t1 = rng.int(8);
      const t2 = rng.int(8);
      const answer = PUBLIC_TABLES[t2][PUBLIC_TABLES[t1][input]];
      if (rng.int(8) === answer) wellformed++;
      // random output over {0, 1, <eos>} for 3 bits + <eos>: the answer's bits, then <eos> (= 2)
      const want = [(answer >> 2) & 1, (answer >> 1) & 1, answer & 1, 2];
      if (want.every((tok) => rng.int(3) === tok)) output++;
    }
    expect(wellformed / trials).toBeCloseTo(randomWellformedAccuracy(3, 'final'), 2);
    expect(Math.abs(output / trials - randomOutputAccuracy(3, 4))).toBeLessThan(0.004);
  });
});
