import { arithmeticExample, decodeAnswer } from '../../../lib/tasks/arithmetic';
import { createLookupTask, encodeLookupRow, lookupSpecFromSeed, lookupTokenIds } from '../../../lib/tasks/lookup';
import { EncodedExample } from '../../../lib/tasks/types';
import {
  applyRules,
  arithmeticRelations,
  decodeLookupValue,
  lookupRelations,
  lookupRelationsForTask,
  parseLookupPrompt,
  predictionOf,
  scoreRelations,
  searchMappings,
} from '../../../probes/equivalence';

describe('arithmetic relations', () => {
  const byName = (op: 'add' | 'mul') => new Map(arithmeticRelations({ op }).map((r) => [r.name, r]));

  test('predict the documented values for 1349 + 2705 (true 4054)', () => {
    const r = byName('add');
    const ex = arithmeticExample(1349, 2705, 'add', 5);
    const predicted = (name: string) => predictionOf(r.get(name)!, ex);
    expect(predicted('operands mod 10^3')).toBe(349 + 705); // 1054, the paper's example
    expect(predicted('a mod 10^3')).toBe(349 + 2705);
    expect(predicted('b mod 10^3')).toBe(1349 + 705);
    expect(predicted('answer mod 10^3')).toBe(54);
    expect(predicted('answer 10^3 digit dropped')).toBe(54);
    expect(predicted('answer clamped to 9 at 10^3')).toBe(4054);
    expect(predicted('carry into 10^3 dropped')).toBe(54 + 3000);
    expect(predicted('true answer')).toBe(4054);
    // Clamping and digit dropping differ once the answer reaches 10^4.
    const big = arithmeticExample(9349, 9705, 'add', 5); // 19054
    expect(predictionOf(r.get('answer clamped to 9 at 10^3')!, big)).toBe(9054);
    expect(predictionOf(r.get('answer 10^3 digit dropped')!, big)).toBe(10054);
  });

  test('decode reads the reversed answer; malformed answers match nothing; representatives are ID inputs only', () => {
    const rel = byName('add').get('operands mod 10^3')!;
    const ex = arithmeticExample(1349, 2705, 'add', 5);
    expect(rel.decode!([4, 5, 0, 1, 0, 0], ex)).toBe(1054);
    expect(rel.decode!([4, 5, 0, 1, 0], ex)).toBeUndefined();
    expect(rel.representative!(ex)!.prompt).toEqual(arithmeticExample(349, 705, 'add', 5).prompt);
    expect(byName('add').get('a mod 10^3')!.representative!(ex)).toBeUndefined(); // b = 2705 is not in distribution
  });

  test('multiplication has no carry relation and uses products', () => {
    const r = byName('mul');
    expect(r.has('carry into 10^3 dropped')).toBe(false);
    const ex = arithmeticExample(1002, 2003, 'mul', 5);
    expect(predictionOf(r.get('operands mod 10^3')!, ex)).toBe(6);
    expect(r.get('true answer')!.decode!(ex.target, ex)).toBe(1002 * 2003);
    expect(decodeAnswer(ex.target, 'mul', 5)).toBe(1002 * 2003);
  });
});

describe('lookup relations', () => {
  // Two 2-bit tables: t1 = +1 mod 4, t2 = ×3 mod 4 (a bijection), t3 = reverse.
  const tables = [
    [1, 2, 3, 0],
    [0, 3, 2, 1],
    [3, 2, 1, 0],
  ];
  const ex = (input: number, seq: number[]) => encodeLookupRow({ input, tables: seq }, tables, 2, 'final', 0);
  const relations = lookupRelations({ tables, bits: 2, seen: [[0], [1], [2], [0, 2], [2, 1]] });
  const predict = (name: string, e: EncodedExample) => predictionOf(relations.find((r) => r.name === name)!, e);

  test('parse the prompt and decode the final value before <eos>', () => {
    const e = ex(1, [0, 1]);
    expect(parseLookupPrompt(e.prompt, 2, 3)).toEqual({ input: 1, tables: [0, 1] });
    expect(decodeLookupValue(e.target, 2, 3)).toBe(tables[1][tables[0][1]]);
    expect(decodeLookupValue([1, 0], 2, 3)).toBeUndefined();
    expect(decodeLookupValue([1, 2, lookupTokenIds(3).eos], 2, 3)).toBeUndefined();
  });

  test('structural relations on "t1 t2" applied to 1', () => {
    const e = ex(1, [0, 1]); // t2(t1(1)) = t2(2) = 2
    expect(predict('true composition', e)).toBe(2);
    expect(predict('first table only', e)).toBe(2); // t1(1)
    expect(predict('last table only', e)).toBe(3); // t2(1)
    expect(predict('reversed composition', e)).toBe(0); // t1(t2(1)) = t1(3)
    expect(predict('identity (input copied)', e)).toBe(1);
    expect(predict('drop first table', e)).toBe(3); // "t2" is seen
    expect(predict('drop last table', e)).toBe(2);
    // Substitutions only towards seen compositions: t2→t3 gives "t1 t3" (seen), t1→t3 gives "t3 t2" (seen).
    expect(predict('substitute t2→t3', e)).toBe(tables[2][tables[0][1]]);
    expect(predict('substitute t1→t3', e)).toBe(tables[1][tables[2][1]]);
    expect(predict('substitute t2→t1', e)).toBeUndefined(); // "t1 t1" never seen
    // Atomic rows: structural relations stay silent, the truth and identity do not.
    expect(predict('first table only', ex(1, [0]))).toBeUndefined();
    expect(predict('true composition', ex(1, [0]))).toBe(2);
  });

  test('lookupRelationsForTask: seen compositions come from the ID split; representatives carry their composition id', () => {
    const task = createLookupTask(lookupSpecFromSeed({ seed: 2, numTables: 4, bits: 2, atomicOnlyTables: 1, heldOutCompositions: 2 }));
    const rels = lookupRelationsForTask(task, 'train');
    const held = task.split('heldout_compositions').examples[0];
    const rep = rels.find((r) => r.name === 'last table only')!.representative!(held)!;
    expect(rep.prompt.length).toBe(held.prompt.length - 1);
    expect(task.labelNames().composition[rep.exampleLabels.composition]).toBe(held.group.split(' ').pop());
  });
});

describe('scoring', () => {
  test('explained, predicted, precision, chance level and families', () => {
    const examples = [0, 1, 2, 3].map((i) => arithmeticExample(1000 + i, 0, 'add', 4));
    const rels = [
      { name: 'low', description: '', family: 'f', predict: (e: EncodedExample) => e.exampleLabels.a % 1000, decode: (t: readonly number[]) => decodeAnswer(t, 'add', 4) },
      { name: 'evens', description: '', family: 'f', predict: (e: EncodedExample) => (e.exampleLabels.a % 2 ? undefined : e.target) },
    ];
    const outputs = [
      [0, 0, 0, 0, 0],
      examples[1].target,
      [2, 0, 0, 0, 0],
      [9, 9, 9, 9, 9],
    ];
    const s = scoreRelations(examples, outputs, rels);
    const low = s.relations.find((r) => r.name === 'low')!;
    expect(low).toMatchObject({ explained: 2, predicted: 4, fraction: 0.5, precision: 0.5, rank: 1 });
    // Chance: predictions 0..3 against permuted outputs decoding to {0, 1001, 2, 99999}: 0 and 2 match once each.
    expect(low.baseline).toBeCloseTo(2 / 16);
    const evens = s.relations.find((r) => r.name === 'evens')!;
    expect(evens).toMatchObject({ explained: 0, predicted: 2, precision: 0 });
    expect(s.families).toEqual([{ family: 'f', relations: 2, explained: 2, fraction: 0.5 }]);
    expect(s.unexplained).toEqual([1, 3]);
    expect(() => scoreRelations(examples, outputs, [rels[0], rels[0]])).toThrow(/two candidate relations/);
    expect(() => scoreRelations(examples, outputs, [{ name: 'x', description: '', predict: () => 3 }])).toThrow(/no decode/);
  });
});

describe('searchMappings', () => {
  test('finds a token substitution at one position from ID preimages', () => {
    // ID: [x, t] for x in 0..3, t in {4, 5, 6}; output (x + t) mod 5. OOD: t = 7, answered as if t were 5.
    const idPrompts: number[][] = [];
    for (let x = 0; x < 4; x++) for (const t of [4, 5, 6]) idPrompts.push([x, t]);
    const f = (p: number[]) => [(p[0] + p[1]) % 5];
    const oodPrompts = [0, 1, 2, 3].map((x) => [x, 7]);
    const r = searchMappings({ prompts: oodPrompts, outputs: oodPrompts.map((p) => f([p[0], 5])) }, { prompts: idPrompts, outputs: idPrompts.map(f) });
    expect(r.best).toMatchObject({ promptLength: 2, examples: 4, withPreimage: 4, support: 4, fraction: 1 });
    expect(r.best!.rules).toEqual([
      { position: 0, kind: 'keep' },
      { position: 1, kind: 'constant', value: 5, map: [[7, 5]] },
    ]);
    expect(r.best!.description).toBe('pos 1: 7→5; the rest kept');
    expect(applyRules(r.best!.rules, [2, 7])).toEqual([2, 5]);
  });

  test('outputs no ID input produces give zero support and no best mapping', () => {
    const r = searchMappings({ prompts: [[1, 2]], outputs: [[9]] }, { prompts: [[1, 1]], outputs: [[0]] });
    expect(r.best).toBeUndefined();
    expect(r.mappings[0]).toMatchObject({ withPreimage: 0, support: 0 });
  });
});
