/**
 * `complens train` flags that belong to a kind of model rather than to one workload: the sequence models' cell,
 * preset and sizes, the MLP's width and depth. Each kind says how its flags set a job's sections, and what to tell
 * someone who gives the other kind's flag.
 */
import { UsageError } from '../../lib/util/errors';
import { JobSections, setJobField } from '../../lib/workloads';
import { FlagSpec, ParsedFlags } from '../args';

export interface ModelKindFlags {
  flags: FlagSpec[];
  /** Sets the job fields of these flags; `own(name)`: the workload declares a flag of that name itself (it wins). */
  apply(sections: JobSections, f: ParsedFlags, context: { own(name: string): boolean; defaults: JobSections }): void;
  /** Flags of the other kind, with a pointer to this kind's equivalent. */
  hints: Record<string, string>;
}

const SEQUENCE: ModelKindFlags = {
  flags: [
    { name: 'model', type: 'string', choices: ['gru', 'lstm', 'tanh', 'transformer'], help: 'recurrent cell, or transformer (default: gru; transformer gpt-nano for --task arithmetic)' },
    { name: 'preset', type: 'string', choices: ['gpt-nano', 'gpt-micro', 'gpt-mini'], help: 'transformer size preset (default: gpt-nano)' },
    { name: 'layout', type: 'string', choices: ['single', 'encdec'], help: 'single-stream or encoder-decoder RNN (default: single)' },
    { name: 'width', type: 'int', help: 'hidden width: RNN hidden size (default: 64), or MLP width for vector workloads (default: hyperteacher 256, subroutines 128)', aliases: [{ name: 'hidden', deprecated: true }] },
    { name: 'embed', type: 'int', help: 'RNN embedding size (default: 16); subroutines: item-embedding width of the odd-one-out head (default: 64)' },
    { name: 'layers', type: 'int', help: 'recurrent layers (default: 1)' },
    { name: 'stop-at', type: 'number', help: 'stop at this train exact match; >1 never stops early (default: 1; arithmetic 2 = run all steps)' },
    { name: 'dropout', type: 'number', help: 'transformer dropout during training, minGPT sites (default: 0; arithmetic 0.1)' },
  ],
  apply(sections, f, { own, defaults }) {
    const arch = sections.model.arch ?? defaults.model.arch;
    const transformer = f.model === 'transformer' || (f.model === undefined && arch === 'transformer');
    if (transformer) sections.model = { preset: 'gpt-nano', ...sections.model, arch: 'transformer' };
    else if (f.model !== undefined) sections.model = { ...sections.model, arch: 'rnn', cell: f.model };
    const fields: [string, string | undefined][] = [
      ['preset', transformer ? 'model.preset' : undefined],
      ['layout', 'model.layout'],
      ['width', 'model.hiddenSize'],
      ['embed', 'model.embedSize'],
      ['layers', 'model.numLayers'],
      ['stop-at', 'training.stopAtTrainAccuracy'],
      ['dropout', 'training.dropout'],
    ];
    for (const [name, field] of fields) if (field && f[name] !== undefined && !own(name)) setJobField(sections, field, f[name]);
  },
  hints: {},
};

const VECTOR: ModelKindFlags = {
  flags: [
    { name: 'width', type: 'int', help: 'MLP hidden width (default: hyperteacher 256, subroutines 128)' },
    { name: 'depth', type: 'int', help: 'MLP hidden layers (default: 2)' },
    { name: 'task-seed', type: 'int', help: 'vector workloads: seed of the task (teacher, combination split / problem sets) (default: --seed)' },
  ],
  apply(sections, f, { defaults }) {
    const depth = f.depth as number | undefined;
    const width = f.width as number | undefined;
    if (depth !== undefined && depth < 0) throw new UsageError(`--depth: expected an integer >= 0, got ${depth}`);
    if (width !== undefined && width < 1) throw new UsageError(`--width: expected an integer >= 1, got ${width}`);
    if (depth !== undefined || width !== undefined) {
      const given = sections.model.hiddenSizes ?? defaults.model.hiddenSizes;
      const base = Array.isArray(given) ? (given as number[]) : [256, 256];
      sections.model.hiddenSizes = Array.from({ length: depth ?? base.length }, (_, i) => width ?? base[i] ?? base[base.length - 1]);
    }
    if (f['task-seed'] !== undefined) sections.task.seed = f['task-seed'];
  },
  hints: {
    data: 'lookup tasks only',
    'split-seed': 'lookup tasks only; use --task-seed',
    encoding: 'lookup tasks only; for the hyperteacher code use --ht-encoding',
    regime: 'lookup tasks only',
    model: 'recurrent models only; vector workloads train an MLP (--width, --depth)',
    preset: 'transformers only; vector workloads train an MLP (--width, --depth)',
    layout: 'recurrent models only',
    hidden: 'sequence models only; use --width',
    layers: 'sequence models only; use --depth',
    'stop-at': 'sequence tasks only; vector jobs run --max-steps',
    'aux-weight': 'sequence tasks only',
  },
};

/** By `workload.modelKind`. */
export const MODEL_KIND_FLAGS: Record<'sequence' | 'vector', ModelKindFlags> = { sequence: SEQUENCE, vector: VECTOR };
