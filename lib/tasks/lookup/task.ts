/**
 * The lookup-table composition task (Liška et al. 2018) as a SequenceTask: spec in, encoded splits with ground
 * truth out. Rows are resolved once; splits are encoded on first use and cached (tasks are immutable).
 */
import { ConfigError } from '../../util/errors';
import { Rng } from '../../util/random';
import { requireInt } from '../../util/validate';
import { SequenceTask, TaskSplit } from '../types';
import { encodeLookupRow, LookupEncoding, lookupVocab } from './encoding';
import { GeneratedSplit } from './generate';
import { compareCompositions, compositionName, LOOKUP_SPLIT_NAMES, LookupDataset, LookupRow, LookupSplitName } from './rows';
import { readLookupSample } from './sample';
import { explicitSplitOf, resolveSplitRows } from './splits';
import { LookupRegime, LookupSpec, validateLookupSpec } from './spec';
import { generateTables, tableName, toBits } from './tables';

export class LookupTask implements SequenceTask<LookupSpec> {
  readonly kind = 'lookup';
  readonly modelKind = 'sequence';
  readonly spec: LookupSpec;
  readonly vocab: readonly string[];
  readonly stateCount: number;
  private readonly rowsBySplit: Partial<Record<LookupSplitName, LookupRow[]>>;
  private readonly compositionIds = new Map<string, number>();
  private readonly compositions: string[];
  private readonly encoded = new Map<string, TaskSplit>();

  /** Validates `spec` (a ConfigError names the bad field under `task.`). */
  constructor(spec: unknown) {
    this.spec = validateLookupSpec(spec);
    const { tables, bits, split, regime } = this.spec;
    this.vocab = Object.freeze(lookupVocab(tables.length));
    this.stateCount = 2 ** bits;
    const rows = resolveSplitRows(split, tables.length, bits, 'task.split');
    // Collected before the regime filter and sorted rather than in order of appearance, so that label ids depend
    // neither on row order nor on the regime: probes of both regimes' models then share one label space.
    const seen = new Map<string, number[]>();
    for (const split of Object.values(rows)) for (const row of split!) seen.set(compositionName(row.tables), row.tables);
    this.compositions = [...seen.values()].sort(compareCompositions).map(compositionName);
    this.compositions.forEach((name, i) => this.compositionIds.set(name, i));
    if (regime === 'composed-only') {
      rows.train = rows.train!.filter((row) => row.tables.length > 1);
      if (rows.train.length === 0) {
        throw new ConfigError('task.regime', 'a regime that leaves training rows (the split has no composed training rows)', regime);
      }
    }
    this.rowsBySplit = rows;
  }

  splitNames(): string[] {
    return LOOKUP_SPLIT_NAMES.filter((name) => (this.rowsBySplit[name]?.length ?? 0) > 0);
  }

  /** The undecoded rows of a split (input value and table indices), e.g. for reports and custom encodings. */
  rows(name: string): readonly LookupRow[] {
    if (!this.splitNames().includes(name)) {
      throw new ConfigError('split', `one of ${this.splitNames().map((n) => JSON.stringify(n)).join(', ')}`, name);
    }
    return this.rowsBySplit[name as LookupSplitName]!;
  }

  split(name: string): TaskSplit {
    const cached = this.encoded.get(name);
    if (cached) return cached;
    const { tables, bits, encoding } = this.spec;
    const examples = this.rows(name).map((row) =>
      encodeLookupRow(row, tables, bits, encoding, this.compositionIds.get(compositionName(row.tables))!),
    );
    const result = { name, examples };
    this.encoded.set(name, result);
    return result;
  }

  labelNames(): Record<string, string[]> {
    const tableNames = this.spec.tables.map((_, t) => tableName(t));
    const values = Array.from({ length: this.stateCount }, (_, v) => toBits(v, this.spec.bits));
    return {
      composition: this.compositions.slice(),
      table: tableNames,
      firstTable: tableNames.slice(),
      lastTable: tableNames.slice(),
      state: values,
      input: values.slice(),
      final: values.slice(),
    };
  }

  decode(tokens: readonly number[]): string {
    return tokens.map((id) => this.vocab[id] ?? `<unk:${id}>`).join(' ');
  }

  /** Tables, bits and rows of every split, ready for writeLookupSample (train as the regime leaves it). */
  dataset(): LookupDataset {
    return { bits: this.spec.bits, tables: this.spec.tables.map((t) => t.slice()), splits: { ...this.rowsBySplit } };
  }
}

export function createLookupTask(spec: unknown): LookupTask {
  return new LookupTask(spec);
}

export interface LookupTaskOptions {
  encoding?: LookupEncoding;
  regime?: LookupRegime;
}

/** A public sample as a task: its inferred tables and its rows as an explicit split. */
export function lookupTaskFromSample(dirOrName: string, options: LookupTaskOptions = {}): LookupTask {
  const dataset = readLookupSample(dirOrName);
  return createLookupTask({
    kind: 'lookup',
    bits: dataset.bits,
    tables: dataset.tables,
    split: explicitSplitOf(dataset),
    encoding: options.encoding ?? 'final',
    regime: options.regime ?? 'atomic+composed',
  });
}

export interface LookupSeedOptions extends Omit<GeneratedSplit, 'kind' | 'seed'>, LookupTaskOptions {
  seed: number;
  numTables?: number;
  bits?: number;
}

/**
 * A fresh domain from one seed: `numTables` random tables of `bits` bits (seed stream "tables") and a generated
 * split (its own seed stream), e.g. lookupSpecFromSeed({ seed: 1, numTables: 6, bits: 2, compositionLength: 3 }).
 */
export function lookupSpecFromSeed(options: LookupSeedOptions): LookupSpec {
  const { seed, numTables = 8, bits = 3, encoding = 'final', regime = 'atomic+composed', ...splitOptions } = options;
  requireInt(seed, 'seed');
  // The tables get their own stream so that they do not correlate with the split's draws from the same seed.
  const tableSeed = Math.floor(Rng.derive(seed, 'tables').next() * 2 ** 32);
  return validateLookupSpec({
    kind: 'lookup',
    bits,
    tables: generateTables({ count: numTables, bits, seed: tableSeed }),
    split: { kind: 'generated', seed, ...splitOptions },
    encoding,
    regime,
  });
}
