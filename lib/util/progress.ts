/**
 * Progress for long jobs: a bar redrawn in place on a terminal, or a periodic line with ETA when output is piped
 * (CI logs). `quiet` silences it entirely. Writes to stderr so that stdout stays machine-readable.
 */
export interface ProgressOptions {
  total: number;
  label: string;
  quiet?: boolean;
  /** Seconds between lines when not on a TTY. */
  intervalSeconds?: number;
  stream?: NodeJS.WriteStream;
}

export class Progress {
  private readonly start = Date.now();
  private lastPrint = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly isTty: boolean;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    this.isTty = Boolean(this.stream.isTTY) && !process.env.CI;
  }

  /** Report that `done` of `total` units are finished; `detail` is appended (e.g. the current loss). */
  update(done: number, detail = ''): void {
    if (this.options.quiet) return;
    const now = Date.now();
    const interval = this.isTty ? 200 : (this.options.intervalSeconds ?? 10) * 1000;
    if (now - this.lastPrint < interval && done < this.options.total) return;
    this.lastPrint = now;
    const line = this.format(done, detail);
    if (this.isTty) this.stream.write(`\r${line}\x1b[K`);
    else this.stream.write(line + '\n');
  }

  finish(detail = ''): void {
    if (this.options.quiet) return;
    const line = `${this.options.label}: done in ${formatSeconds((Date.now() - this.start) / 1000)}${detail ? ' · ' + detail : ''}`;
    this.stream.write(this.isTty ? `\r${line}\x1b[K\n` : line + '\n');
  }

  private format(done: number, detail: string): string {
    const { total, label } = this.options;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const elapsed = (Date.now() - this.start) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = this.isTty ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ` : '';
    const pct = (fraction * 100).toFixed(0).padStart(3);
    return `${label}: ${bar}${pct}% ${done}/${total} · ${formatSeconds(elapsed)} elapsed · ETA ${formatSeconds(eta)}${detail ? ' · ' + detail : ''}`;
  }
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
