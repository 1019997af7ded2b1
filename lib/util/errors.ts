/**
 * Errors a user can act on. Everything that crosses the library boundary (a config, a file, a CLI flag) is checked
 * and, when wrong, raises one of these with the file/field and what was expected, so that nobody has to read a
 * stack trace from deep inside tfjs. The CLI prints `error: <message>` and exits 2 for these.
 */
export class ComplensError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A bad command-line flag or argument. */
export class UsageError extends ComplensError {}

/** A config object (task, model, training) that does not validate. `field` is a dotted path such as `model.hiddenSize`. */
export class ConfigError extends ComplensError {
  constructor(readonly field: string, expected: string, got: unknown) {
    super(`${field}: expected ${expected}, got ${describe(got)}`);
  }
}

/** A file on disk that is missing, truncated, corrupt or inconsistent. */
export class FileFormatError extends ComplensError {
  constructor(readonly file: string, detail: string) {
    super(`${file}: ${detail}`);
  }
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + '...' : text;
  } catch {
    return String(value);
  }
}
