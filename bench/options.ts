/**
 * The options of every bench (`npm run bench -- …`, `npx tsx bench/guided.ts …`), parsed once with node's
 * util.parseArgs: a misspelled option is an error instead of being silently ignored.
 */
import { parseArgs } from 'node:util';

const OPTIONS = {
  // bench/run.ts
  workload: { type: 'string' },
  models: { type: 'string' },
  population: { type: 'string' },
  cell: { type: 'string' },
  'torch-threads': { type: 'string' },
  quick: { type: 'boolean' },
  'no-torch': { type: 'boolean' },
  guided: { type: 'boolean' },
  // bench/hyperteacher.ts, bench/vector-defaults.ts
  steps: { type: 'string' },
  'tfjs-steps': { type: 'string' },
  workers: { type: 'string' },
  jobs: { type: 'string' },
  // bench/guided.ts
  repeats: { type: 'string' },
  'cpu-budget': { type: 'string' },
  'first-repeat': { type: 'string' },
  arms: { type: 'string' },
  out: { type: 'string' },
  'verdict-top': { type: 'string' },
  seeds: { type: 'string' },
  'val-compositions': { type: 'string' },
  write: { type: 'boolean' },
} as const;

export type BenchOption = keyof typeof OPTIONS;

/** Options and positionals (bench/guided.ts's mode and folders) of `argv`; throws naming an unknown option. */
export function benchArgs(argv: readonly string[] = process.argv.slice(2)) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

/** The value of a string option (undefined when not given). */
export function option(name: string, fallback?: string, argv?: readonly string[]): string | undefined {
  const value = (benchArgs(argv).values as Record<string, string | boolean | undefined>)[name];
  return typeof value === 'string' ? value : fallback;
}

/** True when a boolean option was given. */
export function flag(name: BenchOption, argv?: readonly string[]): boolean {
  return (benchArgs(argv).values as Record<string, string | boolean | undefined>)[name] === true;
}

/** Runs a bench's main: a bad option is one `error:` line and exit code 2, anything else the error and exit 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: Error & { code?: string }) => {
    if (err?.code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`error: ${err.message}`);
      process.exit(2);
    }
    console.error(err);
    process.exit(1);
  });
}
