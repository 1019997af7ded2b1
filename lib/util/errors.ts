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

/**
 * A short, bounded rendering of a value for error messages. Never recurses deeper than a few levels and never builds
 * more than ~80 characters, so describing a value nested 100,000 deep or a million-element array cannot overflow the
 * stack or stall the error path.
 */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return render(value, 0, 200);
  const text = render(value, 3, 90);
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

function render(value: unknown, depth: number, budget: number): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > budget ? value.slice(0, budget) + '…' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object') return typeof value;
  const isArray = Array.isArray(value);
  const keys = isArray ? [] : Object.keys(value as object);
  const n = isArray ? (value as unknown[]).length : keys.length;
  if (n === 0) return isArray ? '[]' : '{}';
  if (depth === 0) return isArray ? `[…${n} items]` : '{…}';
  const parts: string[] = [];
  let used = 2;
  for (let i = 0; i < n && used < budget; i++) {
    const part = isArray
      ? render((value as unknown[])[i], depth - 1, budget - used)
      : `${JSON.stringify(keys[i])}:${render((value as Record<string, unknown>)[keys[i]], depth - 1, budget - used)}`;
    parts.push(part);
    used += part.length + 1;
  }
  if (parts.length < n) parts.push('…');
  return isArray ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}
