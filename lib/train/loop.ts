/**
 * The bookkeeping every trainer shares (the sequence trainer, the vector trainer and its fast engine): the running
 * loss mean between history points, the history, the clock, when the resumable state is saved, progress, and the
 * final timing. One implementation, so the trainers cannot drift apart again. The semantics (docs/training.md):
 * - a history point every `evalEvery` steps and at the last step, with the mean loss since the previous point;
 * - the clock continues on resume: a point's `seconds` and `wallSeconds` count training time since step 0 across
 *   the runs that made it (the resumed run starts from the last saved point's time);
 * - the state is saved at the first history point at least `saveEvery` steps after the last save: the running loss
 *   mean restarts there, so a resumed run's loss means equal an uninterrupted one's whatever `saveEvery` is. The
 *   last step is a save point only with `saveAtLastStep` (the sequence trainer: its callers cut runs short with a
 *   smaller maxSteps and continue them; a vector job saves its checkpoint right after the last step instead);
 * - `msPerStep` = wallSeconds / steps, the training time per step over the whole run.
 */
import { ComplensError } from '../util/errors';

export interface LoopPoint {
  step: number;
  /** Mean training loss over the steps since the previous point. */
  loss: number;
  seconds: number;
}

export interface LoopSettings {
  maxSteps: number;
  evalEvery: number;
  /** Steps between saves of the resumable state (0 or undefined: never). */
  saveEvery?: number;
  /** Whether the last step may be a save point (default false). */
  saveAtLastStep?: boolean;
  onProgress?: (step: number, maxSteps: number, detail: string) => void;
}

export class TrainingLog<P extends LoopPoint> {
  readonly history: P[];
  /** The step the run starts from (0, or the resumed state's). */
  readonly startStep: number;
  private readonly started: number;
  private lossSum = 0;
  private lossCount = 0;
  private lastSave: number;

  constructor(private readonly settings: LoopSettings, resume?: { step: number; history: readonly P[] }) {
    this.history = [...(resume?.history ?? [])];
    this.startStep = resume?.step ?? 0;
    this.lastSave = this.startStep;
    const last = this.history[this.history.length - 1];
    this.started = Date.now() - (last ? last.seconds * 1000 : 0);
  }

  /** Records the loss of step `step` (1-based); true when that step is a history point. */
  addStep(step: number, loss: number): boolean {
    if (!Number.isFinite(loss)) throw new ComplensError(`training diverged at step ${step}: loss is ${loss}; lower training.learningRate`);
    this.lossSum += loss;
    this.lossCount++;
    return step % this.settings.evalEvery === 0 || step === this.settings.maxSteps;
  }

  /** Closes the history point at `step` with the mean loss since the last one and `fields`; reports progress. */
  point(step: number, fields: Omit<P, keyof LoopPoint>, detail: string[]): P {
    const point = { ...fields, step, loss: this.lossSum / this.lossCount, seconds: this.elapsed() } as P;
    this.history.push(point);
    this.lossSum = 0;
    this.lossCount = 0;
    this.settings.onProgress?.(step, this.settings.maxSteps, [`loss ${point.loss.toFixed(4)}`, ...detail].join(' · '));
    return point;
  }

  /** At a history point: whether to save the resumable state now (and if so, counted as saved). */
  saveDue(step: number): boolean {
    const every = this.settings.saveEvery ?? 0;
    if (every <= 0 || step - this.lastSave < every || (step >= this.settings.maxSteps && !this.settings.saveAtLastStep)) return false;
    this.lastSave = step;
    return true;
  }

  /** Training time so far, in seconds, across resumed runs. */
  elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  /** The final timing of a run that ended after `steps` steps. */
  timing(steps: number): { wallSeconds: number; msPerStep: number } {
    const wallSeconds = this.elapsed();
    return { wallSeconds, msPerStep: steps > 0 ? (wallSeconds * 1000) / steps : 0 };
  }
}

/** Progress words for a history point's metrics ('idR2 0.9123'). */
export function metricDetail(metrics: Record<string, number>): string[] {
  return Object.entries(metrics).map(([k, v]) => `${k} ${v.toFixed(4)}`);
}
