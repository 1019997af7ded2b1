/** What every CLI command provides: its declaration (flags, help) and a run function. */
import { CommandSpec, ParsedArgs } from './args';

export interface Command extends CommandSpec {
  /** Returns the process exit code. Prints results to stdout and progress to stderr. */
  run(args: ParsedArgs): Promise<number>;
}
