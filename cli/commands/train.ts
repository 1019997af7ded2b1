/**
 * `complens train`: train one model on a task and save it as a checkpoint (resumable after a kill). The workload
 * (`--task`, or `task.kind` in --config) comes from the registry (lib/workloads): its own flags and defaults, its job
 * runner and its evaluation table. Flags are common (seed, optimiser, steps), of the model kind (sequence: cell,
 * preset, width …; vector: width, depth), or the workload's own; one that does not apply is a usage error naming
 * where it does.
 */
import { backendHeader, initBackend } from '../../lib/backend';
import { UsageError } from '../../lib/util/errors';
import { checkOutputDir } from '../../lib/util/output';
import { Progress } from '../../lib/util/progress';
import { AnyWorkload, DEFAULT_WORKLOAD, findWorkload, getWorkload, JobSections, setJobField, WorkloadFlag, WorkloadJob, workloadNames } from '../../lib/workloads';
import { FlagSpec, ParsedArgs } from '../args';
import { Command } from '../command';
import { jsonFlag } from '../flags';
import { JobFile, readJobFile } from '../config-file';
import { formatEvaluationTable } from './eval';
import { MODEL_KIND_FLAGS, ModelKindFlags } from './train-flags';

/** Flags every workload reads: the job file, the workload, seeds, optimiser and steps, output. */
export const COMMON_FLAGS: FlagSpec[] = [
  { name: 'config', type: 'string', value: 'FILE', help: 'JSON file with task, model and training sections (flags override it)' },
  { name: 'task', type: 'string', help: `workload: ${workloadNames().join(', ')} (default: ${DEFAULT_WORKLOAD})` },
  { name: 'seed', type: 'int', help: 'initialisation seed; also the data-order seed, and the task seed of vector workloads, unless set (default: 0)' },
  { name: 'data-seed', type: 'int', help: 'data-order seed (default: same as --seed)' },
  { name: 'lr', type: 'number', help: 'learning rate (default: the workload\'s; lookup 0.003, arithmetic 5e-4, hyperteacher and subroutines 1e-3)' },
  { name: 'batch', type: 'int', help: 'minibatch size, 0 = full batch (default: 32; arithmetic 64; hyperteacher: tasks per step, 32)' },
  { name: 'max-steps', type: 'int', help: 'step cap (default: lookup 6000, arithmetic 10000, hyperteacher 2000, subroutines 3000)' },
  { name: 'eval-every', type: 'int', help: 'steps between history points (train-accuracy checks, monitor metrics)' },
  { name: 'optimizer', type: 'string', choices: ['adam', 'adamw'], help: 'optimizer (default: adam; arithmetic and hyperteacher adamw)' },
  { name: 'weight-decay', type: 'number', help: 'AdamW decoupled weight decay (default: 0; arithmetic 0.1, hyperteacher 3e-3)' },
  { name: 'out', type: 'string', value: 'DIR', help: 'checkpoint directory (default: runs/<workload>-<settings>-s<seed>)' },
  { name: 'save-every', type: 'int', help: 'steps between resumable saves (default: 500)' },
  { name: 'fresh', type: 'boolean', help: 'ignore any saved partial run (and a finished checkpoint of the same job) and start over' },
  jsonFlag(),
];

/** The job field each common flag sets (unless the workload declares a flag of the same name, e.g. hyperteacher --batch). */
const COMMON_FIELDS: Record<string, string> = {
  lr: 'training.learningRate',
  batch: 'training.batchSize',
  'max-steps': 'training.maxSteps',
  'eval-every': 'training.evalEvery',
  optimizer: 'training.optimizer',
  'weight-decay': 'training.weightDecay',
  'data-seed': 'training.dataSeed',
};

/** A workload flag as a command-line flag. */
function flagSpec(f: WorkloadFlag): FlagSpec {
  return { name: f.name, type: f.type, help: f.help, ...(f.choices ? { choices: f.choices } : {}), ...(f.value ? { value: f.value } : {}), ...(f.aliases ? { aliases: [...f.aliases] } : {}) };
}

/** Common, model-kind and workload flags (of the workloads registered now), each name once. */
export function trainFlags(modelKinds: readonly ('sequence' | 'vector')[] = ['sequence', 'vector']): FlagSpec[] {
  const all = [
    ...COMMON_FLAGS,
    ...modelKinds.flatMap((k) => MODEL_KIND_FLAGS[k].flags),
    ...workloadNames().flatMap((name) => {
      const w = getWorkload(name);
      return modelKinds.includes(w.modelKind) ? (w.flags ?? []).map((f) => ({ ...flagSpec(f), help: `${name}: ${f.help}` })) : [];
    }),
  ];
  return all.filter((f, i) => all.findIndex((g) => g.name === f.name) === i);
}

/** The flags a sequence job reads (also the task flags `complens import` borrows). */
export const SEQUENCE_FLAGS: FlagSpec[] = trainFlags(['sequence']);

export const trainCommand: Command = {
  name: 'train',
  summary: 'train one model on a task and save a checkpoint directory',
  details: [
    'Defaults train a GRU (hidden 64, embedding 16) on the public lookup-table sample1 with Adam (lr 3e-3, batch 32)',
    'until 100% train exact match or 6000 steps, then evaluate every split. A run killed midway resumes from its',
    'last saved state (every --save-every steps) when the same command is run again.',
    '',
    '--task arithmetic trains gpt-nano with the paper\'s recipe (Xu et al.: AdamW 5e-4, dropout 0.1, 10,000 steps);',
    'hyperteacher and subroutines train an MLP (docs/workloads.md lists their flags and defaults).',
    '',
    '--config FILE reads {"task": {...}, "model": {...}, "training": {...}} (see docs/cli.md); flags given on the',
    'command line override the file.',
  ].join('\n'),
  // A getter: workloads registered after this module loaded (user code, tests) bring their flags too.
  get flags(): FlagSpec[] {
    return trainFlags();
  },
  async run(args: ParsedArgs): Promise<number> {
    const workload = workloadOfArgs(args);
    const job = jobFromArgs(args);
    await initBackend();
    const quiet = Boolean(args.flags.quiet);
    if (!quiet) console.error(`complens train · ${workload.name} · ${backendHeader()} · out ${job.out}`);
    const progress = new Progress({ total: job.training.maxSteps as number, label: `train ${workload.name}`, quiet });
    const result = await workload.train(job, {
      fresh: Boolean(args.flags.fresh),
      saveEvery: args.flags['save-every'] as number | undefined,
      onProgress: (step, _max, detail) => progress.update(step, detail),
      log: quiet ? undefined : (line) => console.error(line),
    });
    if (!result.reused) progress.finish(`${result.training.steps} steps, ${result.training.stoppedBecause}`);
    if (args.flags.json) {
      console.log(JSON.stringify(result, null, 2));
    } else {
      const t = result.training;
      console.log(`checkpoint: ${result.checkpoint}${result.reused ? ' (reused: already trained with this exact job)' : ''}`);
      console.log(`steps: ${t.steps} (${t.stoppedBecause}) · ${t.wallSeconds.toFixed(1)} s · ${t.msPerStep.toFixed(2)} ms/step`);
      console.log(formatEvaluationTable(workload.table(result.evaluation)));
    }
    return 0;
  },
};

/** The workload the arguments ask for: --task, else the config file's task.kind, else lookup. */
export function workloadOfArgs(args: ParsedArgs, file: JobFile = readJobFile(args.flags.config as string | undefined, 'any')): AnyWorkload {
  const fileKind = file.task ? String(file.task.kind ?? DEFAULT_WORKLOAD) : undefined;
  const flag = args.flags.task as string | undefined;
  if (flag !== undefined && fileKind !== undefined && flag !== fileKind) {
    throw new UsageError(`train: --task ${flag} but ${args.flags.config} describes a ${fileKind} task; give one`);
  }
  const name = flag ?? fileKind ?? DEFAULT_WORKLOAD;
  const workload = findWorkload(name);
  if (!workload) throw new UsageError(`--task: expected one of ${workloadNames().join(', ')}, got ${JSON.stringify(name)}`);
  return workload;
}

/**
 * The job the flags and the optional config file describe (flags override the file), completed with the workload's
 * defaults and validated, with its output directory checked before anything is written.
 */
export function jobFromArgs(args: ParsedArgs): Required<WorkloadJob> {
  const f = args.flags;
  const file = readJobFile(f.config as string | undefined, 'any');
  const workload = workloadOfArgs(args, file);
  const kindFlags = kindFlagsOf(workload);
  const own = new Map((workload.flags ?? []).map((flag) => [flag.name, flag]));
  refuseForeignFlags(workload, kindFlags, f);
  const seed = (f.seed as number | undefined) ?? file.seed ?? 0;
  const sections: JobSections = { task: { ...file.task, kind: workload.name }, model: { ...file.model }, training: { ...file.training } };
  for (const [name, field] of Object.entries(COMMON_FIELDS)) if (f[name] !== undefined && !own.has(name)) setJobField(sections, field, f[name]);
  kindFlags.apply(sections, f, { own: own.has.bind(own), defaults: workload.defaults });
  for (const flag of own.values()) if (f[flag.name] !== undefined) setJobField(sections, flag.field, f[flag.name]);
  const { workload: _name, ...resolved } = workload.resolveJob({ ...sections, seed });
  const out = String(f.out ?? workload.defaultOut({ ...resolved, workload: workload.name }));
  checkOutputDir(out, 'checkpoint');
  return { task: resolved.task, model: resolved.model, training: resolved.training, seed, out };
}

function kindFlagsOf(workload: AnyWorkload): ModelKindFlags {
  return MODEL_KIND_FLAGS[workload.modelKind as 'sequence' | 'vector'];
}

/** A flag given for a workload it does not apply to is a usage error saying where it applies (or what to use). */
function refuseForeignFlags(workload: AnyWorkload, kindFlags: ModelKindFlags, f: ParsedArgs['flags']): void {
  const mine = new Set([...COMMON_FLAGS, ...kindFlags.flags, ...(workload.flags ?? [])].map((x) => x.name));
  for (const [name, value] of Object.entries(f)) {
    if (value === undefined || mine.has(name) || ['quiet', 'help', 'trust-edited'].includes(name)) continue;
    const hint = kindFlags.hints[name];
    if (hint) throw new UsageError(`--${name}: ${hint}`);
    const owners = workloadNames().filter((w) => {
      const entry = getWorkload(w);
      return entry.flags?.some((x) => x.name === name) || kindFlagsOf(entry).flags.some((x) => x.name === name);
    });
    if (owners.length) throw new UsageError(`--${name}: applies to --task ${owners.join(', ')} only`);
  }
}
