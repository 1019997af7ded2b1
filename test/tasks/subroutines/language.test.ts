import {
  decodeSlots,
  LANGUAGE_VOCAB,
  languageFamily,
  MAX_WORDS,
  randomSentence,
  sentenceEncoder,
  sentenceOf,
  sentenceTokens,
  sentenceWords,
} from '../../../lib/tasks/subroutines';
import { Rng } from '../../../lib/util/random';

test('templates: "the N V" and "the N P the N2 V", subject and distractor different lemmas', () => {
  const rng = new Rng(1);
  const templates = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const s = randomSentence(i % 2 === 0, i % 3 === 0, rng);
    const words = sentenceWords(s);
    templates.add(s.template);
    expect(words[0]).toBe('the');
    expect(words.length).toBe(s.template === 'simple' ? 3 : 6);
    if (s.template === 'pp') expect(words[3]).toBe('the');
    expect(s.distractor).not.toBe(s.subject);
    expect(words[1].endsWith('s')).toBe(s.subjectPlural);
    expect(sentenceTokens(s).length).toBe(MAX_WORDS);
  }
  expect(templates).toEqual(new Set(['simple', 'pp']));
});

test('slots code: one one-hot block per position; decodes back to the words', () => {
  const family = languageFamily({ sentenceCode: 'slots', embedSize: 8, seed: 0 });
  expect(family.itemSize).toBe(MAX_WORDS * LANGUAGE_VOCAB.length);
  const rng = new Rng(2);
  for (let i = 0; i < 50; i++) {
    const item = family.sample(false, true, rng);
    const words = decodeSlots(item.features);
    expect(words.join(' ')).toBe(family.describe(item));
    expect(words[1].endsWith('s')).toBe(true); // plural subject (A false)
    expect(['laughs', 'swims', 'smiles', 'sleeps', 'waits', 'speaks']).toContain(words[words.length - 1]); // singular verb
    expect(item.features.reduce((s, v) => s + v, 0)).toBe(MAX_WORDS);
  }
});

test('bag code: a position-aware sum of fixed embeddings; subject and distractor stay distinguishable', () => {
  const family = languageFamily({ sentenceCode: 'bag', embedSize: 16, seed: 0 });
  expect(family.itemSize).toBe(16);
  const bag = sentenceEncoder({ sentenceCode: 'bag', embedSize: 16, seed: 0 });
  const rng = new Rng(5);
  const item = family.sample(true, true, rng);
  // The family's features are the encoder's, and the table is fixed by the seed.
  expect(Array.from(item.features)).toEqual(Array.from(bag.encode(sentenceOf(item.attributes))));
  expect(Array.from(sentenceEncoder({ sentenceCode: 'bag', embedSize: 16, seed: 1 }).encode(sentenceOf(item.attributes)))).not.toEqual(Array.from(item.features));
  // "the author near the pilots laughs" vs "the authors near the pilot laughs": same words, different codes.
  const s = { template: 'pp' as const, subject: 0, verb: 0, verbPlural: false, preposition: 0, distractor: 1 };
  const x = bag.encode({ ...s, subjectPlural: false, distractorPlural: true });
  const y = bag.encode({ ...s, subjectPlural: true, distractorPlural: false });
  expect(Math.hypot(...x.map((v, i) => v - y[i]))).toBeGreaterThan(0.5);
});
