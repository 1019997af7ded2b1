/**
 * Errors raised by the probes. They extend ComplensError so that the CLI reports them as user errors
 * (`error: <message>`, exit 2) instead of stack traces: a probe given the wrong data is a caller's mistake.
 */
import { ComplensError } from '../../lib/util/errors';

/** Data handed to a probe (features, labels, groups, row indices) that cannot be used as given. */
export class ProbeInputError extends ComplensError {
  constructor(readonly field: string, detail: string) {
    super(`${field}: ${detail}`);
  }
}

/** predict/score called before fit (sklearn's NotFittedError). */
export class NotFittedError extends ComplensError {
  constructor(what: string) {
    super(`${what} is not fitted yet: call fit(X, y) first`);
  }
}
