/**
 * The vector workloads (MLPs on the hyperteacher family and the subroutine odd-one-out tasks) on the command line:
 * `complens train --task hyperteacher|subroutines` folds these flags in (vectorOnlyFlags) and hands over to
 * vectorTrainCommandHandler; `complens eval` evaluates vector checkpoints through the workload registry.
 */
import { backendHeader, initBackend } from '../../lib/backend';
import { evaluationRows, VectorEvaluation } from '../../lib/eval/vector';
import { loadModelCheckpoint } from '../../lib/io/model-checkpoint';
import { Hyperteacher, HT_ENCODINGS, HT_SUPPORTS } from '../../lib/tasks/hyperteacher';
import { SUBROUTINE_VARIANTS, SubroutineTask } from '../../lib/tasks/subroutines';
import {
  defaultVectorOut, evaluateSavedVectorModel, isVectorWorkload, resolveVectorJob, trainVectorJob, VECTOR_JOB_DEFAULTS, VECTOR_WORKLOADS,
  VectorTrainJob,
} from '../../lib/train/vector-job';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { FlagSpec, ParsedArgs } from '../args';
import { JobFile, readJobFile as readConfigFile } from '../config-file';
import { formatNumber, formatTable, percent } from '../format';

const ht = VECTOR_JOB_DEFAULTS.hyperteacher;
const sr = VECTOR_JOB_DEFAULTS.subroutines;

/**
 * Every flag of vector training. Flags that `complens train` already has (config, task, seed, data-seed, lr, batch,
 * max-steps, eval-every, optimizer, weight-decay, embed, out, fresh, json) keep its names and types.
 */
export const VECTOR_TRAIN_FLAGS: FlagSpec[] = [
  { name: 'config', type: 'string', value: 'FILE', help: 'JSON file with task, model and training sections (flags override it)' },
  { name: 'task', type: 'string', choices: VECTOR_WORKLOADS, help: 'vector workload: hyperteacher (Redhardt et al.) or subroutines (Lepori et al.)' },
  { name: 'modules', type: 'int', value: 'M', help: `hyperteacher: number of modules (default: ${ht.task.modules})` },
  { name: 'max-active', type: 'int', value: 'K', help: `hyperteacher: at most K active modules per task (default: ${ht.task.maxActive})` },
  { name: 'frac-ood', type: 'number', value: 'F', help: `hyperteacher: fraction of module combinations held out (default: ${ht.task.fracOod})` },
  { name: 'support', type: 'string', choices: HT_SUPPORTS, help: 'hyperteacher: which combinations are trained; disconnected and non_compositional are coverage controls (default: random)' },
  { name: 'ht-encoding', type: 'string', choices: HT_ENCODINGS, help: 'hyperteacher: how the task code is shown to the MLP (default: identity)' },
  { name: 'variant', type: 'string', choices: SUBROUTINE_VARIANTS, help: 'subroutines: vision (inside ∧ contact) or language (agreement) (default: vision)' },
  { name: 'train-size', type: 'int', value: 'N', help: 'subroutines: problems in each training split (default: 10000)' },
  { name: 'width', type: 'int', help: 'MLP hidden width (default: hyperteacher 256, subroutines 128)' },
  { name: 'depth', type: 'int', help: 'MLP hidden layers (default: 2)' },
  { name: 'embed', type: 'int', help: `subroutines: item-embedding width of the odd-one-out head (default: ${sr.model.outputSize})` },
  { name: 'seed', type: 'int', help: 'initialisation seed; also the task and data-order seed unless set (default: 0)' },
  { name: 'task-seed', type: 'int', help: 'seed of the task (teacher, combination split / problem sets) (default: --seed)' },
  { name: 'data-seed', type: 'int', help: 'data-order seed (default: --seed)' },
  { name: 'lr', type: 'number', help: `learning rate (default: hyperteacher ${ht.training.learningRate}, subroutines ${sr.training.learningRate})` },
  { name: 'batch', type: 'int', help: `hyperteacher: tasks per step (default: ${ht.training.tasksPerStep}); subroutines: problems per minibatch (default: ${sr.training.batchSize})` },
  { name: 'max-steps', type: 'int', help: `training steps (default: hyperteacher ${ht.training.maxSteps}, subroutines ${sr.training.maxSteps})` },
  { name: 'eval-every', type: 'int', help: 'steps between history points / progress metrics' },
  { name: 'eval-tasks', type: 'int', help: `hyperteacher: tasks per split in the final evaluation (default: ${ht.training.evalTasks})` },
  { name: 'optimizer', type: 'string', choices: ['adam', 'adamw'], help: 'optimizer (default: hyperteacher adamw, subroutines adam)' },
  { name: 'weight-decay', type: 'number', help: `AdamW decoupled weight decay (default: hyperteacher ${ht.training.weightDecay})` },
  { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint directory (default: runs/<workload>-<settings>-s<seed>)' },
  { name: 'fresh', type: 'boolean', help: 'retrain even if DIR already holds a checkpoint of this exact job' },
  { name: 'json', type: 'boolean', help: 'print the result as JSON' },
];

/** Flags of `complens train` that mean nothing for a vector workload (rejected with a pointer to the right one). */
const SEQUENCE_ONLY: Record<string, string> = {
  data: 'lookup tasks only',
  sample: 'lookup tasks only',
  'split-seed': 'lookup tasks only; use --task-seed',
  encoding: 'lookup tasks only; for the hyperteacher code use --ht-encoding',
  regime: 'lookup tasks only',
  model: 'recurrent models only; vector workloads train an MLP (--width, --depth)',
  layout: 'recurrent models only',
  hidden: 'sequence models only; use --width',
  layers: 'sequence models only; use --depth',
  'stop-at': 'sequence tasks only; vector jobs run --max-steps',
  'aux-weight': 'sequence tasks only',
};

/** The vector flags that a command with `existing` flags lacks (for folding into `complens train`). */
export function vectorOnlyFlags(existing: readonly FlagSpec[]): FlagSpec[] {
  const names = new Set(existing.map((f) => f.name));
  return VECTOR_TRAIN_FLAGS.filter((f) => !names.has(f.name));
}

/** Names of the flags only vector training has. */
export const VECTOR_ONLY_FLAG_NAMES = ['modules', 'max-active', 'frac-ood', 'support', 'ht-encoding', 'variant', 'train-size', 'width', 'depth', 'task-seed', 'eval-tasks'];

/** Kept for callers that imported it from here (sweep); the reader and its checks live in cli/config-file.ts. */
export function readJobFile(file: string | undefined): JobFile {
  return readConfigFile(file, 'vector');
}

/** True when the arguments ask for a vector workload (by --task or by the config file's task.kind). */
export function wantsVectorTraining(args: ParsedArgs): boolean {
  if (args.flags.task !== undefined) return isVectorWorkload(args.flags.task);
  return isVectorWorkload(readConfigFile(args.flags.config as string | undefined, 'any').task?.kind);
}

/** The job described by flags and an optional config file (flags override the file). */
export function vectorJobFromArgs(args: ParsedArgs): VectorTrainJob & { out: string } {
  const f = args.flags;
  for (const [name, why] of Object.entries(SEQUENCE_ONLY)) {
    if (f[name] !== undefined) throw new UsageError(`--${name}: ${why}`);
  }
  const file = readJobFile(f.config as string | undefined);
  const kind = f.task ?? file.task?.kind;
  if (kind === undefined) throw new UsageError(`--task: required, one of ${VECTOR_WORKLOADS.join(', ')}`);
  if (!isVectorWorkload(kind)) throw new UsageError(`--task: expected one of ${VECTOR_WORKLOADS.join(', ')}, got ${JSON.stringify(kind)}`);
  const only = (flag: string, workload: string) => {
    if (f[flag] !== undefined && kind !== workload) throw new UsageError(`--${flag}: applies to --task ${workload} only`);
  };
  for (const flag of ['modules', 'max-active', 'frac-ood', 'support', 'ht-encoding', 'eval-tasks']) only(flag, 'hyperteacher');
  for (const flag of ['variant', 'train-size', 'embed']) only(flag, 'subroutines');
  const set = (base: Record<string, unknown> | undefined, entries: [string, unknown][]): Record<string, unknown> =>
    Object.assign({}, base, Object.fromEntries(entries.filter(([, v]) => v !== undefined)));
  const seed = (f.seed as number | undefined) ?? (file.seed as number | undefined) ?? 0;
  const fileSizes = (file.task?.sizes ?? {}) as Record<string, unknown>;
  const task = set(file.task, [
    ['kind', kind],
    ['seed', f['task-seed']],
    ['modules', f.modules],
    ['maxActive', f['max-active']],
    ['fracOod', f['frac-ood']],
    ['support', f.support],
    ['encoding', f['ht-encoding']],
    ['variant', f.variant],
    ['sizes', f['train-size'] !== undefined ? { ...fileSizes, train: f['train-size'] } : undefined],
  ]);
  const depth = f.depth as number | undefined;
  const width = f.width as number | undefined;
  const defaultSizes = VECTOR_JOB_DEFAULTS[kind].model.hiddenSizes as number[];
  const baseSizes = (file.model?.hiddenSizes as number[] | undefined) ?? defaultSizes;
  const hiddenSizes =
    depth === undefined && width === undefined
      ? undefined
      : Array.from({ length: depth ?? (Array.isArray(baseSizes) ? baseSizes.length : 2) }, (_, i) => width ?? (Array.isArray(baseSizes) ? baseSizes[i] ?? baseSizes[baseSizes.length - 1] : 256));
  if (depth !== undefined && depth < 0) throw new UsageError(`--depth: expected an integer >= 0, got ${depth}`);
  if (width !== undefined && width < 1) throw new UsageError(`--width: expected an integer >= 1, got ${width}`);
  const model = set(file.model, [
    ['hiddenSizes', hiddenSizes],
    ['outputSize', f.embed],
  ]);
  const training = set(file.training, [
    ['learningRate', f.lr],
    [kind === 'hyperteacher' ? 'tasksPerStep' : 'batchSize', f.batch],
    ['maxSteps', f['max-steps']],
    ['evalEvery', f['eval-every']],
    ['evalTasks', f['eval-tasks']],
    ['optimizer', f.optimizer],
    ['weightDecay', f['weight-decay']],
    ['dataSeed', f['data-seed']],
  ]);
  const job = { task, model, training, seed };
  const out = String(f.out ?? defaultVectorOut(resolveVectorJob(job)));
  checkOutputDir(out, 'checkpoint');
  return { ...job, out };
}

/** `complens train --task hyperteacher|subroutines …`: train, evaluate every split, save the checkpoint. */
export async function vectorTrainCommandHandler(args: ParsedArgs): Promise<number> {
  const input = vectorJobFromArgs(args);
  const job = resolveVectorJob(input);
  await initBackend();
  const quiet = Boolean(args.flags.quiet);
  if (!quiet) console.error(`complens train · ${job.workload} · ${backendHeader()} · out ${input.out}`);
  const progress = new Progress({ total: job.training.maxSteps, label: `train ${job.workload}`, quiet });
  const result = await trainVectorJob(input, {
    fresh: Boolean(args.flags.fresh),
    saveEvery: args.flags['save-every'] as number | undefined,
    onProgress: (step, _max, detail) => progress.update(step, detail),
    log: quiet ? undefined : (line) => console.error(line),
  });
  if (!result.reused) progress.finish(`${result.training.steps} steps`);
  if (args.flags.json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(`checkpoint: ${result.checkpoint}${result.reused ? ' (reused: already trained with this exact job)' : ''}`);
    console.log(`steps: ${result.training.steps} · ${result.training.wallSeconds.toFixed(1)} s · ${result.training.msPerStep.toFixed(2)} ms/step`);
    console.log(formatEvaluation(result.evaluation));
  }
  return 0;
}

export const VECTOR_EVAL_FLAGS: FlagSpec[] = [
  { name: 'split', type: 'list', value: 'A,B', help: 'splits to evaluate (default: all)' },
  { name: 'eval-tasks', type: 'int', help: 'hyperteacher: tasks per split (default: as when the checkpoint was trained)' },
  { name: 'json', type: 'boolean', help: 'print JSON' },
];

/** Evaluates a vector checkpoint (positional 0) as its training job did; the numbers equal those saved with it. */
export async function vectorEvalCommandHandler(args: ParsedArgs): Promise<number> {
  await initBackend();
  const dir = args.positionals[0];
  const { model, task, meta } = loadModelCheckpoint(dir);
  try {
    if (model.kind !== 'vector' || !(task instanceof Hyperteacher || task instanceof SubroutineTask)) {
      throw new UsageError(`${dir} holds a ${model.kind} model on task ${JSON.stringify((task.spec as { kind?: string }).kind)}, not a vector workload; use complens eval`);
    }
    const tasks = args.flags['eval-tasks'] as number | undefined;
    const training = tasks === undefined ? meta.training : { ...meta.training, config: { ...(meta.training.config as object), evalTasks: tasks } };
    const evaluation = evaluateSavedVectorModel(model, task, { training }, { splits: args.flags.split as string[] | undefined });
    if (args.flags.json) console.log(JSON.stringify({ checkpoint: dir, backend: backendHeader(), evaluation }, null, 2));
    else {
      console.log(`${dir} · ${backendHeader()}`);
      console.log(formatEvaluation(evaluation));
    }
    return 0;
  } finally {
    model.dispose();
  }
}

/** A table of every split plus one headline line. */
export function formatEvaluation(e: VectorEvaluation): string {
  const rows = evaluationRows(e).map((r) => [r.split, r.count, r.metric, r.metric === 'accuracy' ? percent(r.value) : formatNumber(r.value)]);
  const table = formatTable(['split', e.workload === 'hyperteacher' ? 'tasks' : 'problems', 'metric', 'value'], rows);
  const s = e.summary as Record<string, number>;
  const headline =
    e.workload === 'hyperteacher'
      ? `ID (test) R² ${formatNumber(s.idR2)} · OOD R² ${formatNumber(s.oodR2)} · gap ${formatNumber(s.gap)}` +
        (Object.keys(e.oodBySize).length ? ` · OOD R² by |S|: ${Object.entries(e.oodBySize).map(([k, g]) => `${k}: ${formatNumber(g.r2)}`).join(', ')}` : '')
      : ['base_test', 'only_A', 'only_B', 'both'].filter((k) => s[k] !== undefined).map((k) => `${k} ${percent(s[k])}`).join(' · ');
  return `${table}\n${headline}`;
}
