/**
 * Training and evaluating a batch of search jobs in the current thread: the unit of work of every executor (inline,
 * worker threads, queue workers). Evaluation reuses one model per (architecture, vocabulary): weights are assigned
 * into it, so a long search creates no tensors per model beyond what the trainer frees again.
 */
import * as os from 'os';
import { threadId } from 'worker_threads';
import * as tf from '@tensorflow/tfjs';
import { RnnConfig, RnnModel } from '../models/rnn';
import { evaluateExamples } from '../train/evaluate';
import { ComplensError } from '../util/errors';
import { canonicalJson, SearchConfig, searchModelConfig, searchTask } from './config';
import { searchTrainer } from './trainer';
import { CurvePoint, CurveSummary, MemberOutcome, SearchJob, SearchRow, SearchTrainer, SplitMetrics, TrainedMember, ZERO_SHOT_SPLIT } from './types';

export interface TrainAndEvaluateOptions {
  /** Overrides the trainer named in the config (tests, benchmarks). */
  trainer?: SearchTrainer;
  /** Recorded in each row; default host/pid/thread. */
  workerLabel?: string;
}

const evalModels = new Map<string, RnnModel>();

function evalModelFor(config: RnnConfig): RnnModel {
  const key = canonicalJson(config);
  let model = evalModels.get(key);
  if (!model) {
    if (evalModels.size >= 4) disposeEvalModels();
    model = new RnnModel(config, 0);
    evalModels.set(key, model);
  }
  return model;
}

/** Frees the cached evaluation models (tests check tensor counts around this). */
export function disposeEvalModels(): void {
  for (const m of evalModels.values()) m.dispose();
  evalModels.clear();
}

export function defaultWorkerLabel(): string {
  return `${os.hostname()}/${process.pid}/${threadId}`;
}

/**
 * Trains `jobs` (one variant and regime) with the config's trainer, evaluates every split of each trained model and
 * calls `onOutcome` as each one is ready (weights included). Resolves when all are done.
 */
export async function trainAndEvaluate(
  config: SearchConfig,
  jobs: readonly SearchJob[],
  onOutcome: (outcome: MemberOutcome) => void | Promise<void>,
  options: TrainAndEvaluateOptions = {},
): Promise<void> {
  if (jobs.length === 0) return;
  const { variant, regime } = jobs[0];
  if (jobs.some((j) => j.variant !== variant || j.regime !== regime)) {
    throw new ComplensError('trainAndEvaluate: one call trains one variant and regime (split the batch)');
  }
  const task = searchTask(config, variant, regime);
  const model = searchModelConfig(config, task);
  const trainer = options.trainer ?? searchTrainer(config.trainer).train;
  const worker = options.workerLabel ?? defaultWorkerLabel();
  const done = new Set<number>();
  const pending: Promise<void>[] = [];

  const finish = (index: number, member: TrainedMember) => {
    if (done.has(index) || index < 0 || index >= jobs.length) return;
    done.add(index);
    const outcome = evaluateMember(config, jobs[index], task, model, member, worker);
    const p = onOutcome(outcome);
    if (p) pending.push(p);
  };
  const results = await trainer(task, jobs.map((j) => ({ initSeed: j.initSeed, dataSeed: j.dataSeed })), { model, training: config.training }, {
    onMemberDone: finish,
  });
  if (!Array.isArray(results) || results.length !== jobs.length) {
    throw new ComplensError(`trainer ${config.trainer} returned ${Array.isArray(results) ? results.length : 'no'} members for ${jobs.length} jobs`);
  }
  results.forEach((member, i) => finish(i, member));
  await Promise.all(pending);
}

function evaluateMember(
  config: SearchConfig,
  job: SearchJob,
  task: ReturnType<typeof searchTask>,
  modelConfig: RnnConfig,
  member: TrainedMember,
  worker: string,
): MemberOutcome {
  const started = Date.now();
  const model = evalModelFor(modelConfig);
  for (const spec of model.paramSpecs) {
    const values = member.weights[spec.name];
    const size = spec.shape.reduce((a, b) => a * b, 1);
    if (!values || values.length !== size) {
      throw new ComplensError(`trainer ${config.trainer}: weight ${spec.name} of ${job.key} has ${values?.length ?? 'no'} values, expected ${size}`);
    }
    const t = tf.tensor(values, spec.shape, 'float32');
    model.params[spec.name].assign(t);
    t.dispose();
  }
  const splits: Record<string, SplitMetrics> = {};
  for (const name of task.splitNames()) {
    const r = evaluateExamples(model, task.split(name).examples);
    splits[name] = { em: round(r.exactMatch), tok: round(r.tokenAccuracy), n: r.count };
  }
  const row: SearchRow = {
    v: 1,
    key: job.key,
    variant: job.variant,
    initSeed: job.initSeed,
    dataSeed: job.dataSeed,
    regime: job.regime,
    zeroShot: splits[ZERO_SHOT_SPLIT]?.em ?? NaN,
    splits,
    train: {
      steps: member.steps,
      stoppedBecause: member.stoppedBecause,
      trainExactMatch: round(member.trainExactMatch),
      wallSeconds: round(member.wallSeconds, 3),
      evalSeconds: round((Date.now() - started) / 1000, 3),
      curve: member.history ? summarizeCurve(member.history) : null,
    },
    trainer: config.trainer,
    worker,
    finishedAt: new Date().toISOString(),
    numTensors: tf.memory().numTensors,
  };
  return { job, row, weights: member.weights };
}

function round(x: number, digits = 6): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Steps to 50/90/100% train exact match (first evaluation at or above), last loss, and ≤ 12 evenly spaced points. */
export function summarizeCurve(history: readonly CurvePoint[], maxPoints = 12): CurveSummary {
  const first = (x: number) => history.find((p) => p.trainExactMatch >= x)?.step ?? null;
  const picked: CurvePoint[] = [];
  if (history.length <= maxPoints) picked.push(...history);
  else {
    for (let i = 0; i < maxPoints; i++) picked.push(history[Math.round((i * (history.length - 1)) / (maxPoints - 1))]);
  }
  return {
    stepsTo50: first(0.5),
    stepsTo90: first(0.9),
    stepsTo100: first(1),
    finalLoss: history.length ? round(history[history.length - 1].loss) : null,
    points: picked.map((p) => [p.step, round(p.loss), round(p.trainExactMatch)]),
  };
}
