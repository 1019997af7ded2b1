/** The compositional-generalization metric of Redhardt et al. (C.7): R² against a per-task variance baseline. */

export interface R2Result {
  /** Mean over (task, sample, output unit) of 1 − (ŷ − y)² / var_task,unit — the paper's `ood_r2` / `test_r2`. */
  r2: number;
  /** Per task: the mean over its samples and units. */
  perTask: Float32Array;
  /** (task, unit) pairs skipped because y did not vary across the task's samples (the baseline would be 0). */
  constantUnits: number;
  mse: number;
}

/**
 * R² per task. `pred` and `y` are row-major [tasks·S, O] with each task's S rows consecutive (as sampleTasks
 * lays them out). The baseline is the variance of each output unit across the task's own samples (the MSE of
 * predicting the per-task mean), so a model that knows only the task's average output scores 0, a perfect one 1.
 * Note the mean of ratios: errors on low-variance units weigh more than in 1 − SSE/SST.
 */
export function r2ByTask(pred: ArrayLike<number>, y: ArrayLike<number>, samplesPerTask: number, outputSize: number): R2Result {
  const S = samplesPerTask;
  const O = outputSize;
  if (pred.length !== y.length) throw new Error(`r2ByTask: ${pred.length} predictions for ${y.length} targets`);
  const rows = y.length / O;
  if (!Number.isInteger(rows) || rows % S !== 0) throw new Error(`r2ByTask: ${y.length} values are not whole tasks of ${S} × ${O}`);
  const tasks = rows / S;
  const perTask = new Float32Array(tasks);
  let total = 0;
  let counted = 0;
  let constantUnits = 0;
  let sse = 0;
  for (let t = 0; t < tasks; t++) {
    let taskSum = 0;
    let taskCount = 0;
    for (let o = 0; o < O; o++) {
      let mean = 0;
      for (let s = 0; s < S; s++) mean += y[(t * S + s) * O + o];
      mean /= S;
      let variance = 0;
      for (let s = 0; s < S; s++) variance += (y[(t * S + s) * O + o] - mean) ** 2;
      variance /= S;
      let err = 0;
      for (let s = 0; s < S; s++) err += (pred[(t * S + s) * O + o] - y[(t * S + s) * O + o]) ** 2;
      sse += err;
      if (variance <= 1e-12) {
        constantUnits++;
        continue;
      }
      taskSum += S - err / variance;
      taskCount += S;
    }
    perTask[t] = taskCount ? taskSum / taskCount : NaN;
    total += taskSum;
    counted += taskCount;
  }
  return { r2: counted ? total / counted : NaN, perTask, constantUnits, mse: sse / y.length };
}
