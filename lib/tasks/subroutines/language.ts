/**
 * Synthetic subject–verb agreement sentences for the language-like variant (after the Marvin & Linzen templates
 * used by Lepori et al.). Two templates, equally likely:
 *   simple:  the <subject> <verb>
 *   pp:      the <subject> <preposition> the <distractor> <verb>
 * Subject and distractor are different noun lemmas; the distractor's number is random (so half the pp sentences
 * carry an attractor of the other number). A = the subject is singular, B = the verb is singular.
 */
import { Rng } from '../../util/random';
import { Item, ItemFamily } from './items';
import { SentenceCode } from './spec';

export const NOUNS = ['author', 'pilot', 'surgeon', 'farmer', 'manager', 'customer', 'officer', 'teacher', 'guard', 'senator'] as const;
/** Verbs as [singular, plural]. */
export const VERBS = [
  ['laughs', 'laugh'],
  ['swims', 'swim'],
  ['smiles', 'smile'],
  ['sleeps', 'sleep'],
  ['waits', 'wait'],
  ['speaks', 'speak'],
] as const;
export const PREPOSITIONS = ['near', 'behind', 'beside', 'above', 'below'] as const;
export const PAD = '<pad>';
export const MAX_WORDS = 6;

/** Token strings by id: pad, 'the', nouns (singular, plural), verbs (singular, plural), prepositions. */
export const LANGUAGE_VOCAB: readonly string[] = [
  PAD,
  'the',
  ...NOUNS.flatMap((n) => [n, `${n}s`]),
  ...VERBS.flatMap((v) => [...v]),
  ...PREPOSITIONS,
];
const ID = new Map(LANGUAGE_VOCAB.map((w, i) => [w, i]));

export interface Sentence {
  template: 'simple' | 'pp';
  subject: number;
  subjectPlural: boolean;
  verb: number;
  verbPlural: boolean;
  preposition: number;
  distractor: number;
  distractorPlural: boolean;
}

export function sentenceWords(s: Sentence): string[] {
  const noun = (lemma: number, plural: boolean) => NOUNS[lemma] + (plural ? 's' : '');
  const verb = VERBS[s.verb][s.verbPlural ? 1 : 0];
  if (s.template === 'simple') return ['the', noun(s.subject, s.subjectPlural), verb];
  return ['the', noun(s.subject, s.subjectPlural), PREPOSITIONS[s.preposition], 'the', noun(s.distractor, s.distractorPlural), verb];
}

/** Token ids padded to MAX_WORDS. */
export function sentenceTokens(s: Sentence): number[] {
  const ids = sentenceWords(s).map((w) => ID.get(w)!);
  while (ids.length < MAX_WORDS) ids.push(0);
  return ids;
}

export function randomSentence(subjectSingular: boolean, verbSingular: boolean, rng: Rng): Sentence {
  const subject = rng.int(NOUNS.length);
  return {
    template: rng.int(2) === 0 ? 'simple' : 'pp',
    subject,
    subjectPlural: !subjectSingular,
    verb: rng.int(VERBS.length),
    verbPlural: !verbSingular,
    preposition: rng.int(PREPOSITIONS.length),
    distractor: (subject + 1 + rng.int(NOUNS.length - 1)) % NOUNS.length,
    distractorPlural: rng.int(2) === 1,
  };
}

/**
 * 'slots': MAX_WORDS one-hot blocks over the vocabulary, position t in block t (pad is a token too).
 * 'bag': Σ_t E[t, token_t] over non-pad tokens with a fixed Gaussian table E (entries N(0, 1/d)). The embedding
 * depends on the position: a position-free bag could not tell the subject from the distractor noun.
 */
export function sentenceEncoder(options: { sentenceCode: SentenceCode; embedSize: number; seed: number }): { size: number; encode(s: Sentence): Float32Array } {
  const V = LANGUAGE_VOCAB.length;
  if (options.sentenceCode === 'slots') {
    return {
      size: MAX_WORDS * V,
      encode(s) {
        const out = new Float32Array(MAX_WORDS * V);
        sentenceTokens(s).forEach((id, t) => (out[t * V + id] = 1));
        return out;
      },
    };
  }
  const d = options.embedSize;
  const rng = Rng.derive(options.seed, 'language.embeddings');
  const table = Float32Array.from({ length: MAX_WORDS * V * d }, () => rng.normal() / Math.sqrt(d));
  return {
    size: d,
    encode(s) {
      const out = new Float32Array(d);
      sentenceTokens(s).forEach((id, t) => {
        if (id === 0) return;
        for (let k = 0; k < d; k++) out[k] += table[(t * V + id) * d + k];
      });
      return out;
    },
  };
}

export function languageFamily(options: { sentenceCode: SentenceCode; embedSize: number; seed: number }): ItemFamily {
  const encoder = sentenceEncoder(options);
  return {
    itemSize: encoder.size,
    subroutines: { a: 'subject singular', b: 'verb singular' },
    sample(a, b, rng): Item {
      const s = randomSentence(a, b, rng);
      const attributes = {
        template: s.template === 'simple' ? 0 : 1,
        subject: s.subject,
        subjectPlural: +s.subjectPlural,
        verb: s.verb,
        verbPlural: +s.verbPlural,
        preposition: s.preposition,
        distractor: s.distractor,
        distractorPlural: +s.distractorPlural,
      };
      return { features: encoder.encode(s), a, b, attributes };
    },
    describe(item) {
      return sentenceWords(sentenceOf(item.attributes)).join(' ');
    },
  };
}

/** The sentence an item's attributes describe. */
export function sentenceOf(attributes: Record<string, number>): Sentence {
  return {
    template: attributes.template === 0 ? 'simple' : 'pp',
    subject: attributes.subject,
    subjectPlural: attributes.subjectPlural === 1,
    verb: attributes.verb,
    verbPlural: attributes.verbPlural === 1,
    preposition: attributes.preposition,
    distractor: attributes.distractor,
    distractorPlural: attributes.distractorPlural === 1,
  };
}

/** Token ids read back from a 'slots' code (for tests and reports). */
export function decodeSlots(features: Float32Array): string[] {
  const V = LANGUAGE_VOCAB.length;
  const words: string[] = [];
  for (let t = 0; t < MAX_WORDS; t++) {
    const id = Array.from(features.subarray(t * V, (t + 1) * V)).indexOf(1);
    if (id > 0) words.push(LANGUAGE_VOCAB[id]);
  }
  return words;
}
