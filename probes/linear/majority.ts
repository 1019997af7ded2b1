/**
 * The majority-class predictor: the floor any classifier probe must beat, and what a probe degenerates to when a
 * training fold holds a single class (a logistic fit is undefined there, but "always say that class" is not).
 */
import { NotFittedError } from './errors';
import { Features, rowCount } from './features';
import { accuracy } from './metrics';
import { ClassLabels, toClassLabels } from './targets';

export class MajorityClassifier {
  private label?: number;

  fit(X: Features, y: ClassLabels): this {
    const labels = toClassLabels(y, rowCount(X));
    const counts = new Map<number, number>();
    for (const v of labels) counts.set(v, (counts.get(v) ?? 0) + 1);
    // Ties go to the smallest label so the baseline does not depend on row order.
    let best: number | undefined;
    for (const [v, c] of counts) {
      const bc = best === undefined ? -1 : (counts.get(best) as number);
      if (c > bc || (c === bc && v < (best as number))) best = v;
    }
    this.label = best;
    return this;
  }

  predict(X: Features): Int32Array {
    if (this.label === undefined) throw new NotFittedError('MajorityClassifier');
    return new Int32Array(rowCount(X)).fill(this.label);
  }

  score(X: Features, y: ClassLabels): number {
    return accuracy(toClassLabels(y, rowCount(X)), this.predict(X));
  }
}
