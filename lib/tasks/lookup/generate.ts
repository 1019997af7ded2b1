/**
 * A seeded split generator following the strategy of the public samples (seeds-A §A.8.1, §C.1), generalised to any
 * table count, bit length and composition length k. Tables split into "regular" ones (composed in training) and the
 * last `atomicOnlyTables`, which training shows only atomically. Every decision draws from its own stream
 * (Rng.derive(seed, label)), so changing one option does not reshuffle the unrelated parts of the split.
 *
 * The rules, with defaults (which reproduce the public split sizes for 8 tables of 3 bits):
 * - train: every table atomically on every input, plus each k-chain of regular tables that is not held out, on all
 *   inputs but `heldOutInputsPerPair` (2) drawn per chain.
 * - heldout_compositions: `heldOutCompositions` (8) k-chains of regular tables, all inputs; drawn so that each of
 *   their tables still occurs in some training chain.
 * - validation / heldout_inputs: the held-out inputs of the trained chains, shuffled; the first
 *   round(n × validationFraction) go to validation (public ratio 16:40, so 2/7).
 * - heldout_tables: k-chains mixing regular and atomic-only tables; new_compositions: k-chains of atomic-only
 *   tables; both on all inputs.
 * - longer_compositions_{seen,incremental,new}: (k+1)-chains of regular / mixed / atomic-only tables; a
 *   round(fraction × pool) subset of each pool, each chain on `longerInputsPerChain` inputs (half of them).
 *   The fractions default to the public counts over these pools: 136/216, 271/288 and 8/8.
 */
import { ConfigError } from '../../util/errors';
import { Rng } from '../../util/random';
import { requireInt, requireNumber, requireObject } from '../../util/validate';
import { compareCompositions, compareRows, LOOKUP_SPLIT_NAMES, LookupRow, LookupSplitName } from './rows';

export interface GeneratedSplit {
  kind: 'generated';
  seed: number;
  /** k, the number of tables in a training composition (default 2). */
  compositionLength?: number;
  /** How many of the last tables are seen only atomically (default 2: t7, t8). */
  atomicOnlyTables?: number;
  /** How many k-chains of regular tables form the zero-shot set (default 8). */
  heldOutCompositions?: number;
  /** Inputs held out per trained chain (default 2); the name keeps the public k = 2 wording. */
  heldOutInputsPerPair?: number;
  /** Share of the held-out inputs that go to validation (default 2/7, the public 16 of 56). */
  validationFraction?: number;
  /** Inputs per longer chain (default half of the 2^bits inputs, as the public 4 of 8). */
  longerInputsPerChain?: number;
  /** Share of each longer pool that is used (defaults 136/216, 271/288, 1). */
  longerFractions?: { seen?: number; incremental?: number; new?: number };
}

export type ResolvedGeneratedSplit = Required<Omit<GeneratedSplit, 'longerFractions'>> & {
  longerFractions: { seen: number; incremental: number; new: number };
};

/** Fitted to the public samples: their longer sets hold 136 of the 216 regular 3-chains, 271 chains, and all 8 new ones. */
export const DEFAULT_LONGER_FRACTIONS = Object.freeze({ seen: 136 / 216, incremental: 271 / 288, new: 1 });

/** Enumerating (k+1)-chains must stay cheap: numTables^(k+1) is capped here. */
const MAX_CHAINS = 1_000_000;

const KNOWN_FIELDS = [
  'kind', 'seed', 'compositionLength', 'atomicOnlyTables', 'heldOutCompositions', 'heldOutInputsPerPair',
  'validationFraction', 'longerInputsPerChain', 'longerFractions',
];

/**
 * Checks a generated split against the tables it will be applied to and fills in the defaults; every problem is a
 * ConfigError naming `field.<option>`.
 */
export function validateGeneratedSplit(value: unknown, field: string, numTables: number, bits: number): ResolvedGeneratedSplit {
  const o = requireObject(value, field);
  rejectUnknown(o, field, KNOWN_FIELDS);
  if (o.kind !== 'generated') throw new ConfigError(`${field}.kind`, '"generated"', o.kind);
  const size = 2 ** bits;
  const seed = requireInt(o.seed, `${field}.seed`);
  const k = requireInt(o.compositionLength ?? 2, `${field}.compositionLength`, 2, 8);
  if (numTables ** (k + 1) > MAX_CHAINS) {
    throw new ConfigError(`${field}.compositionLength`, `a length with ${numTables}^(k+1) <= ${MAX_CHAINS} chains`, k);
  }
  const atomicOnly = requireInt(o.atomicOnlyTables ?? 2, `${field}.atomicOnlyTables`, 0, numTables - 1);
  const regularChains = (numTables - atomicOnly) ** k;
  const heldOut = requireInt(o.heldOutCompositions ?? 8, `${field}.heldOutCompositions`, 0, regularChains - 1);
  const heldInputs = requireInt(o.heldOutInputsPerPair ?? 2, `${field}.heldOutInputsPerPair`, 0, size - 1);
  const validationFraction = requireNumber(o.validationFraction ?? 2 / 7, `${field}.validationFraction`, 0, 1);
  const longerInputs = requireInt(o.longerInputsPerChain ?? Math.max(1, size / 2), `${field}.longerInputsPerChain`, 1, size);
  const fractions = requireObject(o.longerFractions ?? {}, `${field}.longerFractions`);
  rejectUnknown(fractions, `${field}.longerFractions`, ['seen', 'incremental', 'new']);
  const fraction = (key: 'seen' | 'incremental' | 'new') =>
    requireNumber(fractions[key] ?? DEFAULT_LONGER_FRACTIONS[key], `${field}.longerFractions.${key}`, 0, 1);
  return {
    kind: 'generated',
    seed,
    compositionLength: k,
    atomicOnlyTables: atomicOnly,
    heldOutCompositions: heldOut,
    heldOutInputsPerPair: heldInputs,
    validationFraction,
    longerInputsPerChain: longerInputs,
    longerFractions: { seen: fraction('seen'), incremental: fraction('incremental'), new: fraction('new') },
  };
}

function rejectUnknown(o: Record<string, unknown>, field: string, known: string[]): void {
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new ConfigError(`${field}.${key}`, `no such field (known: ${known.join(', ')})`, o[key]);
  }
}

/** All nine splits (possibly empty) for `numTables` tables of `bits` bits, each in canonical row order. */
export function generateSplitRows(split: GeneratedSplit, numTables: number, bits: number, field = 'split'): Record<LookupSplitName, LookupRow[]> {
  const o = validateGeneratedSplit(split, field, numTables, bits);
  const k = o.compositionLength;
  const size = 2 ** bits;
  const allInputs = range(size);
  const regular = range(numTables - o.atomicOnlyTables);
  const atomicOnly = range(numTables).slice(regular.length);
  const isMixed = (chain: number[]) => chain.some((t) => t < regular.length) && chain.some((t) => t >= regular.length);
  const stream = (label: string) => Rng.derive(o.seed, label);

  const candidates = chains(k, regular);
  const heldOut = pickHeldOut(candidates, o.heldOutCompositions, regular.length, stream('heldout_compositions'), field);
  const heldKeys = new Set(heldOut.map((c) => c.join(',')));
  const trained = candidates.filter((c) => !heldKeys.has(c.join(',')));

  const inputRng = stream('heldout_inputs');
  const train: LookupRow[] = range(numTables).flatMap((t) => allInputs.map((input) => ({ input, tables: [t] })));
  const heldInputs: LookupRow[] = [];
  for (const chain of trained) {
    const held = new Set(inputRng.permutation(size).slice(0, o.heldOutInputsPerPair));
    for (const input of allInputs) (held.has(input) ? heldInputs : train).push({ input, tables: chain });
  }
  stream('validation').shuffleInPlace(heldInputs);
  const validationCount = Math.round(heldInputs.length * o.validationFraction);

  const everyInput = (cs: number[][]) => cs.flatMap((tables) => allInputs.map((input) => ({ input, tables })));
  const longer = (pool: number[][], share: number, label: string): LookupRow[] => {
    const rng = stream(label);
    const chosen = rng.shuffleInPlace(pool.slice()).slice(0, Math.round(pool.length * share));
    chosen.sort(compareCompositions);
    return chosen.flatMap((tables) =>
      rng.permutation(size).slice(0, o.longerInputsPerChain).map((input) => ({ input, tables })),
    );
  };
  const all = range(numTables);
  const longerChains = chains(k + 1, all);

  const out: Record<LookupSplitName, LookupRow[]> = {
    train,
    validation: heldInputs.slice(0, validationCount),
    heldout_inputs: heldInputs.slice(validationCount),
    heldout_compositions: everyInput(heldOut),
    heldout_tables: everyInput(chains(k, all).filter(isMixed)),
    new_compositions: everyInput(chains(k, atomicOnly)),
    longer_compositions_seen: longer(chains(k + 1, regular), o.longerFractions.seen, 'longer_compositions_seen'),
    longer_compositions_incremental: longer(longerChains.filter(isMixed), o.longerFractions.incremental, 'longer_compositions_incremental'),
    longer_compositions_new: longer(chains(k + 1, atomicOnly), o.longerFractions.new, 'longer_compositions_new'),
  };
  for (const name of LOOKUP_SPLIT_NAMES) out[name].sort(compareRows);
  return out;
}

/**
 * Draws the zero-shot compositions so that each of their tables still occurs in some trained chain: otherwise the
 * composed-only regime would ask for a table the model never saw. Redraws (deterministically) until that holds.
 */
function pickHeldOut(candidates: number[][], count: number, numRegular: number, rng: Rng, field: string): number[][] {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const order = rng.permutation(candidates.length);
    const held = order.slice(0, count).map((i) => candidates[i]);
    const trainedTables = new Set(order.slice(count).flatMap((i) => candidates[i]));
    if (held.every((chain) => chain.every((t) => trainedTables.has(t)))) return held.sort(compareCompositions);
  }
  throw new ConfigError(
    `${field}.heldOutCompositions`,
    `few enough held-out compositions of the ${numRegular} regular tables that each of their tables still occurs in a trained one`,
    count,
  );
}

/** Every length-`length` sequence over `alphabet`, in lexicographic order. */
export function chains(length: number, alphabet: readonly number[]): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < length; i++) out = out.flatMap((prefix) => alphabet.map((t) => [...prefix, t]));
  return alphabet.length === 0 ? [] : out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
